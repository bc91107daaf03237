// The contract every token language model meets, so the training loop, the evaluator and the sampler
// work with any of them (Griffin, Hawk, the MQA transformer, small baselines).
using Engine.Autograd;
using Engine.Nn;

namespace Engine.Models.Lm;

public abstract class LanguageModel : Module
{
    public abstract int VocabSize { get; }

    /// <summary>Logits [B, T, V] for int64 tokens [B, T]. segmentPositions [B, T] (int64) is each token's
    /// position inside its document; 0 marks a document start, where recurrent state and attention reset.</summary>
    public abstract Tensor Forward(Tensor tokens, Tensor segmentPositions);

    /// <summary>Starts token-by-token decoding. Models with a fixed-size state override this; the default
    /// recomputes the whole context for every new token.</summary>
    public virtual Decoder StartDecoding() => new RecomputingDecoder(this);
}

/// <summary>Incremental decoding for a batch of sequences.</summary>
public abstract class Decoder
{
    /// <summary>Feeds a prompt [B, T] (with its segment positions) and returns the logits [B, T, V].</summary>
    public abstract Tensor Prefill(Tensor tokens, Tensor segmentPositions);

    /// <summary>Feeds one token per sequence [B] at positions [B] and returns the next logits [B, V].</summary>
    public abstract Tensor Step(Tensor tokens, Tensor segmentPositions);
}
