// Local multi-query attention (Griffin §2.3; recurrentgemma `torch/modules.py` LocalAttentionBlock;
// specs/griffin.md §1.9, §4.4): H query heads share one key/value head, RoPE on half of each head,
// and query i sees key j iff j ≤ i ≤ j + W in the same document — W + 1 keys, as the code does (the
// paper says a window of W). The attention itself (full or blocked, masked logits −2.3819763e38 as in the
// code) is LocalAttention's.
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Models.Griffin;

public sealed class LocalAttentionBlock : TemporalBlock
{
    public int NumHeads { get; }
    public int HeadDim { get; }
    public int WindowSize { get; }
    public TorchLinear ProjQ { get; }
    public TorchLinear ProjK { get; }
    public TorchLinear ProjV { get; }
    public TorchLinear ProjFinal { get; }

    public LocalAttentionBlock(GriffinConfig config, Generator rng, DType dtype)
    {
        int d = config.Width;
        NumHeads = config.NumHeads;
        HeadDim = config.HeadDim;
        WindowSize = config.AttentionWindowSize;
        double lecun = 1 / Math.Sqrt(d);
        ProjQ = RegisterModule("proj_q", new TorchLinear(d, d, false, lecun, rng, dtype));
        ProjK = RegisterModule("proj_k", new TorchLinear(d, HeadDim, false, lecun, rng, dtype));
        ProjV = RegisterModule("proj_v", new TorchLinear(d, HeadDim, false, lecun, rng, dtype));
        ProjFinal = RegisterModule("proj_final", new TorchLinear(d, d, true, FinalLayerStd(config, d), rng, dtype));
    }

    public override Tensor Forward(Tensor x, SegmentLayout layout) => Run(x, layout, withCache: false, out _);

    public override Tensor Prefill(Tensor x, SegmentLayout layout, out TemporalCache cache)
    {
        var output = Run(x, layout, withCache: true, out var ring);
        cache = ring!;
        return output;
    }

    private Tensor Run(Tensor x, SegmentLayout layout, bool withCache, out AttentionCache? cache)
    {
        var (queries, keys, values) = Project(x, layout);
        cache = withCache ? CacheFromPrompt(keys.Data, values.Data, layout) : null;
        var mixed = LocalAttention.Mix(queries, keys, values, layout, WindowSize);
        return Output(mixed, x.Dim(0), x.Dim(1));
    }

    public override Tensor Step(Tensor x, SegmentLayout layout, TemporalCache cache)
    {
        var ring = (AttentionCache)cache;
        int batch = x.Dim(0);
        var (queries, key, value) = Project(x, layout);                          // key, value [B, 1, hd]
        var allKeys = Tensor.Cat([new Tensor(ring.Keys), key], 1);                 // [B, W + 1, hd]
        var allValues = Tensor.Cat([new Tensor(ring.Values), value], 1);
        var mask = new double[batch * (WindowSize + 1)];
        var queryPositions = new long[batch];
        for (int b = 0; b < batch; b++)
        {
            // A document start empties the window, so decoding matches the forward pass there too.
            long n = layout.IsDocumentStart(b, 0) ? 0 : ring.NumTokens[b];
            queryPositions[b] = n;
            long m = n / WindowSize;
            for (int slot = 0; slot < WindowSize; slot++)
            {
                long position = slot + m * WindowSize < n ? slot + m * WindowSize : slot + (m - 1) * WindowSize;
                mask[b * (WindowSize + 1) + slot] = position >= 0 ? 1 : 0;
            }
            mask[b * (WindowSize + 1) + WindowSize] = 1;
        }
        var maskTensor = new Tensor(NDArray.FromArray(mask, batch, 1, 1, WindowSize + 1).ToDType(x.DType).To(x.Device));
        var logits = queries.MatMul(allKeys.Unsqueeze(1).MT());                   // [B, H, 1, W + 1]
        var output = Output(LocalAttention.MaskedSoftmaxMix(logits, maskTensor, allValues.Unsqueeze(1)), batch, 1);
        for (int b = 0; b < batch; b++)
        {
            int slot = (int)(queryPositions[b] % WindowSize);
            ring.Keys.Select(0, b).Select(0, slot).CopyFrom(key.Data.Select(0, b).Select(0, 0));
            ring.Values.Select(0, b).Select(0, slot).CopyFrom(value.Data.Select(0, b).Select(0, 0));
            ring.NumTokens[b] = queryPositions[b] + 1;
        }
        return output;
    }

    /// <summary>Queries [B, H, T, hd] and the shared keys and values [B, T, hd], RoPE applied.</summary>
    private (Tensor Queries, Tensor Keys, Tensor Values) Project(Tensor x, SegmentLayout layout)
    {
        int batch = x.Dim(0), time = x.Dim(1);
        var positions = layout.PositionsAsFloat();
        var queries = Rope.Apply(ProjQ.Forward(x).Reshape(batch, time, NumHeads, HeadDim), positions).Permute(0, 2, 1, 3);
        var keys = Rope.Apply(ProjK.Forward(x).Reshape(batch, time, 1, HeadDim), positions).Reshape(batch, time, HeadDim);
        return (queries, keys, ProjV.Forward(x));
    }

    /// <summary>The attention mix [B, H, T, hd], heads concatenated, through proj_final.</summary>
    private Tensor Output(Tensor mixed, int batch, int time) =>
        ProjFinal.Forward(mixed.Permute(0, 2, 1, 3).Reshape(batch, time, NumHeads * HeadDim));

    /// <summary>The reference `_attention_cache_from_prompt`: the last w = min(W, T) keys and values, the
    /// one d steps before the end stored in slot (p − d) mod W where p is the last token's segment
    /// position; slots before the document start then reconstruct to negative positions and stay masked.</summary>
    private AttentionCache CacheFromPrompt(NDArray keys, NDArray values, SegmentLayout layout)
    {
        int batch = keys.Dim(0), time = keys.Dim(1);
        var cachedKeys = NDArray.Zeros([batch, WindowSize, HeadDim], keys.DType, keys.Device);
        var cachedValues = NDArray.Zeros([batch, WindowSize, HeadDim], values.DType, values.Device);
        var numTokens = new long[batch];
        int kept = Math.Min(WindowSize, time);
        for (int b = 0; b < batch; b++)
        {
            long last = layout.Position(b, time - 1);
            numTokens[b] = last + 1;
            for (int back = 0; back < kept; back++)
            {
                int slot = (int)(((last - back) % WindowSize + WindowSize) % WindowSize);
                cachedKeys.Select(0, b).Select(0, slot).CopyFrom(keys.Select(0, b).Select(0, time - 1 - back));
                cachedValues.Select(0, b).Select(0, slot).CopyFrom(values.Select(0, b).Select(0, time - 1 - back));
            }
        }
        return new AttentionCache(cachedKeys, cachedValues, numTokens);
    }
}
