// Fixed-size-state decoding (recurrentgemma `torch/griffin.py` with cache, `torch/sampler.py`;
// specs/griffin.md §4): Prefill runs the prompt once and keeps, per block, the RG-LRU state and the
// last three conv inputs, or a ring buffer of W keys/values; Step then costs the same for every token.
using Engine.Autograd;
using Engine.Models.Lm;
using Engine.Tensors;

namespace Engine.Models.Griffin;

public sealed class GriffinDecoder(GriffinModel model) : Decoder
{
    private TemporalCache[]? _caches;

    /// <summary>The per-block caches after the last Prefill/Step (for inspection and tests).</summary>
    public IReadOnlyList<TemporalCache> Caches =>
        _caches ?? throw new EngineException("GriffinDecoder: call Prefill with a prompt first");

    /// <summary>Bytes of decode state that hold information: each recurrent block's RG-LRU and conv state
    /// in full, and per row the min(W, tokens seen) filled slots of each attention ring buffer's keys and
    /// values (the buffer is allocated at W slots up front).</summary>
    public long StateBytes => Caches.Sum(cache => cache switch
    {
        RecurrentCache recurrent => Bytes(recurrent.LruState) + Bytes(recurrent.ConvState),
        AttentionCache attention => attention.NumTokens.Sum(n => Math.Min(n, attention.Keys.Dim(1)))
                                    * attention.Keys.Dim(2) * 2L * attention.Keys.DType.SizeInBytes(),
        _ => throw new EngineException("GriffinDecoder: unknown cache type"),
    });

    public override Tensor Prefill(Tensor tokens, Tensor segmentPositions)
    {
        using var _ = GradMode.NoGrad();
        var logits = model.Prefill(tokens, segmentPositions, out var caches);
        _caches = caches;
        return logits;
    }

    public override Tensor Step(Tensor tokens, Tensor segmentPositions)
    {
        if (_caches is null) throw new EngineException("GriffinDecoder: call Prefill with a prompt before Step");
        if (tokens.Rank != 1 || !tokens.Shape.SequenceEqual(segmentPositions.Shape) || tokens.Dim(0) != BatchOf(_caches))
            throw new EngineException($"GriffinDecoder: Step expects tokens and positions [B] with B = {BatchOf(_caches)}, got {tokens.ShapeString} and {segmentPositions.ShapeString}");
        using var _ = GradMode.NoGrad();
        return model.Step(new Tensor(tokens.Data.Unsqueeze(1)), new Tensor(segmentPositions.Data.Unsqueeze(1)), _caches).Select(1, 0);
    }

    private static long Bytes(NDArray array) => (long)array.Size * array.DType.SizeInBytes();

    private static int BatchOf(TemporalCache[] caches) => caches[0] switch
    {
        RecurrentCache recurrent => recurrent.LruState.Dim(0),
        AttentionCache attention => attention.Keys.Dim(0),
        _ => throw new EngineException("GriffinDecoder: unknown cache type"),
    };
}
