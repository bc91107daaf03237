// K-FAC's settings, named after kfac-jax's Optimizer arguments (optimizer.py; defaults from v0.0.8 where
// they exist). Validate() checks them once, when the optimizer is built.
using Engine.Tensors;

namespace Engine.Optim.Kfac;

/// <summary>Where the output-side gradients of the curvature statistics come from.</summary>
public enum FisherEstimation
{
    /// <summary>Targets sampled from the model's predictive distribution: the true Fisher (default).</summary>
    Sampled,
    /// <summary>The data's own targets: the empirical Fisher.</summary>
    Empirical,
    /// <summary>One backward pass per output dimension with the columns of the loss curvature factor:
    /// the exact Fisher of each layer's outputs (costs K backward passes; for small outputs and tests).</summary>
    Exact,
}

public sealed record KfacOptions
{
    /// <summary>Fixed learning rate α (the update is −α·Δ + μ·v_prev); unused when adaptive.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Fixed momentum μ; unused when adaptive.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Choose α from the exact quadratic model (Gauss–Newton products) each step.</summary>
    public bool AdaptiveLearningRate { get; init; }

    /// <summary>Choose μ from the exact quadratic model each step (with AdaptiveLearningRate).</summary>
    public bool AdaptiveMomentum { get; init; }

    /// <summary>Initial damping λ (the preconditioner adds λ to the curvature).</summary>
    public double Damping { get; init; } = 1e-3;

    /// <summary>Levenberg–Marquardt adaptation of λ from the reduction ratio ρ.</summary>
    public bool AdaptiveDamping { get; init; }

    public int DampingAdaptationInterval { get; init; } = 5;

    /// <summary>ω: λ is multiplied or divided by ω^interval.</summary>
    public double DampingAdaptationDecay { get; init; } = 0.9;

    public double MinDamping { get; init; } = 1e-8;
    public double MaxDamping { get; init; } = double.PositiveInfinity;

    /// <summary>Coefficient of (l2/2)‖θ‖², which K-FAC adds to the loss's gradient and to the curvature.</summary>
    public double L2Regularization { get; init; }

    /// <summary>Cap on α²·Δᵀg (the approximate KL change of a step); only with a fixed learning rate.</summary>
    public double? NormConstraint { get; init; }

    /// <summary>Steps at the start that only gather curvature (plain average), leaving the parameters.</summary>
    public int BurnInSteps { get; init; } = 10;

    public double CurvatureEma { get; init; } = 0.95;
    public int CurvatureUpdatePeriod { get; init; } = 1;
    public int InverseUpdatePeriod { get; init; } = 5;

    /// <summary>Exact eigen-based damping instead of the π-adjusted factored Tikhonov damping.</summary>
    public bool ExactInverses { get; init; }

    public FisherEstimation Estimation { get; init; } = FisherEstimation.Sampled;

    /// <summary>Monte-Carlo target samples per example (Sampled estimation).</summary>
    public int EstimatorSamples { get; init; } = 1;

    /// <summary>Seed of the target-sampling stream.</summary>
    public ulong Seed { get; init; } = 0;

    internal void Validate()
    {
        static void Require(bool ok, string problem)
        {
            if (!ok) throw new EngineException($"K-FAC: {problem}");
        }
        Require(LearningRate >= 0 && double.IsFinite(LearningRate), $"learning rate must be finite and non-negative, got {LearningRate}");
        Require(Momentum >= 0 && Momentum < 1, $"momentum must be in [0, 1), got {Momentum}");
        Require(!AdaptiveMomentum || AdaptiveLearningRate, "adaptive momentum needs the adaptive learning rate");
        Require(Damping > 0 && double.IsFinite(Damping), $"damping must be positive and finite, got {Damping}");
        Require(DampingAdaptationInterval >= 1, $"damping adaptation interval must be at least 1, got {DampingAdaptationInterval}");
        Require(DampingAdaptationDecay > 0 && DampingAdaptationDecay < 1, $"damping adaptation decay must be in (0, 1), got {DampingAdaptationDecay}");
        Require(MinDamping > 0 && MinDamping <= MaxDamping, $"damping bounds must satisfy 0 < min <= max, got [{MinDamping}, {MaxDamping}]");
        Require(L2Regularization >= 0, $"L2 regularization must be non-negative, got {L2Regularization}");
        Require(NormConstraint is null || NormConstraint > 0, $"norm constraint must be positive, got {NormConstraint}");
        Require(NormConstraint is null || !AdaptiveLearningRate, "the norm constraint applies only to a fixed learning rate (as in kfac-jax)");
        Require(BurnInSteps >= 0, $"burn-in steps must be non-negative, got {BurnInSteps}");
        Require(CurvatureEma >= 0 && CurvatureEma < 1, $"curvature EMA must be in [0, 1), got {CurvatureEma}");
        Require(CurvatureUpdatePeriod >= 1 && InverseUpdatePeriod >= 1, $"update periods must be at least 1, got {CurvatureUpdatePeriod} and {InverseUpdatePeriod}");
        Require(EstimatorSamples >= 1, $"estimator samples must be at least 1, got {EstimatorSamples}");
    }
}
