// Normalised discounted occupancy measures (spec irl-rl.md §0): d_π(s, a) = (1 − γ) Σ_t γ^t Pr(s_t = s,
// a_t = a). The state part solves (I − γ P_πᵀ) d_S = (1 − γ) ρ0 by a dense LU solve; then
// d(s, a) = d_S(s) π(a|s). These are the points of the polytope K that convex MDPs optimise over, and
// the identity Σ_{s,a} d(s, a) r(s, a) = (1 − γ) ρ0·V_π links them to returns.
namespace Engine.Training.Rl;

public static class Occupancy
{
    /// <summary>d_S[s] = (1 − γ) Σ_t γ^t Pr(s_t = s); sums to 1.</summary>
    public static double[] States(TabularMdp mdp, TabularPolicy policy)
    {
        int n = mdp.StateCount;
        var pPi = mdp.StateTransitionMatrix(policy);
        var matrix = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) matrix[i, j] = (i == j ? 1 : 0) - mdp.Gamma * pPi[j, i];
        var rhs = new double[n];
        for (int s = 0; s < n; s++) rhs[s] = (1 - mdp.Gamma) * mdp.StartProbability(s);
        return LuSolver.Solve(matrix, rhs);
    }

    /// <summary>d[s, a] = d_S[s] π(a|s); sums to 1.</summary>
    public static double[,] StateActions(TabularMdp mdp, TabularPolicy policy)
    {
        var states = States(mdp, policy);
        var result = new double[mdp.StateCount, mdp.ActionCount];
        for (int s = 0; s < mdp.StateCount; s++)
            for (int a = 0; a < mdp.ActionCount; a++) result[s, a] = states[s] * policy[s, a];
        return result;
    }

    /// <summary>The state marginal Σ_a d[s, a].</summary>
    public static double[] StateMarginal(double[,] occupancy)
    {
        var result = new double[occupancy.GetLength(0)];
        for (int s = 0; s < result.Length; s++)
            for (int a = 0; a < occupancy.GetLength(1); a++) result[s] += occupancy[s, a];
        return result;
    }

    /// <summary>
    /// The largest violation of the flow (Bellman-flow) constraints that define K:
    /// Σ_a d(s', a) = (1 − γ) ρ0(s') + γ Σ_{s,a} P(s'|s, a) d(s, a) for every s'.
    /// </summary>
    public static double FlowResidual(TabularMdp mdp, double[,] occupancy)
    {
        double worst = 0;
        for (int next = 0; next < mdp.StateCount; next++)
        {
            double inflow = (1 - mdp.Gamma) * mdp.StartProbability(next);
            for (int s = 0; s < mdp.StateCount; s++)
                for (int a = 0; a < mdp.ActionCount; a++) inflow += mdp.Gamma * mdp.Transition(s, a, next) * occupancy[s, a];
            double outflow = 0;
            for (int a = 0; a < mdp.ActionCount; a++) outflow += occupancy[next, a];
            worst = Math.Max(worst, Math.Abs(outflow - inflow));
        }
        return worst;
    }

    /// <summary>Σ_{s,a} d[s, a] r[s, a], the per-step (normalised) reward of an occupancy.</summary>
    public static double Dot(double[,] occupancy, double[,] reward)
    {
        double total = 0;
        for (int s = 0; s < occupancy.GetLength(0); s++)
            for (int a = 0; a < occupancy.GetLength(1); a++) total += occupancy[s, a] * reward[s, a];
        return total;
    }
}
