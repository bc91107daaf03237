// CPU softmax and log-softmax over the last axis, fused into one pass per row: max, exp(x - max) written
// straight into the output, its sum, then one scaling (softmax) or subtraction (log-softmax). The
// composite version makes five full-size temporaries; this makes none. Rows are independent, so the
// result does not depend on the thread count.
using System.Numerics;
using System.Numerics.Tensors;

namespace Engine.Tensors;

public sealed partial class CpuBackend
{
    public override NDArray SoftmaxLastAxis(NDArray x, bool log) => x.DType == DType.Float32
        ? SoftmaxTyped<float>(x, log)
        : SoftmaxTyped<double>(x, log);

    private static NDArray SoftmaxTyped<T>(NDArray x, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var src = x.Contiguous();
        var result = NDArray.Empty(x.Shape, x.DType);
        int n = x.Shape[^1];
        if (result.Size == 0 || n == 0) return result;
        int rows = result.Size / n;
        var sd = src.Storage.Array<T>();
        var dd = result.Storage.Array<T>();
        int start = src.Offset;
        Parallelism.For(rows, 4L * n, row => SoftmaxRow<T>(sd.AsSpan(start + row * n, n), dd.AsSpan(row * n, n), log));
        return result;
    }

    private static void SoftmaxRow<T>(ReadOnlySpan<T> x, Span<T> dst, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = TensorPrimitives.Max(x);
        // A non-finite max (an all -inf row, fully masked) becomes 0, as in the composite, so x - max stays -inf.
        if (!T.IsFinite(max)) max = T.Zero;
        TensorPrimitives.Subtract(x, max, dst);
        if (log)
        {
            // dst holds x - max while exp goes through a second pass that only reads it.
            T sum = SumOfExp(dst);
            TensorPrimitives.Subtract(dst, T.Log(sum), dst);
            return;
        }
        TensorPrimitives.Exp(dst, dst);
        TensorPrimitives.Divide(dst, TensorPrimitives.Sum<T>(dst), dst);
    }

    /// <summary>sum(exp(values)) through a small stack buffer, leaving values untouched.</summary>
    private static T SumOfExp<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int block = 256;
        Span<T> buffer = stackalloc T[block];
        T sum = T.Zero;
        for (int i = 0; i < values.Length; i += block)
        {
            var part = values.Slice(i, Math.Min(block, values.Length - i));
            var exp = buffer[..part.Length];
            TensorPrimitives.Exp(part, exp);
            sum += TensorPrimitives.Sum<T>(exp);
        }
        return sum;
    }
}
