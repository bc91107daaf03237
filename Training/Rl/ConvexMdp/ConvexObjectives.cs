// Convex objectives f(d) over normalised state-action occupancies d ∈ K (Zahavy et al. 2021, "Reward is
// enough for convex MDPs", §2 and Table 1; spec irl-rl.md §C.1–C.2). The cost player of the game needs
// only f and its gradient: the reward handed to the policy player is r = −∇f(d̄) (follow the leader).
namespace Engine.Training.Rl.ConvexMdp;

public interface IConvexObjective
{
    /// <summary>f(d), to be minimised over achievable occupancies.</summary>
    double Value(double[,] occupancy);

    /// <summary>∇f(d) (a subgradient where f is not differentiable), shaped [S, A] like d.</summary>
    double[,] Gradient(double[,] occupancy);
}

/// <summary>
/// Pure exploration (Hazan et al. 2019): f(d) = Σ_s d_S(s) log d_S(s), the negative entropy of the state
/// marginal. ∇f(d)(s, a) = log d_S(s) + 1, so the follow-the-leader reward is −(log d̄_S(s) + 1).
/// </summary>
public sealed class StateEntropyObjective : IConvexObjective
{
    /// <summary>Added inside the log so unvisited states get a large finite bonus instead of log 0.</summary>
    public const double Epsilon = 1e-12;

    public double Value(double[,] occupancy) => -Entropy(occupancy);

    /// <summary>H(d_S) = −Σ_s d_S(s) log d_S(s) in nats (0 log 0 = 0).</summary>
    public static double Entropy(double[,] occupancy)
    {
        double h = 0;
        foreach (double p in Occupancy.StateMarginal(occupancy))
            if (p > 0) h -= p * Math.Log(p);
        return h;
    }

    public double[,] Gradient(double[,] occupancy)
    {
        var marginal = Occupancy.StateMarginal(occupancy);
        int actions = occupancy.GetLength(1);
        var gradient = new double[marginal.Length, actions];
        for (int s = 0; s < marginal.Length; s++)
            for (int a = 0; a < actions; a++) gradient[s, a] = Math.Log(marginal[s] + Epsilon) + 1;
        return gradient;
    }
}

/// <summary>Apprenticeship learning (Abbeel and Ng 2004; Zahavy et al. 2020a): f(d) = ½ ‖d − d_E‖², ∇f = d − d_E.</summary>
public sealed class SquaredDistanceObjective(double[,] expert) : IConvexObjective
{
    public double[,] Expert { get; } = (double[,])expert.Clone();

    public double Value(double[,] occupancy)
    {
        double total = 0;
        for (int s = 0; s < Expert.GetLength(0); s++)
            for (int a = 0; a < Expert.GetLength(1); a++)
            {
                double diff = occupancy[s, a] - Expert[s, a];
                total += diff * diff;
            }
        return total / 2;
    }

    public double[,] Gradient(double[,] occupancy)
    {
        var gradient = new double[Expert.GetLength(0), Expert.GetLength(1)];
        for (int s = 0; s < Expert.GetLength(0); s++)
            for (int a = 0; a < Expert.GetLength(1); a++) gradient[s, a] = occupancy[s, a] - Expert[s, a];
        return gradient;
    }
}

/// <summary>
/// Syed and Schapire (2008): f(d) = ‖d − d_E‖∞. Its conjugate is f*(λ) = λ·d_E on the unit ℓ1 ball, so the
/// cost player moves on that ball (see ExponentiatedGradientCostPlayer); f is not smooth, so follow the
/// leader is not the right cost player here.
/// </summary>
public sealed class MaxDistanceObjective(double[,] expert) : IConvexObjective
{
    public double[,] Expert { get; } = (double[,])expert.Clone();

    public double Value(double[,] occupancy)
    {
        double worst = 0;
        for (int s = 0; s < Expert.GetLength(0); s++)
            for (int a = 0; a < Expert.GetLength(1); a++) worst = Math.Max(worst, Math.Abs(occupancy[s, a] - Expert[s, a]));
        return worst;
    }

    /// <summary>A subgradient: ±1 at the first entry where |d − d_E| is largest.</summary>
    public double[,] Gradient(double[,] occupancy)
    {
        var gradient = new double[Expert.GetLength(0), Expert.GetLength(1)];
        double worst = -1;
        (int S, int A) at = (0, 0);
        for (int s = 0; s < Expert.GetLength(0); s++)
            for (int a = 0; a < Expert.GetLength(1); a++)
                if (Math.Abs(occupancy[s, a] - Expert[s, a]) > worst)
                {
                    worst = Math.Abs(occupancy[s, a] - Expert[s, a]);
                    at = (s, a);
                }
        gradient[at.S, at.A] = Math.Sign(occupancy[at.S, at.A] - Expert[at.S, at.A]);
        return gradient;
    }
}
