// Reference optima for the convex-MDP reproduction, computed without the game (spec irl-rl.md §C.3):
//  - maximum state entropy H*, bracketed from below by policy mirror ascent on H(d^π) (the reward is
//    −∇f at the current occupancy, not the average) and from above by the Lagrangian dual of
//    max H(d_S) s.t. the flow constraints, g(v) = Σ_s exp(γ max_a (P v)(s, a) − v(s) − 1) + (1 − γ) ρ0·v;
//  - the constrained-MDP value by strong duality, min_{μ ≥ 0} max_d (r − μ c)·d + μ τ (golden section on
//    a convex piecewise-linear function, each point an exact best response).
namespace Engine.Training.Rl.ConvexMdp;

public static class ConvexMdpOptima
{
    /// <summary>H* ∈ [Lower, Upper]: Lower is achieved by a policy, Upper holds for every policy (weak duality).</summary>
    public static (double Lower, double Upper) MaxEntropy(TabularMdp mdp, int iterations = 1000, double learningRate = 0.5)
    {
        var objective = new StateEntropyObjective();
        var policy = TabularPolicy.Uniform(mdp.StateCount, mdp.ActionCount);
        var d = Occupancy.StateActions(mdp, policy);
        for (int i = 0; i < iterations; i++)
        {
            var q = PolicyEvaluation.ActionValues(mdp.WithRewards(OccupancyMath.Negate(objective.Gradient(d))), policy);
            for (int s = 0; s < mdp.StateCount; s++)
                for (int a = 0; a < mdp.ActionCount; a++) q[s, a] *= learningRate * (1 - mdp.Gamma);
            policy = TabularPolicy.Boltzmann(q, 1, policy);
            d = Occupancy.StateActions(mdp, policy);
        }
        // v = V* of the reward −(log d_S + 1): the dual optimum when d is primal optimal (KKT).
        var v = BestResponse.Solve(mdp.WithRewards(OccupancyMath.Negate(objective.Gradient(d)))).Values;
        double upper = 0;
        for (int s = 0; s < mdp.StateCount; s++)
        {
            double best = double.NegativeInfinity;
            for (int a = 0; a < mdp.ActionCount; a++)
            {
                var row = mdp.TransitionRow(s, a);
                double next = 0;
                for (int s2 = 0; s2 < mdp.StateCount; s2++) next += row[s2] * v[s2];
                best = Math.Max(best, next);
            }
            upper += Math.Exp(mdp.Gamma * best - v[s] - 1) + (1 - mdp.Gamma) * mdp.StartProbability(s) * v[s];
        }
        return (StateEntropyObjective.Entropy(d), upper);
    }

    /// <summary>max r·d subject to c·d ≤ τ over achievable occupancies, by minimising the dual over μ ∈ [0, muMax].</summary>
    public static double Constrained(TabularMdp mdp, double[,] reward, double[,] cost, double threshold, double muMax = 200)
    {
        double Dual(double mu)
        {
            var lagrangian = new double[reward.GetLength(0), reward.GetLength(1)];
            for (int s = 0; s < lagrangian.GetLength(0); s++)
                for (int a = 0; a < lagrangian.GetLength(1); a++) lagrangian[s, a] = reward[s, a] - mu * cost[s, a];
            return Occupancy.Dot(BestResponse.Occupancy(mdp, lagrangian), lagrangian) + mu * threshold;
        }
        double lo = 0, hi = muMax;
        const double golden = 0.3819660112501051;
        for (int j = 0; j < 80; j++)
        {
            double m1 = lo + (hi - lo) * golden, m2 = hi - (hi - lo) * golden;
            if (Dual(m1) <= Dual(m2)) hi = m2;
            else lo = m1;
        }
        return Dual((lo + hi) / 2);
    }
}
