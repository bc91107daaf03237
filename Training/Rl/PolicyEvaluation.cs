// Exact policy evaluation by a dense linear solve: V_π = (I − γ P_π)⁻¹ r_π, and Q_π = r + γ P V_π. The
// KL-regularised form evaluates the reward r(s, a) − α log(π(a|s) / π0(a|s)) of soft / behaviour-prior
// RL (spec irl-rl.md §0 and §D.1), whose per-state expectation is r_π(s) − α KL(π(·|s) ‖ π0(·|s)).
using Engine.Tensors;

namespace Engine.Training.Rl;

public static class PolicyEvaluation
{
    /// <summary>V_π[s] = E_π[Σ_t γ^t r(s_t, a_t) | s_0 = s].</summary>
    public static double[] StateValues(TabularMdp mdp, TabularPolicy policy) =>
        SolveBellman(mdp, policy, mdp.PolicyRewards(policy));

    /// <summary>Q_π[s, a] = r(s, a) + γ Σ_s' P(s'|s, a) V_π[s'].</summary>
    public static double[,] ActionValues(TabularMdp mdp, TabularPolicy policy) => mdp.Backup(StateValues(mdp, policy));

    /// <summary>The expected discounted return from the start distribution, Σ_s ρ0(s) V_π(s).</summary>
    public static double ExpectedReturn(TabularMdp mdp, TabularPolicy policy)
    {
        var values = StateValues(mdp, policy);
        double total = 0;
        for (int s = 0; s < mdp.StateCount; s++) total += mdp.StartProbability(s) * values[s];
        return total;
    }

    /// <summary>
    /// Values of the KL-regularised objective E_π[Σ_t γ^t (r(s_t, a_t) − α log π(a_t|s_t)/π0(a_t|s_t))].
    /// π must be absolutely continuous with respect to π0 (π0(a|s) = 0 implies π(a|s) = 0).
    /// </summary>
    public static double[] RegularisedStateValues(TabularMdp mdp, TabularPolicy policy, TabularPolicy prior, double temperature)
    {
        mdp.RequireCompatible(prior);
        if (!(temperature >= 0)) throw new EngineException($"PolicyEvaluation: temperature must be non-negative, got {temperature}");
        var rewards = mdp.PolicyRewards(policy);
        for (int s = 0; s < mdp.StateCount; s++)
        {
            double kl = 0;
            for (int a = 0; a < mdp.ActionCount; a++)
            {
                double p = policy[s, a];
                if (p == 0) continue;
                if (prior[s, a] == 0) throw new EngineException($"PolicyEvaluation: π({a}|{s}) > 0 where the prior is 0, so the KL is infinite");
                kl += p * Math.Log(p / prior[s, a]);
            }
            rewards[s] -= temperature * kl;
        }
        return SolveBellman(mdp, policy, rewards);
    }

    /// <summary>Soft Q of a policy: Q[s, a] = r(s, a) + γ Σ_s' P(s'|s, a) V^reg_π[s'] (the KL term of the first step is excluded).</summary>
    public static double[,] RegularisedActionValues(TabularMdp mdp, TabularPolicy policy, TabularPolicy prior, double temperature) =>
        mdp.Backup(RegularisedStateValues(mdp, policy, prior, temperature));

    private static double[] SolveBellman(TabularMdp mdp, TabularPolicy policy, double[] rewards)
    {
        int n = mdp.StateCount;
        var matrix = mdp.StateTransitionMatrix(policy);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) matrix[i, j] = (i == j ? 1 : 0) - mdp.Gamma * matrix[i, j];
        return LuSolver.Solve(matrix, rewards);
    }
}
