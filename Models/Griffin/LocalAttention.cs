// The attention core of Griffin's local multi-query attention (Griffin §2.3; specs/griffin.md §1.9): query i
// sees key j iff j ≤ i ≤ j + W in the same document. Two exact ways to compute it: the full masked T×T
// product (O(T²), cheapest for short sequences) and a blocked one (O(T·W)) that splits time into blocks
// of W queries, each attending to the 2W keys of its own and the previous block — every key within W
// steps of a query lies there. Both are composed of autograd ops, so their gradients come for free.
using Engine.Autograd;

namespace Engine.Models.Griffin;

public static class LocalAttention
{
    private const double MaskedLogit = -2.3819763e38;   // the reference code's masked-logit value

    /// <summary>Queries [B, H, T, hd], shared keys and values [B, T, hd] → the attention mix [B, H, T, hd],
    /// by whichever exact path does less work.</summary>
    public static Tensor Mix(Tensor queries, Tensor keys, Tensor values, SegmentLayout layout, int window) =>
        BlockedPays(queries.Dim(2), window)
            ? Blocked(queries, keys, values, layout, window)
            : Full(queries, keys, values, layout, window);

    /// <summary>The blocked path multiplies PaddedTime × 2W logits, the full one T × T.</summary>
    public static bool BlockedPays(int time, int window) =>
        (long)time > window && 2L * window * PaddedTime(time, window) < (long)time * time;

    public static Tensor Full(Tensor queries, Tensor keys, Tensor values, SegmentLayout layout, int window)
    {
        var logits = queries.MatMul(keys.Unsqueeze(1).MT());                      // [B, H, T, T]
        return MaskedSoftmaxMix(logits, layout.AttentionMask(window), values.Unsqueeze(1));
    }

    public static Tensor Blocked(Tensor queries, Tensor keys, Tensor values, SegmentLayout layout, int window)
    {
        int batch = queries.Dim(0), heads = queries.Dim(1), time = queries.Dim(2), headDim = queries.Dim(3);
        int padded = PaddedTime(time, window), blocks = padded / window;
        var blockQueries = queries.Pad([0, 0, 0, 0, 0, padded - time]).Reshape(batch, heads, blocks, window, headDim);
        var logits = blockQueries.MatMul(KeysPerBlock(keys, window, padded).Unsqueeze(1).MT()); // [B, H, n, W, 2W]
        var mixed = MaskedSoftmaxMix(logits, layout.BlockedAttentionMask(window), KeysPerBlock(values, window, padded).Unsqueeze(1));
        return mixed.Reshape(batch, heads, padded, headDim).Slice(2, 0, time);
    }

    /// <summary>Scaled logits, masked to −2.38e38 where the mask is 0, softmax over keys, weighted sum of values.</summary>
    public static Tensor MaskedSoftmaxMix(Tensor logits, Tensor mask, Tensor values)
    {
        var scaled = logits * (1 / Math.Sqrt(values.Dim(-1)));
        var masked = Tensor.Where(mask, scaled, Tensor.Scalar(MaskedLogit, scaled.DType));
        return masked.Softmax(-1).MatMul(values);
    }

    private static int PaddedTime(int time, int window) => (time + window - 1) / window * window;

    /// <summary>[B, T, hd] → [B, n, 2W, hd]: for block k, the rows (k − 1)W … (k + 1)W − 1, zero where
    /// that falls before the start or past the end (the mask hides those).</summary>
    private static Tensor KeysPerBlock(Tensor rows, int window, int padded)
    {
        int batch = rows.Dim(0), headDim = rows.Dim(2), blocks = padded / window;
        var shifted = rows.Pad([0, 0, window, padded - rows.Dim(1)]);             // [B, W + padded, hd]
        var previous = shifted.Slice(1, 0, padded).Reshape(batch, blocks, window, headDim);
        var own = shifted.Slice(1, window, window + padded).Reshape(batch, blocks, window, headDim);
        return Tensor.Cat([previous, own], 2);
    }
}
