// The exact multi-goal KL-regularised objective of spec irl-rl.md §D.1 on a GoalMaze, and its variational
// EM (Galashov et al. 2019): J(π, π0) = Σ_g p(g) ρ0·V_g, where V_g evaluates r − α log π_g(a|s)/π0(a|s^D)
// on goal g's MDP. The policy sees (cell, goal); the prior sees the cell only (or also the goal when it is
// given full information). For fixed π0 the best π_g is soft value iteration's π ∝ π0 exp(Q/α); for fixed π
// the best π0 is the occupancy-weighted mixture π0(a|s) = Σ_g p(g) d_g(s) π_g(a|s) / Σ_g p(g) d_g(s).
// Each step maximises J over one argument, so the alternation never decreases J.
using Engine.Tensors;

namespace Engine.Training.Rl.Priors;

public sealed record EmTrace(double[] Objectives, TabularPolicy[] Policies, TabularPolicy Prior);

public static class KlRegularisedObjective
{
    /// <summary>J(π, π0) = Σ_g p(g) Σ_s ρ0(s) V^reg_g(s) with per-goal policies and one shared prior π0(a|s).</summary>
    public static double Exact(GoalMaze maze, IReadOnlyList<TabularPolicy> policies, TabularPolicy prior, double alpha, double[]? goalWeights = null)
    {
        var weights = GoalWeights(maze, goalWeights);
        if (policies.Count != maze.GoalCount) throw new EngineException($"KlRegularisedObjective: expected {maze.GoalCount} policies, got {policies.Count}");
        double total = 0;
        for (int g = 0; g < maze.GoalCount; g++)
        {
            var mdp = maze.GoalMdp(g);
            var values = PolicyEvaluation.RegularisedStateValues(mdp, policies[g], prior, alpha);
            for (int s = 0; s < mdp.StateCount; s++) total += weights[g] * mdp.StartProbability(s) * values[s];
        }
        return total;
    }

    /// <summary>The best prior for fixed policies: the mixture weighted by p(g) d_g(s); unvisited states keep `fallback`.</summary>
    public static TabularPolicy MixturePrior(GoalMaze maze, IReadOnlyList<TabularPolicy> policies, TabularPolicy fallback, double[]? goalWeights = null)
    {
        var weights = GoalWeights(maze, goalWeights);
        int states = maze.StateCount, actions = maze.ActionCount;
        var mass = new double[states];
        var mixture = new double[states, actions];
        for (int g = 0; g < maze.GoalCount; g++)
        {
            var occupancy = Occupancy.States(maze.GoalMdp(g), policies[g]);
            for (int s = 0; s < states; s++)
            {
                double w = weights[g] * Math.Max(0, occupancy[s]);
                mass[s] += w;
                for (int a = 0; a < actions; a++) mixture[s, a] += w * policies[g][s, a];
            }
        }
        for (int s = 0; s < states; s++)
            for (int a = 0; a < actions; a++)
                mixture[s, a] = mass[s] > 0 ? mixture[s, a] / mass[s] : fallback[s, a];
        return new TabularPolicy(Normalised(mixture));
    }

    /// <summary>
    /// Alternates soft value iteration per goal (the π step) and the mixture prior (the π0 step), starting
    /// from `initialPrior` (uniform when null). Objectives[k] is J after the k-th full alternation;
    /// Objectives[0] is J of the first π step against the initial prior.
    /// </summary>
    public static EmTrace Alternate(GoalMaze maze, double alpha, int alternations, TabularPolicy? initialPrior = null, double[]? goalWeights = null)
    {
        var prior = initialPrior ?? TabularPolicy.Uniform(maze.StateCount, maze.ActionCount);
        var objectives = new double[alternations + 1];
        var policies = PolicyStep(maze, prior, alpha);
        objectives[0] = Exact(maze, policies, prior, alpha, goalWeights);
        for (int k = 1; k <= alternations; k++)
        {
            prior = MixturePrior(maze, policies, prior, goalWeights);
            policies = PolicyStep(maze, prior, alpha);
            objectives[k] = Exact(maze, policies, prior, alpha, goalWeights);
        }
        return new EmTrace(objectives, policies, prior);
    }

    /// <summary>The optimal regularised policy of every goal for a fixed prior.</summary>
    public static TabularPolicy[] PolicyStep(GoalMaze maze, TabularPolicy prior, double alpha) =>
        Enumerable.Range(0, maze.GoalCount).Select(g => SoftValueIteration.Solve(maze.GoalMdp(g), prior, alpha).Policy).ToArray();

    private static double[] GoalWeights(GoalMaze maze, double[]? goalWeights)
    {
        var weights = goalWeights ?? Enumerable.Repeat(1.0 / maze.GoalCount, maze.GoalCount).ToArray();
        if (weights.Length != maze.GoalCount) throw new EngineException($"KlRegularisedObjective: expected {maze.GoalCount} goal weights, got {weights.Length}");
        TabularMdp.RequireDistribution("goal distribution", weights);
        return weights;
    }

    // Rounding can leave a row a few ulps away from 1; renormalise so TabularPolicy accepts it.
    private static double[,] Normalised(double[,] rows)
    {
        for (int s = 0; s < rows.GetLength(0); s++)
        {
            double total = 0;
            for (int a = 0; a < rows.GetLength(1); a++) total += rows[s, a];
            for (int a = 0; a < rows.GetLength(1); a++) rows[s, a] /= total;
        }
        return rows;
    }
}
