// The policy player of the convex-MDP game (Zahavy et al. 2021, §3; spec irl-rl.md §C.1 and C-5): given
// the cost λ_k it plays an occupancy d_k ∈ K by acting on the reward r_k = −λ_k. Either an exact best
// response (a vertex of K, i.e. a deterministic policy) or one step of an RL algorithm: tabular natural
// policy gradient, π ← π · exp(η (1 − γ) Q^π) renormalised, with the exact Q^π, never reset.
namespace Engine.Training.Rl.ConvexMdp;

public interface IPolicyPlayer
{
    /// <summary>Plays the occupancy for this round's cost λ (reward −λ).</summary>
    double[,] Play(double[,] cost);

    /// <summary>The policy behind the last occupancy played.</summary>
    TabularPolicy CurrentPolicy { get; }
}

/// <summary>d_k = the occupancy of an optimal deterministic policy for the reward −λ_k (ties to the lowest action).</summary>
public sealed class BestResponsePolicyPlayer(TabularMdp mdp) : IPolicyPlayer
{
    public TabularPolicy CurrentPolicy { get; private set; } = TabularPolicy.Uniform(mdp.StateCount, mdp.ActionCount);

    private int[]? _lastActions;

    public double[,] Play(double[,] cost)
    {
        CurrentPolicy = BestResponse.Policy(mdp, OccupancyMath.Negate(cost), _lastActions);
        _lastActions = BestResponse.ActionsOf(CurrentPolicy);
        return Occupancy.StateActions(mdp, CurrentPolicy);
    }
}

/// <summary>
/// One natural-policy-gradient (policy mirror descent with the KL) step per round:
/// π_{k}(a|s) ∝ π_{k−1}(a|s) exp(η (1 − γ) Q^{π_{k−1}}_{−λ_k}(s, a)); returns the occupancy of π_k.
/// The learning rate stays constant and π is never reset, so the player is no-regret against the
/// changing rewards (spec §C.4).
/// </summary>
public sealed class NaturalPolicyGradientPolicyPlayer : IPolicyPlayer
{
    private readonly TabularMdp _mdp;
    private readonly double _learningRate;

    public NaturalPolicyGradientPolicyPlayer(TabularMdp mdp, double learningRate, TabularPolicy? initial = null)
    {
        _mdp = mdp;
        _learningRate = learningRate;
        CurrentPolicy = initial ?? TabularPolicy.Uniform(mdp.StateCount, mdp.ActionCount);
    }

    public TabularPolicy CurrentPolicy { get; private set; }

    public double[,] Play(double[,] cost)
    {
        var q = PolicyEvaluation.ActionValues(_mdp.WithRewards(OccupancyMath.Negate(cost)), CurrentPolicy);
        double scale = _learningRate * (1 - _mdp.Gamma);
        var scaled = new double[_mdp.StateCount, _mdp.ActionCount];
        for (int s = 0; s < _mdp.StateCount; s++)
            for (int a = 0; a < _mdp.ActionCount; a++) scaled[s, a] = scale * q[s, a];
        CurrentPolicy = TabularPolicy.Boltzmann(scaled, 1, CurrentPolicy);
        return Occupancy.StateActions(_mdp, CurrentPolicy);
    }
}
