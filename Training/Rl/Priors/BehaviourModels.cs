// Tabular policy/prior pairs for the KL-regularised actor-critic (spec irl-rl.md §D.1, §D.2 "discrete or toy
// version"). Tables of logits are autograd leaves, so every loss is differentiated by the engine.
// FlatBehaviour: π(a|cell, goal) with a prior that is uniform (plain entropy regularisation), sees the cell
// only (information asymmetry) or sees the goal too (full information). HierarchicalBehaviour (Tirumala et
// al.): π(a|x) = Σ_z π^H(z|cell, goal) π^L(a|z, cell), prior π0(a|cell) = Σ_z π0^H(z|cell) π^L(a|z, cell) with
// the low level shared, so only KL(π^H ‖ π0^H) remains of the bound KL(π‖π0) ≤ KL(π^H‖π0^H) + E KL(π^L‖π0^L).
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Training.Rl.Priors;

public enum PriorKind { Uniform, Asymmetric, FullInformation }

/// <summary>A goal-conditioned policy with its behaviour prior, as tables the actor-critic trains.</summary>
public interface IBehaviourModel
{
    int GoalCount { get; }
    int StateCount { get; }
    int ActionCount { get; }

    /// <summary>Leaves trained by the policy loss (may be empty when everything is frozen).</summary>
    IReadOnlyList<KeyValuePair<string, Tensor>> PolicyParameters { get; }

    /// <summary>Leaves trained by distillation (empty for a fixed or frozen prior).</summary>
    IReadOnlyList<KeyValuePair<string, Tensor>> PriorParameters { get; }

    /// <summary>π(·|cell, goal) for a batch: [B, A].</summary>
    Tensor PolicyProbabilities(Tensor goals, Tensor states);

    /// <summary>The regulariser KL(π ‖ π0) per row, [B], with the prior held fixed (gradient to the policy only).</summary>
    Tensor KlToFixedPrior(Tensor goals, Tensor states);

    /// <summary>The distillation loss per row, [B], with the policy held fixed (gradient to the prior only).</summary>
    Tensor DistillationLoss(Tensor goals, Tensor states);
}

public sealed class FlatBehaviour : IBehaviourModel
{
    private readonly Tensor _policyLogits;   // [G·S, A], row g·S + s
    private readonly Tensor? _priorLogits;   // [S, A] (asymmetric) or [G·S, A] (full information); null: uniform
    private readonly bool _priorTrainable;

    public PriorKind Kind { get; }
    public int GoalCount { get; }
    public int StateCount { get; }
    public int ActionCount { get; }
    public IReadOnlyList<KeyValuePair<string, Tensor>> PolicyParameters { get; }
    public IReadOnlyList<KeyValuePair<string, Tensor>> PriorParameters { get; }

    /// <param name="frozenPriorLogits">A trained asymmetric prior [S, A] to keep fixed (transfer); null: learn or use uniform by kind.</param>
    /// <param name="initialisePolicyFromPrior">Start π at π0 (used when transferring a prior), else at uniform.</param>
    public FlatBehaviour(int goals, int states, int actions, PriorKind kind, double[]? frozenPriorLogits = null, bool initialisePolicyFromPrior = false)
    {
        (GoalCount, StateCount, ActionCount, Kind) = (goals, states, actions, kind);
        if (frozenPriorLogits is not null && (kind != PriorKind.Asymmetric || frozenPriorLogits.Length != states * actions))
            throw new EngineException($"FlatBehaviour: a frozen prior must be an asymmetric [{states}, {actions}] table");
        int priorRows = kind == PriorKind.FullInformation ? goals * states : states;
        _priorLogits = kind == PriorKind.Uniform ? null
            : new Tensor(frozenPriorLogits is null ? NDArray.Zeros([priorRows, actions], DType.Float64) : NDArray.FromArray((double[])frozenPriorLogits.Clone(), states, actions),
                requiresGrad: frozenPriorLogits is null);
        _priorTrainable = _priorLogits is not null && frozenPriorLogits is null;
        var initialPolicy = new double[goals * states * actions];
        if (initialisePolicyFromPrior && frozenPriorLogits is not null)
            for (int g = 0; g < goals; g++) frozenPriorLogits.CopyTo(initialPolicy, g * states * actions);
        _policyLogits = new Tensor(NDArray.FromArray(initialPolicy, goals * states, actions), requiresGrad: true);
        PolicyParameters = [new("policy_logits", _policyLogits)];
        PriorParameters = _priorTrainable ? [new("prior_logits", _priorLogits!)] : [];
    }

    /// <summary>A copy of the asymmetric prior's logits [S·A] (for transfer).</summary>
    public double[] PriorLogitsCopy() =>
        Kind == PriorKind.Asymmetric ? _priorLogits!.Data.ToDoubleArray() : throw new EngineException("FlatBehaviour: only an asymmetric prior can be transferred");

    public Tensor PolicyProbabilities(Tensor goals, Tensor states) => PolicyLogits(goals, states).Softmax(-1);

    public Tensor KlToFixedPrior(Tensor goals, Tensor states) =>
        KlDivergence.Categorical(PolicyLogits(goals, states), PriorLogits(goals, states).Detach());

