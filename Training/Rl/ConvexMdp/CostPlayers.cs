// The cost player of the convex-MDP game (Zahavy et al. 2021, Algorithm 1; spec irl-rl.md §C.1). Each
// round it announces a cost λ_k[s, a] (the policy player then maximises the reward −λ_k) and afterwards
// observes the occupancy d_k the policy player produced. Three no-regret learners:
//  - follow the leader: λ_k = ∇f(d̄_{k−1}), the best cost against the average so far (needs smooth f);
//  - online gradient ascent on a Lagrange multiplier, for a constrained MDP;
//  - online mirror descent (exponentiated gradient) on the ℓ1 ball, for f = ‖d − d_E‖∞.
namespace Engine.Training.Rl.ConvexMdp;

public interface ICostPlayer
{
    /// <summary>The cost λ_k for the coming round.</summary>
    double[,] Cost();

    /// <summary>Sees the occupancy the policy player produced this round (or d_0 before the first round).</summary>
    void Observe(double[,] occupancy);
}

/// <summary>Follow the leader: λ_k = ∇f(d̄), with d̄ the running mean of every observed occupancy.</summary>
public sealed class FollowTheLeaderCostPlayer(IConvexObjective objective) : ICostPlayer
{
    private double[,]? _average;
    private int _count;

    public double[,] Cost() => objective.Gradient(_average ?? throw new Engine.Tensors.EngineException("FollowTheLeaderCostPlayer: observe d_0 before the first round"));

    public void Observe(double[,] occupancy)
    {
        _count++;
        _average = _average is null ? (double[,])occupancy.Clone() : OccupancyMath.MoveTowards(_average, occupancy, 1.0 / _count);
    }
}

/// <summary>
/// Constrained MDP max r·d subject to c·d ≤ τ, through its Lagrangian L(d, μ) = −r·d + μ (c·d − τ), μ ≥ 0.
/// The cost is λ = −r + μ c; μ follows projected online gradient ascent on L:
/// μ ← max(0, μ + η_k (c·d_k − τ)), with η_k = scale / √k.
/// </summary>
public sealed class LagrangianCostPlayer(double[,] reward, double[,] constraintCost, double threshold, double stepScale) : ICostPlayer
{
    private int _round;

    /// <summary>The current multiplier μ.</summary>
    public double Multiplier { get; private set; }

    public double[,] Cost()
    {
        var cost = new double[reward.GetLength(0), reward.GetLength(1)];
        for (int s = 0; s < cost.GetLength(0); s++)
            for (int a = 0; a < cost.GetLength(1); a++) cost[s, a] = -reward[s, a] + Multiplier * constraintCost[s, a];
        return cost;
    }

    public void Observe(double[,] occupancy)
    {
        _round++;
        double violation = Occupancy.Dot(occupancy, constraintCost) - threshold;
        Multiplier = Math.Max(0, Multiplier + stepScale / Math.Sqrt(_round) * violation);
    }
}

/// <summary>
/// Online mirror descent with the entropy mirror map on the unit ℓ1 ball, for f(d) = ‖d − d_E‖∞ =
/// max_{‖λ‖₁ ≤ 1} λ·(d − d_E). The ball is the convex hull of the 2·S·A points ±e_i, so the player keeps
/// multiplicative weights over them (Syed and Schapire's MWAL): the gain of ±e_i is ±(d − d_E)_i and the
/// cost is λ = Σ_i (w_i⁺ − w_i⁻) e_i.
/// </summary>
public sealed class ExponentiatedGradientCostPlayer : ICostPlayer
{
    private readonly double[,] _expert;
    private readonly double _stepSize;
    private readonly double[,] _logPlus, _logMinus;

    public ExponentiatedGradientCostPlayer(double[,] expert, double stepSize)
    {
        _expert = (double[,])expert.Clone();
        _stepSize = stepSize;
        _logPlus = new double[expert.GetLength(0), expert.GetLength(1)];
        _logMinus = new double[expert.GetLength(0), expert.GetLength(1)];
    }

    public double[,] Cost()
    {
        double max = double.NegativeInfinity;
        foreach (double v in _logPlus) max = Math.Max(max, v);
        foreach (double v in _logMinus) max = Math.Max(max, v);
        double total = 0;
        foreach (double v in _logPlus) total += Math.Exp(v - max);
        foreach (double v in _logMinus) total += Math.Exp(v - max);
        var cost = new double[_expert.GetLength(0), _expert.GetLength(1)];
        for (int s = 0; s < cost.GetLength(0); s++)
            for (int a = 0; a < cost.GetLength(1); a++)
                cost[s, a] = (Math.Exp(_logPlus[s, a] - max) - Math.Exp(_logMinus[s, a] - max)) / total;
        return cost;
    }

    public void Observe(double[,] occupancy)
    {
        for (int s = 0; s < _expert.GetLength(0); s++)
            for (int a = 0; a < _expert.GetLength(1); a++)
            {
                double gain = occupancy[s, a] - _expert[s, a];
                _logPlus[s, a] += _stepSize * gain;
                _logMinus[s, a] -= _stepSize * gain;
            }
    }
}

/// <summary>Small array helpers shared by the players and the game.</summary>
public static class OccupancyMath
{
    /// <summary>x + weight · (y − x), elementwise, as a new array.</summary>
    public static double[,] MoveTowards(double[,] x, double[,] y, double weight)
    {
        var result = new double[x.GetLength(0), x.GetLength(1)];
        for (int s = 0; s < x.GetLength(0); s++)
            for (int a = 0; a < x.GetLength(1); a++) result[s, a] = x[s, a] + weight * (y[s, a] - x[s, a]);
        return result;
    }

    public static double[,] Negate(double[,] x)
    {
        var result = new double[x.GetLength(0), x.GetLength(1)];
        for (int s = 0; s < x.GetLength(0); s++)
            for (int a = 0; a < x.GetLength(1); a++) result[s, a] = -x[s, a];
        return result;
    }
}
