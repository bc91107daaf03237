// The temporal-mixing half of a residual block (Griffin §2.1): either the recurrent block or local
// MQA. Each runs three ways: a full sequence (training), a prompt that also fills a fixed-size decode
// cache, and one token against that cache (recurrentgemma `torch/modules.py`, specs/griffin.md §4).
using Engine.Autograd;
using Engine.Nn;
using Engine.Tensors;

namespace Engine.Models.Griffin;

public abstract class TemporalBlock : Module
{
    /// <summary>x [B, T, D] to [B, T, D].</summary>
    public abstract Tensor Forward(Tensor x, SegmentLayout layout);

    /// <summary>Like Forward, and returns the decode cache after the last token.</summary>
    public abstract Tensor Prefill(Tensor x, SegmentLayout layout, out TemporalCache cache);

    /// <summary>One token x [B, 1, D] at the positions of layout [B, 1]; updates cache in place.</summary>
    public abstract Tensor Step(Tensor x, SegmentLayout layout, TemporalCache cache);

    /// <summary>Std of the "final" layers (linear_out, proj_final, ffw_down): sqrt(s / fan_in) with
    /// s = final_w_init_variance_scale = 2 / num_blocks (specs/griffin.md §2).</summary>
    public static double FinalLayerStd(GriffinConfig config, int fanIn) => Math.Sqrt(2.0 / config.NumBlocks / fanIn);
}

/// <summary>The fixed-size decode state of one temporal block.</summary>
public abstract class TemporalCache;

/// <summary>Recurrent block state: the RG-LRU state [B, E] and the last three conv inputs [B, 3, E].</summary>
public sealed class RecurrentCache(NDArray lruState, NDArray convState) : TemporalCache
{
    public NDArray LruState { get; set; } = lruState;
    public NDArray ConvState { get; set; } = convState;
}

/// <summary>Attention block state: a ring buffer of W keys and values [B, W, hd] where the key at
/// position p sits in slot p mod W, and each row's number of tokens seen in its current document.</summary>
public sealed class AttentionCache(NDArray keys, NDArray values, long[] numTokens) : TemporalCache
{
    public NDArray Keys { get; } = keys;
    public NDArray Values { get; } = values;
    public long[] NumTokens { get; } = numTokens;
}
