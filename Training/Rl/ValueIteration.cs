// Optimal control on a tabular MDP: value iteration V ← max_a (r + γ P V) (a γ-contraction, stopped when
// the sup-norm change is below a tolerance), policy iteration (exact evaluation plus greedy improvement,
// which ends at an exactly optimal deterministic policy), the best response of convex MDPs (spec
// irl-rl.md §C.3: the greedy policy of Q*, ties broken on the lowest action index; computed by warm-started
// policy iteration, which is much faster than value iteration when the reward changes a little per round),
// and soft (KL-regularised) value iteration.
using Engine.Tensors;

namespace Engine.Training.Rl;

/// <summary>State values, action values, the policy they define and the iterations it took.</summary>
public sealed record ValueSolution(double[] Values, double[,] ActionValues, TabularPolicy Policy, int Iterations);

public static class ValueIteration
{
    /// <summary>Iterates the Bellman optimality operator until max_s |V_{k+1} − V_k| ≤ tolerance; the policy is greedy (ties to the lowest action).</summary>
    public static ValueSolution Solve(TabularMdp mdp, double tolerance = 1e-12, int maxIterations = 1_000_000)
    {
        if (!(tolerance > 0)) throw new EngineException($"ValueIteration: tolerance must be positive, got {tolerance}");
        var values = new double[mdp.StateCount];
        for (int iteration = 1; iteration <= maxIterations; iteration++)
        {
            var q = mdp.Backup(values);
            double change = 0;
            for (int s = 0; s < mdp.StateCount; s++)
            {
                double best = double.NegativeInfinity;
                for (int a = 0; a < mdp.ActionCount; a++) best = Math.Max(best, q[s, a]);
                change = Math.Max(change, Math.Abs(best - values[s]));
                values[s] = best;
            }
            if (change <= tolerance)
            {
                var finalQ = mdp.Backup(values);
                return new ValueSolution(values, finalQ, TabularPolicy.Greedy(finalQ), iteration);
            }
        }
        throw new EngineException($"ValueIteration: no convergence to {tolerance} within {maxIterations} iterations");
    }
}

public static class PolicyIteration
{
    /// <summary>
    /// Howard's policy iteration from an initial deterministic policy (action 0 everywhere when null):
    /// evaluate exactly, improve greedily (ties to the lowest action, keeping the current action when it
    /// is within the tie tolerance of the best), until the policy is stable.
    /// </summary>
    public static ValueSolution Solve(TabularMdp mdp, int[]? initialActions = null, int maxIterations = 10_000)
    {
        var actions = initialActions is null ? new int[mdp.StateCount] : (int[])initialActions.Clone();
        if (actions.Length != mdp.StateCount) throw new EngineException($"PolicyIteration: expected {mdp.StateCount} initial actions, got {actions.Length}");
        for (int iteration = 1; iteration <= maxIterations; iteration++)
        {
            var policy = TabularPolicy.Deterministic(actions, mdp.ActionCount);
            var values = PolicyEvaluation.StateValues(mdp, policy);
            var q = mdp.Backup(values);
            var greedy = TabularPolicy.GreedyActions(q);
            bool stable = true;
            for (int s = 0; s < mdp.StateCount; s++)
            {
                // Switch only on a strict improvement, so equal-valued alternatives cannot make it cycle.
                double slack = 1e-10 * Math.Max(1, Math.Abs(q[s, greedy[s]]));
                if (q[s, greedy[s]] > q[s, actions[s]] + slack)
                {
                    actions[s] = greedy[s];
                    stable = false;
                }
            }
            if (stable) return new ValueSolution(values, q, policy, iteration);
        }
        throw new EngineException($"PolicyIteration: the policy did not stabilise within {maxIterations} iterations");
    }
}

public static class BestResponse
{
    /// <summary>
    /// An exactly optimal deterministic policy for the MDP's reward. Policy iteration (from warmStart, or
    /// from the one-step greedy actions) finds an optimal policy; the answer is then the greedy policy of
    /// its exact Q* with ties to the lowest action index, so it does not depend on the warm start.
    /// </summary>
    public static ValueSolution Solve(TabularMdp mdp, int[]? warmStart = null)
    {
        var solved = PolicyIteration.Solve(mdp, warmStart ?? TabularPolicy.GreedyActions(mdp.RewardsCopy()));
        return solved with { Policy = TabularPolicy.Greedy(solved.ActionValues) };
    }

    /// <summary>The optimal policy for reward r[s, a] on mdp's dynamics (warmStart: a guess of its actions, e.g. the last answer).</summary>
    public static TabularPolicy Policy(TabularMdp mdp, double[,] reward, int[]? warmStart = null) =>
        Solve(mdp.WithRewards(reward), warmStart).Policy;

    /// <summary>The occupancy of the optimal policy for reward r[s, a]: the vertex of K maximising r·d.</summary>
    public static double[,] Occupancy(TabularMdp mdp, double[,] reward) =>
        Rl.Occupancy.StateActions(mdp, Policy(mdp, reward));

    /// <summary>The actions of a deterministic policy (the first action with probability 1 in each state).</summary>
    public static int[] ActionsOf(TabularPolicy policy)
    {
        var actions = new int[policy.StateCount];
        for (int s = 0; s < policy.StateCount; s++)
            while (policy[s, actions[s]] < 1) actions[s]++;
        return actions;
    }
}

public static class SoftValueIteration
{
    /// <summary>
    /// KL-regularised (soft) value iteration with prior π0 and temperature α > 0:
    /// Q = r + γ P V, V(s) = α log Σ_a π0(a|s) exp(Q(s, a) / α), iterated to a sup-norm change ≤ tolerance.
    /// The optimal regularised policy is π(a|s) = π0(a|s) exp((Q(s, a) − V(s)) / α). With the uniform prior
    /// this is maximum-entropy RL shifted by α log |A|.
    /// </summary>
    public static ValueSolution Solve(TabularMdp mdp, TabularPolicy prior, double temperature, double tolerance = 1e-12, int maxIterations = 1_000_000)
    {
        mdp.RequireCompatible(prior);
        if (!(temperature > 0)) throw new EngineException($"SoftValueIteration: temperature must be positive, got {temperature}");
        var values = new double[mdp.StateCount];
        for (int iteration = 1; iteration <= maxIterations; iteration++)
        {
            var q = mdp.Backup(values);
            double change = 0;
            for (int s = 0; s < mdp.StateCount; s++)
            {
                double soft = SoftMax(q, s, prior, temperature);
                change = Math.Max(change, Math.Abs(soft - values[s]));
                values[s] = soft;
            }
            if (change <= tolerance)
            {
                var finalQ = mdp.Backup(values);
                return new ValueSolution(values, finalQ, TabularPolicy.Boltzmann(finalQ, temperature, prior), iteration);
            }
        }
        throw new EngineException($"SoftValueIteration: no convergence to {tolerance} within {maxIterations} iterations");
    }

    // α log Σ_a π0(a|s) exp(Q(s, a)/α), with the max subtracted first.
    private static double SoftMax(double[,] q, int s, TabularPolicy prior, double temperature)
    {
        double max = double.NegativeInfinity;
        for (int a = 0; a < q.GetLength(1); a++)
            if (prior[s, a] > 0) max = Math.Max(max, q[s, a]);
        double total = 0;
        for (int a = 0; a < q.GetLength(1); a++)
            if (prior[s, a] > 0) total += prior[s, a] * Math.Exp((q[s, a] - max) / temperature);
        return max + temperature * Math.Log(total);
    }
}
