// CPU reductions. The reduced axes are brought to one end of a dense copy so that each output value is
// a TensorPrimitives reduction over one row (trailing axes), or a running elementwise accumulation of
// whole rows (leading axes). The order of additions is fixed, so results do not depend on threads.
using System.Numerics;
using System.Numerics.Tensors;

namespace Engine.Tensors;

public sealed partial class CpuBackend
{
    public override NDArray Reduce(ReduceOp op, NDArray x, int[] axes) => x.DType switch
    {
        DType.Float32 => ReduceTyped<float>(op, x, axes),
        DType.Float64 => ReduceTyped<double>(op, x, axes),
        _ => ReduceTyped<long>(op, x, axes),
    };

    private static NDArray ReduceTyped<T>(ReduceOp op, NDArray x, int[] axes) where T : unmanaged, INumber<T>
    {
        var result = NDArray.Empty(ShapeMath.ReducedShape(x.Shape, axes, keepDim: true), x.DType);
        int reduced = 1;
        foreach (int a in axes) reduced *= x.Shape[a];
        if (result.Size == 0) return result;
        bool leading = true;
        for (int i = 0; i < axes.Length; i++) leading &= axes[i] == i;
        if (leading && axes.Length < x.Rank)
        {
            ReduceLeading(op, x.Contiguous().Span<T>(), reduced, result.Span<T>());
            return result;
        }
        var kept = Enumerable.Range(0, x.Rank).Where(d => !axes.Contains(d));
        var trailing = x.Permute([.. kept, .. axes]).Contiguous();
        var src = trailing.Storage.Array<T>();
        int start = trailing.Offset;
        var dst = result.Span<T>().ToArray();
        Parallelism.For(dst.Length, reduced, o =>
        {
            var row = src.AsSpan(start + o * reduced, reduced);
            dst[o] = op switch
            {
                ReduceOp.Sum => TensorPrimitives.Sum<T>(row),
                ReduceOp.Max => TensorPrimitives.Max<T>(row),
                _ => TensorPrimitives.Min<T>(row),
            };
        });
        dst.CopyTo(result.Span<T>());
        return result;
    }

    /// <summary>dst[j] = reduce over i of src[i * dst.Length + j], accumulating whole rows in order.</summary>
    private static void ReduceLeading<T>(ReduceOp op, ReadOnlySpan<T> src, int rows, Span<T> dst) where T : unmanaged, INumber<T>
    {
        int n = dst.Length;
        if (rows == 0)
        {
            dst.Clear();
            return;
        }
        src[..n].CopyTo(dst);
        for (int i = 1; i < rows; i++)
        {
            var row = src.Slice(i * n, n);
            switch (op)
            {
                case ReduceOp.Sum: TensorPrimitives.Add(dst, row, dst); break;
                case ReduceOp.Max: TensorPrimitives.Max(dst, row, dst); break;
                default: TensorPrimitives.Min(dst, row, dst); break;
            }
        }
    }

    public override NDArray ArgReduce(ReduceOp op, NDArray x, int axis) => x.DType switch
    {
        DType.Float32 => ArgReduceTyped<float>(op, x, axis),
        DType.Float64 => ArgReduceTyped<double>(op, x, axis),
        _ => ArgReduceTyped<long>(op, x, axis),
    };

    private static NDArray ArgReduceTyped<T>(ReduceOp op, NDArray x, int axis) where T : unmanaged, INumber<T>
    {
        var outShape = x.ShapeCopy();
        outShape[axis] = 1;
        var result = NDArray.Empty(outShape, DType.Int64);
        var order = Enumerable.Range(0, x.Rank).Where(d => d != axis).Append(axis).ToArray();
        var rows = x.Permute(order).Contiguous().Span<T>();
        var dst = result.Span<long>();
        int n = x.Shape[axis];
        for (int o = 0; o < dst.Length; o++)
        {
            var row = rows.Slice(o * n, n);
            dst[o] = op == ReduceOp.Max ? TensorPrimitives.IndexOfMax(row) : TensorPrimitives.IndexOfMin(row);
        }
        return result;
    }
}
