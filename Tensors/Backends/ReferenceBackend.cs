// The reference backend: plain scalar loops over logical indices, written for obviousness rather than
// speed. It is the oracle the fast backends are tested against. The CPU backend derives from it and
// overrides the kernels it accelerates.
using System.Numerics;

namespace Engine.Tensors;

public partial class ReferenceBackend : IBackend
{
    public virtual string Name => "reference";

    public virtual NDArray Unary(UnaryOp op, NDArray x) => x.DType == DType.Float32
        ? Map<float>(x, v => ScalarMath.Unary(op, v))
        : Map<double>(x, v => ScalarMath.Unary(op, v));

    private static NDArray Map<T>(NDArray x, Func<T, T> f) where T : unmanaged
    {
        var result = NDArray.Empty(x.Shape, x.DType);
        var src = x.Storage.Array<T>();
        var dst = result.Storage.Array<T>();
        for (int i = 0; i < result.Size; i++) dst[i] = f(src[x.Offset + x.LinearToOffset(i)]);
        return result;
    }

    public virtual NDArray Binary(BinaryOp op, NDArray a, NDArray b, int[] outShape) => a.DType switch
    {
        DType.Float32 => Zip<float>(a, b, outShape, (p, q) => ScalarMath.Binary(op, p, q)),
        DType.Float64 => Zip<double>(a, b, outShape, (p, q) => ScalarMath.Binary(op, p, q)),
        _ => Zip<long>(a, b, outShape, (p, q) => ScalarMath.Binary(op, p, q)),
    };

    private static NDArray Zip<T>(NDArray a, NDArray b, int[] shape, Func<T, T, T> f) where T : unmanaged
    {
        var result = NDArray.Empty(shape, a.DType);
        var av = a.BroadcastTo(shape);
        var bv = b.BroadcastTo(shape);
        var ad = a.Storage.Array<T>();
        var bd = b.Storage.Array<T>();
        var dst = result.Storage.Array<T>();
        for (int i = 0; i < result.Size; i++)
            dst[i] = f(ad[av.Offset + av.LinearToOffset(i)], bd[bv.Offset + bv.LinearToOffset(i)]);
        return result;
    }

    public virtual NDArray Where(NDArray cond, NDArray a, NDArray b, int[] outShape)
    {
        var result = NDArray.Empty(outShape, a.DType);
        var c = cond.BroadcastTo(outShape);
        var av = a.BroadcastTo(outShape);
        var bv = b.BroadcastTo(outShape);
        for (int i = 0; i < result.Size; i++)
        {
            bool pick = c.Storage.GetAsDouble(c.Offset + c.LinearToOffset(i)) != 0;
            var src = pick ? av : bv;
            result.Storage.SetFromDouble(i, src.Storage.GetAsDouble(src.Offset + src.LinearToOffset(i)));
        }
        return result;
    }

    /// <summary>float32 sums accumulate in float64, so the oracle's own rounding stays far below the fast
    /// backend's and agreement tests measure the fast backend's error.</summary>
    public virtual NDArray Reduce(ReduceOp op, NDArray x, int[] axes) => x.DType switch
    {
        DType.Float32 when op == ReduceOp.Sum => Cast(ReduceTyped<double>(op, Cast(x, DType.Float64), axes), DType.Float32),
        DType.Float32 => ReduceTyped<float>(op, x, axes),
        DType.Float64 => ReduceTyped<double>(op, x, axes),
        _ => ReduceTyped<long>(op, x, axes),
    };

    private static NDArray ReduceTyped<T>(ReduceOp op, NDArray x, int[] axes) where T : unmanaged, INumber<T>
    {
        int[] outShape = ShapeMath.ReducedShape(x.Shape, axes, keepDim: true);
        var result = NDArray.Empty(outShape, x.DType);
        var dst = result.Storage.Array<T>();
        var seen = new bool[result.Size];
        var src = x.Storage.Array<T>();
        var index = new int[x.Rank];
        for (int i = 0; i < x.Size; i++)
        {
            ShapeMath.Unravel(i, x.Shape, index);
            int o = 0;
            for (int d = 0; d < x.Rank; d++) o = o * outShape[d] + (axes.Contains(d) ? 0 : index[d]);
            T v = src[x.Offset + x.LinearToOffset(i)];
            if (!seen[o])
            {
                dst[o] = v;
                seen[o] = true;
            }
            else dst[o] = op == ReduceOp.Sum ? dst[o] + v : ScalarMath.Binary(op == ReduceOp.Max ? BinaryOp.Max : BinaryOp.Min, dst[o], v);
        }
        return result;
    }

