// CPU RMSNorm and LayerNorm over the last axis, forward and backward, each fused into one pass per row
// (the formulas are in ReferenceBackend.Fused.cs). A row is a few KB, so the statistics, the normalised
// row and the output are computed while it sits in L1, with TensorPrimitives doing the vector work. The
// composite versions make 6 to 10 full-size temporaries forward and more backward; these make none
// besides their outputs.
// Threads take fixed blocks of rows. The weight and bias gradients are sums over rows: each block adds
// its rows into its own partial sum, and the partials are added in block order afterwards, so the order
// of additions depends on the shape alone and the result is bit-identical for any thread count.
using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Engine.Tensors;

public sealed partial class CpuBackend
{
    /// <summary>Rows per block of work, and per partial sum of the weight gradient.</summary>
    private const int NormRowsPerBlock = 32;

    public override NDArray Normalize(NormKind kind, NDArray x, NDArray weight, NDArray? bias, double eps) => x.DType == DType.Float32
        ? NormalizeTyped<float>(kind, x, weight, bias, eps)
        : NormalizeTyped<double>(kind, x, weight, bias, eps);

    public override NDArray[] NormalizeBackward(NormKind kind, NDArray x, NDArray weight, double eps, NDArray grad) => x.DType == DType.Float32
        ? NormalizeBackwardTyped<float>(kind, x, weight, eps, grad)
        : NormalizeBackwardTyped<double>(kind, x, weight, eps, grad);

    private static NDArray NormalizeTyped<T>(NormKind kind, NDArray x, NDArray weight, NDArray? bias, double eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var src = x.Contiguous();
        var result = NDArray.Empty(x.Shape, x.DType);
        int n = x.Shape[^1];
        if (result.Size == 0) return result;
        int rows = result.Size / n, blocks = (rows + NormRowsPerBlock - 1) / NormRowsPerBlock;
        var w = weight.Contiguous();
        var b = bias?.Contiguous();
        Parallelism.For(blocks, 4L * NormRowsPerBlock * n, block =>
        {
            var ws = w.Span<T>();
            var bs = b is null ? default : b.Span<T>();
            var xs = src.Span<T>();
            var ys = result.Span<T>();
            int end = Math.Min(rows, (block + 1) * NormRowsPerBlock);
            for (int row = block * NormRowsPerBlock; row < end; row++)
            {
                var xr = xs.Slice(row * n, n);
                var yr = ys.Slice(row * n, n);
                T inverse = CentreRow(kind, xr, yr, eps);
                if (b is null)
                {
                    TensorPrimitives.Multiply(yr, inverse, yr);
                    TensorPrimitives.Multiply(yr, ws, yr);
                }
                else
                {
                    TensorPrimitives.Multiply(yr, inverse, yr);
                    TensorPrimitives.FusedMultiplyAdd(yr, ws, bs, yr);
                }
            }
        });
        return result;
    }

    /// <summary>Writes x − centre into dst (centre = mean for LayerNorm, 0 for RMSNorm) and returns
    /// 1/sqrt(mean(dst²) + eps). The statistics are taken in double.</summary>
    private static T CentreRow<T>(NormKind kind, ReadOnlySpan<T> x, Span<T> dst, double eps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (kind == NormKind.Layer)
        {
            T mean = T.CreateTruncating(double.CreateTruncating(TensorPrimitives.Sum(x)) / x.Length);
            TensorPrimitives.Subtract(x, mean, dst);
        }
        else x.CopyTo(dst);
        double meanSquare = double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(dst)) / x.Length;
        return T.CreateTruncating(1 / Math.Sqrt(meanSquare + eps));
    }

    private static NDArray[] NormalizeBackwardTyped<T>(NormKind kind, NDArray x, NDArray weight, double eps, NDArray grad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var src = x.Contiguous();
        var g = grad.Contiguous();
        var w = weight.Contiguous();
        var dx = NDArray.Empty(x.Shape, x.DType);
        int n = x.Shape[^1];
        var dWeight = NDArray.Empty([n], x.DType);
        var dBias = NDArray.Empty([n], x.DType);
        if (dx.Size > 0)
        {
            int rows = dx.Size / n, blocks = (rows + NormRowsPerBlock - 1) / NormRowsPerBlock;
            // Per block: its partial weight gradient, its partial bias gradient, then two scratch rows.
            var scratch = ArrayPool<T>.Shared.Rent(blocks * 4 * n);
            try
            {
                Parallelism.For(blocks, 8L * NormRowsPerBlock * n, block =>
                    BackwardBlock(kind, block, rows, n, eps, src.Span<T>(), g.Span<T>(), w.Span<T>(), dx.Span<T>(), scratch.AsSpan(block * 4 * n, 4 * n)));
                var dws = dWeight.Span<T>();
                var dbs = dBias.Span<T>();
                for (int block = 0; block < blocks; block++)
                {
                    TensorPrimitives.Add(dws, scratch.AsSpan(block * 4 * n, n), dws);
                    TensorPrimitives.Add(dbs, scratch.AsSpan(block * 4 * n + n, n), dbs);
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(scratch);
            }
        }
        return kind == NormKind.Rms ? [dx, dWeight] : [dx, dWeight, dBias];
    }

    private static void BackwardBlock<T>(NormKind kind, int block, int rows, int n, double eps, ReadOnlySpan<T> xs, ReadOnlySpan<T> gs,
        ReadOnlySpan<T> ws, Span<T> dxs, Span<T> scratch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var dwPartial = scratch[..n];
        var dbPartial = scratch.Slice(n, n);
        var xHat = scratch.Slice(2 * n, n);
        var gw = scratch.Slice(3 * n, n);
        dwPartial.Clear();
        dbPartial.Clear();
        T count = T.CreateTruncating(n);
        int end = Math.Min(rows, (block + 1) * NormRowsPerBlock);
        for (int row = block * NormRowsPerBlock; row < end; row++)
        {
            var gr = gs.Slice(row * n, n);
            var dxr = dxs.Slice(row * n, n);
            T inverse = CentreRow(kind, xs.Slice(row * n, n), xHat, eps);
            TensorPrimitives.Multiply(xHat, inverse, xHat);
            TensorPrimitives.Multiply(gr, ws, gw);
            T meanGw = kind == NormKind.Layer ? TensorPrimitives.Sum<T>(gw) / count : T.Zero;
            T meanGwXHat = TensorPrimitives.Dot<T>(gw, xHat) / count;
            // dx = r·(gw − x̂·mean(gw·x̂) − mean(gw)).
            TensorPrimitives.MultiplyAdd(xHat, -meanGwXHat, gw, dxr);
            if (kind == NormKind.Layer) TensorPrimitives.Subtract(dxr, meanGw, dxr);
            TensorPrimitives.Multiply(dxr, inverse, dxr);
            TensorPrimitives.MultiplyAdd(gr, xHat, dwPartial, dwPartial);
            if (kind == NormKind.Layer) TensorPrimitives.Add(dbPartial, gr, dbPartial);
        }
    }
}
