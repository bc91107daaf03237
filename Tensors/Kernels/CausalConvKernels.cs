// The causal depthwise temporal convolution of Griffin's recurrent block (Griffin §2.4, recurrentgemma
// `torch/layers.py` Conv1D; specs/griffin.md §1.7) as one typed, threaded kernel, forward and backward:
//   out[b,t,:] = bias + Σ_{s=0..min(K−1, reach[b,t])} w[K−1−s,:] ⊙ u[b,t−s,:]
// for u [B, T, E], w [K, E] (w[K−1] multiplies the current input), bias [E] and reach [B, T] (int64), the
// most steps output t may look back: t itself, or fewer when a document starts in between. The composite
// it replaces (pad, slice, mask, multiply, add per tap) makes about 4K full-size temporaries forward.
//   du[b,t,:] = Σ_{s: t+s < T, s <= reach[b,t+s]} g[b,t+s,:] ⊙ w[K−1−s,:]
//   dw[K−1−s,:] = Σ_{b,t: s <= reach[b,t]} g[b,t,:] ⊙ u[b,t−s,:],   dbias = Σ_{b,t} g[b,t,:]
// Like linear_scan, it runs as the same loop on every backend. Rows (b, t) are split into fixed blocks;
// dw and dbias are summed per block and the partials added in block order, so the result is
// bit-identical for any thread count.
using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Engine.Tensors;

public static class CausalConvKernels
{
    private const int RowsPerBlock = 32;

    public static NDArray Forward(NDArray u, NDArray w, NDArray bias, NDArray reach) => u.DType == DType.Float32
        ? ForwardTyped<float>(u, w, bias, reach)
        : ForwardTyped<double>(u, w, bias, reach);

    /// <summary>[du, dw, dbias] for the output gradient g.</summary>
    public static NDArray[] Backward(NDArray u, NDArray w, NDArray reach, NDArray g) => u.DType == DType.Float32
        ? BackwardTyped<float>(u, w, reach, g)
        : BackwardTyped<double>(u, w, reach, g);

    private static NDArray ForwardTyped<T>(NDArray u, NDArray w, NDArray bias, NDArray reach) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int time = u.Shape[1], width = u.Shape[2], taps = w.Shape[0];
        var us = u.Contiguous();
        var ws = w.Contiguous();
        var bs = bias.Contiguous();
        var limits = reach.Contiguous().ToArray<long>();
        var result = NDArray.Empty(u.Shape, u.DType);
        int rows = result.Size / Math.Max(width, 1), blocks = (rows + RowsPerBlock - 1) / RowsPerBlock;
        Parallelism.For(blocks, 2L * taps * RowsPerBlock * width, block =>
        {
            var x = us.Span<T>();
            var k = ws.Span<T>();
            var o = result.Span<T>();
            for (int row = block * RowsPerBlock; row < Math.Min(rows, (block + 1) * RowsPerBlock); row++)
            {
                var dst = o.Slice(row * width, width);
                TensorPrimitives.MultiplyAdd(x.Slice(row * width, width), k.Slice((taps - 1) * width, width), bs.Span<T>(), dst);
                long last = Math.Min(Math.Min(taps - 1, limits[row]), row % time);
                for (int s = 1; s <= last; s++)
                    TensorPrimitives.MultiplyAdd(x.Slice((row - s) * width, width), k.Slice((taps - 1 - s) * width, width), dst, dst);
            }
        });
        return result;
    }

    private static NDArray[] BackwardTyped<T>(NDArray u, NDArray w, NDArray reach, NDArray g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int time = u.Shape[1], width = u.Shape[2], taps = w.Shape[0];
        var us = u.Contiguous();
        var ws = w.Contiguous();
        var gs = g.Contiguous();
        var limits = reach.Contiguous().ToArray<long>();
        var du = NDArray.Empty(u.Shape, u.DType);
        var dw = NDArray.Empty(w.Shape, u.DType);
        var dbias = NDArray.Empty([width], u.DType);
        int rows = du.Size / Math.Max(width, 1), blocks = (rows + RowsPerBlock - 1) / RowsPerBlock;
        int partial = (taps + 1) * width;
        var partials = ArrayPool<T>.Shared.Rent(Math.Max(1, blocks * partial));
        try
        {
            Parallelism.For(blocks, 4L * taps * RowsPerBlock * width, block =>
            {
                var x = us.Span<T>();
                var k = ws.Span<T>();
                var grad = gs.Span<T>();
                var dx = du.Span<T>();
                // Taps 0..K−1 of dw, then dbias.
                var sums = partials.AsSpan(block * partial, partial);
                sums.Clear();
                for (int row = block * RowsPerBlock; row < Math.Min(rows, (block + 1) * RowsPerBlock); row++)
                {
                    var gr = grad.Slice(row * width, width);
                    var dst = dx.Slice(row * width, width);
                    dst.Clear();
                    int t = row % time;
                    for (int s = 0; s < taps && t + s < time; s++)
                        if (s <= limits[row + s])
                            TensorPrimitives.MultiplyAdd(grad.Slice((row + s) * width, width), k.Slice((taps - 1 - s) * width, width), dst, dst);
                    long last = Math.Min(Math.Min(taps - 1, limits[row]), t);
                    for (int s = 0; s <= last; s++)
                    {
                        var tap = sums.Slice((taps - 1 - s) * width, width);
                        TensorPrimitives.MultiplyAdd(gr, x.Slice((row - s) * width, width), tap, tap);
                    }
                    var db = sums.Slice(taps * width, width);
                    TensorPrimitives.Add(db, gr, db);
                }
            });
            var dws = dw.Span<T>();
            var dbs = dbias.Span<T>();
            for (int block = 0; block < blocks; block++)
            {
                TensorPrimitives.Add(dws, partials.AsSpan(block * partial, taps * width), dws);
                TensorPrimitives.Add(dbs, partials.AsSpan(block * partial + taps * width, width), dbs);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(partials);
        }
        return [du, dw, dbias];
    }
}
