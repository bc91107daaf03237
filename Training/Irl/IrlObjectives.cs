// The training objectives on prompt/response data (Wulfmeier et al. 2024; specs/irl-rl.md A.3, A.4):
// masked MLE on response tokens, offline IQLearn as TD-regularised MLE (NLL + λ·δ², paper eq. 14 from
// IQ-Learn eq. 12 with λ = 1/(4α)), online IQLearn with a mix-in weight α of model samples (paper eq. 16),
// and the "MLE + token-entropy bonus" baseline. Losses average over response tokens (the IQ-Learn code's
// and LM practice's uniform weighting) or over sequences (the per-sequence sum of spec A-1c/A-2).
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Training.Irl;

public enum LossNormalisation
{
    /// <summary>Divide the masked sum by the number of response tokens.</summary>
    PerToken,
    /// <summary>Divide the masked sum by the number of sequences.</summary>
    PerSequence,
}

/// <summary>Where V(s_{t+1}) in δ gets its gradient: through the model (IQ-Learn's default), nowhere
/// (stop-gradient), or from a separate target network's logits passed to the loss.</summary>
public enum NextValueMode
{
    Differentiable,
    StopGradient,
}

/// <summary>λ weighs the χ² (TD) term; γ discounts V(s_{t+1}). λ = 0 is exactly MLE.</summary>
public sealed record IqLearnSettings(double Lambda, double Gamma = 1.0, NextValueMode NextValue = NextValueMode.Differentiable,
    LossNormalisation Normalisation = LossNormalisation.PerToken)
{
    public IqLearnSettings Validated()
    {
        if (!(Lambda >= 0) || double.IsInfinity(Lambda)) throw new EngineException($"iqlearn: lambda must be a finite non-negative number, got {Lambda}");
        if (!(Gamma >= 0 && Gamma <= 1)) throw new EngineException($"iqlearn: gamma must be in [0, 1], got {Gamma}");
        return this;
    }
}

public static class IrlObjectives
{
    /// <summary>Mean negative log-likelihood of the response tokens; prompt and padding are masked.</summary>
    public static Tensor Mle(Tensor logits, TransitionBatch batch, LossNormalisation normalisation = LossNormalisation.PerToken) =>
        -TokenMdp.MaskedSum(TokenMdp.ActionLogProbs(logits, batch), batch) / Count(batch, normalisation);

    /// <summary>MLE minus β times the mean token entropy of π at the response states (the paper's baseline).</summary>
    public static Tensor MleWithEntropyBonus(Tensor logits, TransitionBatch batch, double beta,
        LossNormalisation normalisation = LossNormalisation.PerToken)
    {
        if (!(beta >= 0) || double.IsInfinity(beta)) throw new EngineException($"mle-entropy: beta must be a finite non-negative number, got {beta}");
        var perToken = -TokenMdp.ActionLogProbs(logits, batch) - TokenMdp.StateEntropy(logits, batch) * beta;
        return TokenMdp.MaskedSum(perToken, batch) / Count(batch, normalisation);
    }

    /// <summary>Offline IQLearn: mean over response tokens of −log π(a_t|s_t) + λ·δ_t². targetLogits, when
    /// given, are a target network's logits on the same batch and supply V(s_{t+1}) without gradient.</summary>
    public static Tensor IqLearn(Tensor logits, TransitionBatch batch, IqLearnSettings settings, Tensor? targetLogits = null)
    {
        settings.Validated();
        var logProbs = TokenMdp.ActionLogProbs(logits, batch);
        if (settings.Lambda == 0) return -TokenMdp.MaskedSum(logProbs, batch) / Count(batch, settings.Normalisation);
        var delta = Residuals(logits, logProbs, batch, settings, targetLogits);
        return TokenMdp.MaskedSum(-logProbs + delta * delta * settings.Lambda, batch) / Count(batch, settings.Normalisation);
    }

    /// <summary>δ_t for every transition under the settings' γ and next-value mode, [B, L-1].</summary>
    public static Tensor Residuals(Tensor logits, TransitionBatch batch, IqLearnSettings settings, Tensor? targetLogits = null) =>
        Residuals(logits, TokenMdp.ActionLogProbs(logits, batch), batch, settings, targetLogits);

    /// <summary>Online IQLearn (paper eq. 16 with IQ-Learn's online recipe): with μ_mix = (1−α)μ_E + αμ_π,
    /// L = E_E[−Q + γV'] + E_mix[V − γV'] + λ·E_mix[δ²]. Since −Q + V = −log π this equals the offline loss
    /// plus α·(E_π[V − γV'] − E_E[V − γV'] + λ(E_π[δ²] − E_E[δ²])). The χ² term covers μ_mix, as IQ-Learn's
    /// online `regularize` does. With α = 0 the correction is multiplied by zero, so value and gradients are the
    /// offline ones exactly.</summary>
    public static Tensor OnlineIqLearn(Tensor expertLogits, TransitionBatch expert, Tensor policyLogits, TransitionBatch policy,
        IqLearnSettings settings, double alpha)
    {
        if (!(alpha >= 0 && alpha <= 1)) throw new EngineException($"iqlearn: the mix-in weight alpha must be in [0, 1], got {alpha}");
        var offline = IqLearn(expertLogits, expert, settings);
        return offline + (ValueAndChiSquare(policyLogits, policy, settings) - ValueAndChiSquare(expertLogits, expert, settings)) * alpha;
    }

    /// <summary>Per-token mean of (V(s) − γV(s')) + λδ² over one transition set.</summary>
    private static Tensor ValueAndChiSquare(Tensor logits, TransitionBatch batch, IqLearnSettings settings)
    {
        var logProbs = TokenMdp.ActionLogProbs(logits, batch);
        var values = TokenMdp.Values(logits);
        var next = NextValues(values, settings, null);
        var valueGap = values.Slice(1, 0, batch.Length - 1) - TokenMdp.DiscountedNextValues(next, batch, settings.Gamma);
        var delta = TokenMdp.TdResiduals(logProbs, values, next, batch, settings.Gamma);
        return TokenMdp.MaskedSum(valueGap + delta * delta * settings.Lambda, batch) / Count(batch, settings.Normalisation);
    }

    private static Tensor Residuals(Tensor logits, Tensor logProbs, TransitionBatch batch, IqLearnSettings settings, Tensor? targetLogits)
    {
        var values = TokenMdp.Values(logits);
        return TokenMdp.TdResiduals(logProbs, values, NextValues(values, settings, targetLogits), batch, settings.Gamma);
    }

    private static Tensor NextValues(Tensor values, IqLearnSettings settings, Tensor? targetLogits)
    {
        if (targetLogits is not null) return TokenMdp.Values(targetLogits.Detach());
        return settings.NextValue == NextValueMode.StopGradient ? values.Detach() : values;
    }

    private static double Count(TransitionBatch batch, LossNormalisation normalisation) =>
        normalisation == LossNormalisation.PerToken ? Math.Max(batch.ActionCount, 1) : batch.BatchSize;
}
