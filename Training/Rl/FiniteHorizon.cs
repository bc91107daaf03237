// Exact finite-horizon state distributions: μ_{t+1}(s') = Σ_{s,a} μ_t(s) π_t(a|s) P(s'|s, a), starting from
// ρ0. Skill discovery (spec irl-rl.md §B.1) counts skills from the exact final-state distribution
// P(s_T | z), never from sampled rollouts.
namespace Engine.Training.Rl;

public static class FiniteHorizon
{
    /// <summary>μ_0 .. μ_horizon: the state distribution before each step and after the last one.</summary>
    public static double[][] StateDistributions(TabularMdp mdp, IStepPolicy policy, int horizon)
    {
        RequireFits(mdp, policy, horizon);
        var result = new double[horizon + 1][];
        result[0] = mdp.StartDistributionCopy();
        for (int t = 0; t < horizon; t++) result[t + 1] = Step(mdp, policy, t, result[t]);
        return result;
    }

    /// <summary>μ_T, the distribution of the state after `horizon` steps.</summary>
    public static double[] FinalStateDistribution(TabularMdp mdp, IStepPolicy policy, int horizon)
    {
        RequireFits(mdp, policy, horizon);
        var current = mdp.StartDistributionCopy();
        for (int t = 0; t < horizon; t++) current = Step(mdp, policy, t, current);
        return current;
    }

    /// <summary>One step of propagation under π_t.</summary>
    public static double[] Step(TabularMdp mdp, IStepPolicy policy, int step, ReadOnlySpan<double> distribution)
    {
        var next = new double[mdp.StateCount];
        for (int s = 0; s < mdp.StateCount; s++)
        {
            if (distribution[s] == 0) continue;
            var actions = policy.ActionProbabilities(step, s);
            for (int a = 0; a < mdp.ActionCount; a++)
            {
                double mass = distribution[s] * actions[a];
                if (mass == 0) continue;
                for (int s2 = 0; s2 < mdp.StateCount; s2++) next[s2] += mass * mdp.Transition(s, a, s2);
            }
        }
        return next;
    }

    private static void RequireFits(TabularMdp mdp, IStepPolicy policy, int horizon)
    {
        if (policy.StateCount != mdp.StateCount || policy.ActionCount != mdp.ActionCount)
            throw new Engine.Tensors.EngineException($"FiniteHorizon: policy of shape [{policy.StateCount}, {policy.ActionCount}] does not fit an MDP with {mdp.StateCount} states and {mdp.ActionCount} actions");
        if (horizon < 0) throw new Engine.Tensors.EngineException($"FiniteHorizon: horizon must be non-negative, got {horizon}");
    }
}