    public virtual NDArray ArgReduce(ReduceOp op, NDArray x, int axis)
    {
        var outShape = x.ShapeCopy();
        outShape[axis] = 1;
        var result = NDArray.Empty(outShape, DType.Int64);
        var index = new int[x.Rank];
        for (int o = 0; o < result.Size; o++)
        {
            ShapeMath.Unravel(o, outShape, index);
            long best = 0;
            double bestValue = double.NaN;
            for (int k = 0; k < x.Shape[axis]; k++)
            {
                index[axis] = k;
                double v = x.Storage.GetAsDouble(x.StorageIndex(index));
                if (double.IsNaN(v)) { best = k; break; }
                if (k == 0 || (op == ReduceOp.Max ? v > bestValue : v < bestValue)) { best = k; bestValue = v; }
            }
            result.Storage.SetFromDouble(o, best);
        }
        return result;
    }

    public virtual NDArray MatMul(NDArray a, NDArray b, int[] batchShape)
    {
        int m = a.Shape[^2], k = a.Shape[^1], n = b.Shape[^1];
        var result = NDArray.Empty([.. batchShape, m, n], a.DType);
        int batches = ShapeMath.NumElements(batchShape);
        var batchIndex = new int[batchShape.Length];
        for (int t = 0; t < batches; t++)
        {
            ShapeMath.Unravel(t, batchShape, batchIndex);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double acc = 0;
                    for (int p = 0; p < k; p++)
                        acc += a.Storage.GetAsDouble(a.StorageIndex([.. batchIndex, i, p])) * b.Storage.GetAsDouble(b.StorageIndex([.. batchIndex, p, j]));
                    result.Storage.SetFromDouble((t * m + i) * n + j, acc);
                }
        }
        return result;
    }

    public virtual NDArray Gather(NDArray x, int axis, NDArray index)
    {
        var result = NDArray.Empty(index.Shape, x.DType);
        var at = new int[x.Rank];
        for (int i = 0; i < result.Size; i++)
        {
            ShapeMath.Unravel(i, index.Shape, at);
            long k = (long)index.Storage.GetAsDouble(index.StorageIndex(at));
            at[axis] = (int)k;
            result.Storage.SetFromDouble(i, x.Storage.GetAsDouble(x.StorageIndex(at)));
        }
        return result;
    }

    public virtual NDArray ScatterAdd(NDArray target, int axis, NDArray index, NDArray src)
    {
        var result = target.Clone();
        var at = new int[target.Rank];
        for (int i = 0; i < index.Size; i++)
        {
            ShapeMath.Unravel(i, index.Shape, at);
            double v = src.Storage.GetAsDouble(src.StorageIndex(at));
            at[axis] = (int)index.Storage.GetAsDouble(index.StorageIndex(at));
            int pos = result.StorageIndex(at);
            result.Storage.SetFromDouble(pos, result.Storage.GetAsDouble(pos) + v);
        }
        return result;
    }

    public virtual NDArray CumSum(NDArray x, int axis)
    {
        var result = NDArray.Empty(x.Shape, x.DType);
        var at = new int[x.Rank];
        for (int i = 0; i < x.Size; i++)
        {
            ShapeMath.Unravel(i, x.Shape, at);
            double v = x.Storage.GetAsDouble(x.StorageIndex(at));
            if (at[axis] > 0)
            {
                at[axis]--;
                v += result.Storage.GetAsDouble(result.StorageIndex(at));
            }
            result.Storage.SetFromDouble(i, v);
        }
        return result;
    }

    /// <summary>The composite definition: x - max, exp, sum, then divide (softmax) or subtract the log
    /// of the sum (log-softmax). An all -inf row uses 0 for its max, so x - max stays defined.</summary>
    public virtual NDArray SoftmaxLastAxis(NDArray x, bool log)
    {
        int last = x.Rank - 1;
        var max = x.Reduce(ReduceOp.Max, [last], keepDim: true);
        max = NDArray.Where(max.Abs().Binary(BinaryOp.Lt, double.PositiveInfinity), max, NDArray.ZerosLike(max));
        var shifted = x - max;
        var sum = shifted.Exp().Reduce(ReduceOp.Sum, [last], keepDim: true);
        return log ? shifted - sum.Log() : shifted.Exp() / sum;
    }

    public virtual void Copy(NDArray src, NDArray dst)
    {
        var view = src.BroadcastTo(dst.Shape);
        for (int i = 0; i < dst.Size; i++)
            dst.Storage.SetFromDouble(dst.Offset + dst.LinearToOffset(i), view.Storage.GetAsDouble(view.Offset + view.LinearToOffset(i)));
    }

    public virtual NDArray Cast(NDArray x, DType dtype)
    {
        var result = NDArray.Empty(x.Shape, dtype);
        for (int i = 0; i < x.Size; i++)
            result.Storage.SetFromDouble(i, x.Storage.GetAsDouble(x.Offset + x.LinearToOffset(i)));
        return result;
    }
}
