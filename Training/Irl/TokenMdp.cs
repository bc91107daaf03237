// The token-level soft-Q quantities IQLearn reads off a language model (Wulfmeier et al. 2024 §3,
// specs/irl-rl.md A.3): the raw logits are Q(s, ·), V(s) = logsumexp_a Q(s, a) and log π = Q − V.
// Everything is composed from autograd ops (log_softmax, logsumexp, gather), so gradients come from the
// tape; nothing here is differentiated by hand.
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Training.Irl;

public static class TokenMdp
{
    /// <summary>log π(a_t | s_t) for every transition: [B, L-1].</summary>
    public static Tensor ActionLogProbs(Tensor logits, TransitionBatch batch)
    {
        var states = StateLogits(logits, batch);
        return states.LogSoftmax(-1).Gather(2, ActionIndex(batch)).Squeeze(2);
    }

    /// <summary>Q(s_t, a_t): the raw logit of each transition's action, [B, L-1].</summary>
    public static Tensor ActionQ(Tensor logits, TransitionBatch batch) =>
        StateLogits(logits, batch).Gather(2, ActionIndex(batch)).Squeeze(2);

    /// <summary>V(s) = logsumexp of the logits at every position: [B, L].</summary>
    public static Tensor Values(Tensor logits) => logits.LogSumExp([-1]);

    /// <summary>The entropy of π(·|s_t) at every transition's state: [B, L-1].</summary>
    public static Tensor StateEntropy(Tensor logits, TransitionBatch batch)
    {
        var logProbs = StateLogits(logits, batch).LogSoftmax(-1);
        return -(logProbs.Exp() * logProbs).Sum([-1]);
    }

    /// <summary>γ(1 − done_t)·V(s_{t+1}) for every transition, from the given next-state values [B, L].
    /// V after a terminal EOS is 0; a truncated last token is not terminal and bootstraps.</summary>
    public static Tensor DiscountedNextValues(Tensor nextStateValues, TransitionBatch batch, double gamma)
    {
        var next = nextStateValues.Slice(1, 1, batch.Length);
        var notDone = 1.0 - batch.DoneAs(next.DType);
        return next * notDone * gamma;
    }

    /// <summary>δ_t = log π(a_t|s_t) + V(s_t) − γ(1 − done_t)·V(s_{t+1}) (paper eq. 14), [B, L-1].
    /// nextStateValues supplies V(s_{t+1}): the model's own values, a detached copy, or a target network's.</summary>
    public static Tensor TdResiduals(Tensor logProbs, Tensor values, Tensor nextStateValues, TransitionBatch batch, double gamma) =>
        logProbs + values.Slice(1, 0, batch.Length - 1) - DiscountedNextValues(nextStateValues, batch, gamma);

    /// <summary>Sum of x over the action (response) transitions.</summary>
    public static Tensor MaskedSum(Tensor x, TransitionBatch batch) => (x * batch.MaskAs(x.DType)).Sum();

    private static Tensor StateLogits(Tensor logits, TransitionBatch batch)
    {
        if (logits.Rank != 3 || logits.Dim(0) != batch.BatchSize || logits.Dim(1) != batch.Length)
            throw new EngineException($"irl: logits {logits.ShapeString} do not match the batch [{batch.BatchSize}, {batch.Length}, vocab]");
        return logits.Slice(1, 0, batch.Length - 1);
    }

    private static Tensor ActionIndex(TransitionBatch batch) => new Tensor(batch.Actions).Unsqueeze(2);
}