    // −Σ_a π(a|x) log π0(a|x^D) with π fixed: the cross-entropy form of min KL(π ‖ π0) over π0 (§D.2).
    public Tensor DistillationLoss(Tensor goals, Tensor states)
    {
        if (!_priorTrainable) throw new EngineException("FlatBehaviour: this prior is not trained");
        var target = PolicyLogits(goals, states).Detach().Softmax(-1);
        return (target * PriorLogits(goals, states).LogSoftmax(-1)).Sum([-1]).Neg();
    }

    private Tensor PolicyLogits(Tensor goals, Tensor states) => _policyLogits.IndexSelect(0, Rows(goals, states, StateCount));

    private Tensor PriorLogits(Tensor goals, Tensor states) => Kind switch
    {
        PriorKind.Uniform => Tensor.Zeros([goals.Dim(0), ActionCount], DType.Float64),
        PriorKind.Asymmetric => _priorLogits!.IndexSelect(0, states),
        _ => _priorLogits!.IndexSelect(0, Rows(goals, states, StateCount)),
    };

    internal static Tensor Rows(Tensor goals, Tensor states, int stateCount) =>
        new(goals.Data.ToDType(DType.Int64).Mul(NDArray.Scalar(stateCount, DType.Int64)).Add(states.Data.ToDType(DType.Int64)));
}

public sealed class HierarchicalBehaviour : IBehaviourModel
{
    private readonly Tensor _highLogits;       // π^H(z|cell, goal): [G·S, K]
    private readonly Tensor _lowLogits;        // π^L(a|z, cell), shared by policy and prior: [S, K·A]
    private readonly Tensor _priorHighLogits;  // π0^H(z|cell): [S, K]
    private readonly bool _priorTrainable;

    public int GoalCount { get; }
    public int StateCount { get; }
    public int ActionCount { get; }
    public int LatentCount { get; }
    public IReadOnlyList<KeyValuePair<string, Tensor>> PolicyParameters { get; }
    public IReadOnlyList<KeyValuePair<string, Tensor>> PriorParameters { get; }

    /// <summary>A fresh model; the low level starts at random logits N(0, 1) so the latents can differ.</summary>
    public HierarchicalBehaviour(int goals, int states, int actions, int latents, Generator rng)
        : this(goals, states, actions, latents, rng.Normal([states, latents * actions], dtype: DType.Float64).ToArray<double>(), null) { }

    private HierarchicalBehaviour(int goals, int states, int actions, int latents, double[] lowLogits, double[]? frozenPriorHigh)
    {
        if (latents <= 0) throw new EngineException($"HierarchicalBehaviour: need at least one latent, got {latents}");
        (GoalCount, StateCount, ActionCount, LatentCount) = (goals, states, actions, latents);
        bool transfer = frozenPriorHigh is not null;
        _priorTrainable = !transfer;
        _lowLogits = new Tensor(NDArray.FromArray((double[])lowLogits.Clone(), states, latents * actions), requiresGrad: !transfer);
        _priorHighLogits = new Tensor(transfer ? NDArray.FromArray((double[])frozenPriorHigh!.Clone(), states, latents) : NDArray.Zeros([states, latents], DType.Float64), requiresGrad: !transfer);
        var high = new double[goals * states * latents];
        if (transfer)
            for (int g = 0; g < goals; g++) frozenPriorHigh!.CopyTo(high, g * states * latents);
        _highLogits = new Tensor(NDArray.FromArray(high, goals * states, latents), requiresGrad: true);
        PolicyParameters = transfer ? [new("high_logits", _highLogits)] : [new("high_logits", _highLogits), new("low_logits", _lowLogits)];
        PriorParameters = transfer ? [] : [new("prior_high_logits", _priorHighLogits)];
    }

    /// <summary>
    /// A model for new goals that reuses this one's low level and high-level prior, both frozen; the new
    /// high-level policy starts at the prior's π0^H.
    /// </summary>
    public HierarchicalBehaviour Transfer(int goals) =>
        new(goals, StateCount, ActionCount, LatentCount, _lowLogits.Data.ToDoubleArray(), _priorHighLogits.Data.ToDoubleArray());

    public Tensor PolicyProbabilities(Tensor goals, Tensor states)
    {
        var high = HighLogits(goals, states).Softmax(-1).Unsqueeze(-1);                                   // [B, K, 1]
        var low = _lowLogits.IndexSelect(0, states).Reshape(states.Dim(0), LatentCount, ActionCount).Softmax(-1); // [B, K, A]
        return (high * low).Sum([1]);
    }

    public Tensor KlToFixedPrior(Tensor goals, Tensor states) =>
        KlDivergence.Categorical(HighLogits(goals, states), _priorHighLogits.IndexSelect(0, states).Detach());

    public Tensor DistillationLoss(Tensor goals, Tensor states)
    {
        if (!_priorTrainable) throw new EngineException("HierarchicalBehaviour: this prior is frozen");
        var target = HighLogits(goals, states).Detach().Softmax(-1);
        return (target * _priorHighLogits.IndexSelect(0, states).LogSoftmax(-1)).Sum([-1]).Neg();
    }

    private Tensor HighLogits(Tensor goals, Tensor states) => _highLogits.IndexSelect(0, FlatBehaviour.Rows(goals, states, StateCount));
}
