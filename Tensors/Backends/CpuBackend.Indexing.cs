// CPU gather, scatter-add, cumulative sum and where: typed loops over strided rows (RowPlan), threaded
// by output element only. Every output element is computed by one thread in the reference order (a
// scatter-add or running sum adds its terms in ascending position along the axis), so results are
// bit-identical to the reference backend's and independent of Parallelism.MaxThreads.
using System.Numerics;
using System.Numerics.Tensors;

namespace Engine.Tensors;

public sealed partial class CpuBackend
{
    /// <summary>Rows longer than this are cut into pieces of this many elements, so that one long row
    /// (an embedding's width) still spreads over the threads.</summary>
    private const int PieceLength = 64;

    public override NDArray Gather(NDArray x, int axis, NDArray index) => x.DType switch
    {
        DType.Float32 => GatherTyped<float>(x, axis, index),
        DType.Float64 => GatherTyped<double>(x, axis, index),
        _ => GatherTyped<long>(x, axis, index),
    };

    private static NDArray GatherTyped<T>(NDArray x, int axis, NDArray index) where T : unmanaged
    {
        var result = NDArray.Empty(index.Shape, x.DType);
        int axisStride = x.Strides[axis];
        var xStrides = x.ShapeCopy();
        x.Strides.CopyTo(xStrides);
        xStrides[axis] = 0;
        var plan = new RowPlan(index.Shape, result.StridesArray, index.StridesArray, xStrides);
        var xd = x.Storage.Array<T>();
        var id = index.Storage.Array<long>();
        var dd = result.Storage.Array<T>();
        int n = plan.RowLength, ii = plan.InnerStride(1), ix = plan.InnerStride(2);
        Parallelism.For(plan.RowCount, n, row =>
        {
            int od = plan.RowStart(0, row, 0), oi = plan.RowStart(1, row, index.Offset), ox = plan.RowStart(2, row, x.Offset);
            if (ii == 0 && ix == 1)
            {
                // An index that is constant along the row (index-select): one contiguous copy.
                xd.AsSpan(ox + (int)id[oi] * axisStride, n).CopyTo(dd.AsSpan(od, n));
                return;
            }
            for (int i = 0; i < n; i++) dd[od + i] = xd[ox + i * ix + (int)id[oi + i * ii] * axisStride];
        });
        return result;
    }

    public override NDArray ScatterAdd(NDArray target, int axis, NDArray index, NDArray src) => target.DType switch
    {
        DType.Float32 => ScatterAddTyped<float>(target, axis, index, src),
        DType.Float64 => ScatterAddTyped<double>(target, axis, index, src),
        _ => ScatterAddTyped<long>(target, axis, index, src),
    };

    /// <summary>Threads take disjoint pieces of the non-axis positions; each walks the axis in order, so
    /// every output element receives its terms in the reference order and from one thread only.</summary>
    private static NDArray ScatterAddTyped<T>(NDArray target, int axis, NDArray index, NDArray src) where T : unmanaged, INumber<T>
    {
        var result = target.Clone();
        if (index.Size == 0) return result;
        int length = index.Shape[axis];
        int indexAxisStride = index.Strides[axis], srcAxisStride = src.Strides[axis], resultAxisStride = result.Strides[axis];
        var rest = Without(index.ShapeArray, axis);
        var plan = new RowPlan(rest, Without(result.StridesArray, axis), Without(index.StridesArray, axis), Without(src.StridesArray, axis));
        var rd = result.Storage.Array<T>();
        var id = index.Storage.Array<long>();
        var sd = src.Storage.Array<T>();
        int n = plan.RowLength, ir = plan.InnerStride(0), ii = plan.InnerStride(1), isrc = plan.InnerStride(2);
        int pieces = (n + PieceLength - 1) / PieceLength;
        Parallelism.For(plan.RowCount * pieces, (long)length * Math.Min(n, PieceLength), item =>
        {
            int row = item / pieces, start = item % pieces * PieceLength, count = Math.Min(PieceLength, n - start);
            int or = plan.RowStart(0, row, 0) + start * ir;
            int oi = plan.RowStart(1, row, index.Offset) + start * ii;
            int os = plan.RowStart(2, row, src.Offset) + start * isrc;
            for (int j = 0; j < length; j++, oi += indexAxisStride, os += srcAxisStride)
            {
                if (ii == 0 && ir == 1 && isrc == 1)
                {
                    var dst = rd.AsSpan(or + (int)id[oi] * resultAxisStride, count);
                    TensorPrimitives.Add<T>(dst, sd.AsSpan(os, count), dst);
                    continue;
                }
                for (int i = 0; i < count; i++)
                    rd[or + i * ir + (int)id[oi + i * ii] * resultAxisStride] += sd[os + i * isrc];
            }
        });
        return result;
    }

    public override NDArray CumSum(NDArray x, int axis) => x.DType switch
    {
        DType.Float32 => CumSumTyped<float>(x, axis),
        DType.Float64 => CumSumTyped<double>(x, axis),
        _ => CumSumTyped<long>(x, axis),
    };

    /// <summary>Each element is the running sum along the axis, added in order; threads split the other axes.</summary>
    private static NDArray CumSumTyped<T>(NDArray x, int axis) where T : unmanaged, INumber<T>
    {
        var result = NDArray.Empty(x.Shape, x.DType);
        if (x.Size == 0) return result;
        int length = x.Shape[axis], xAxisStride = x.Strides[axis], resultAxisStride = result.Strides[axis];
        var plan = new RowPlan(Without(x.ShapeArray, axis), Without(result.StridesArray, axis), Without(x.StridesArray, axis));
        var xd = x.Storage.Array<T>();
        var rd = result.Storage.Array<T>();
        int n = plan.RowLength, ir = plan.InnerStride(0), ix = plan.InnerStride(1);
        int pieces = (n + PieceLength - 1) / PieceLength;
        Parallelism.For(plan.RowCount * pieces, (long)length * Math.Min(n, PieceLength), item =>
        {
            int row = item / pieces, start = item % pieces * PieceLength, count = Math.Min(PieceLength, n - start);
            int or = plan.RowStart(0, row, 0) + start * ir, ox = plan.RowStart(1, row, x.Offset) + start * ix;
            if (ir == 1 && ix == 1)
            {
                // Whole rows at a time: row j = row j-1 + x's row j.
                xd.AsSpan(ox, count).CopyTo(rd.AsSpan(or, count));
                for (int j = 1; j < length; j++)
                {
                    var previous = rd.AsSpan(or + (j - 1) * resultAxisStride, count);
                    TensorPrimitives.Add<T>(previous, xd.AsSpan(ox + j * xAxisStride, count), rd.AsSpan(or + j * resultAxisStride, count));
                }
                return;
            }
            for (int i = 0; i < count; i++)
            {
                T sum = T.Zero;
                int pr = or + i * ir, px = ox + i * ix;
                for (int j = 0; j < length; j++, pr += resultAxisStride, px += xAxisStride)
                {
                    sum += xd[px];
                    rd[pr] = sum;
                }
            }
        });
        return result;
    }

    public override NDArray Where(NDArray cond, NDArray a, NDArray b, int[] outShape) => a.DType switch
    {
        DType.Float32 => WhereTyped<float>(cond, a, b, outShape),
        DType.Float64 => WhereTyped<double>(cond, a, b, outShape),
        _ => WhereTyped<long>(cond, a, b, outShape),
    };

    /// <summary>cond has a's dtype (the front end converts it); non-zero, NaN included, picks a.</summary>
    private static NDArray WhereTyped<T>(NDArray cond, NDArray a, NDArray b, int[] shape) where T : unmanaged, INumber<T>
    {
        var result = NDArray.Empty(shape, a.DType);
        var plan = new RowPlan(shape, result.StridesArray,
            ShapeMath.BroadcastStrides("where", cond.Shape, cond.Strides, shape),
            ShapeMath.BroadcastStrides("where", a.Shape, a.Strides, shape),
            ShapeMath.BroadcastStrides("where", b.Shape, b.Strides, shape));
        var cd = cond.Storage.Array<T>();
        var ad = a.Storage.Array<T>();
        var bd = b.Storage.Array<T>();
        var dd = result.Storage.Array<T>();
        int n = plan.RowLength, ic = plan.InnerStride(1), ia = plan.InnerStride(2), ib = plan.InnerStride(3);
        const int piece = 1 << 14;
        int pieces = (n + piece - 1) / piece;
        Parallelism.For(plan.RowCount * pieces, Math.Min(n, piece), item =>
        {
            int row = item / pieces, start = item % pieces * piece, count = Math.Min(piece, n - start);
            int od = plan.RowStart(0, row, 0) + start, oc = plan.RowStart(1, row, cond.Offset) + start * ic;
            int oa = plan.RowStart(2, row, a.Offset) + start * ia, ob = plan.RowStart(3, row, b.Offset) + start * ib;
            if (ic == 1 && ia == 1 && ib == 1) SelectDense<T>(cd.AsSpan(oc, count), ad.AsSpan(oa, count), bd.AsSpan(ob, count), dd.AsSpan(od, count));
            else SelectStrided(cd, oc, ic, ad, oa, ia, bd, ob, ib, dd.AsSpan(od, count));
        });
        return result;
    }

    /// <summary>Branch-free: a random mask would mispredict a branch half the time. Equals(NaN, 0) is
    /// false, so NaN conditions pick a, as in the scalar definition.</summary>
    private static void SelectDense<T>(ReadOnlySpan<T> cond, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst) where T : unmanaged, INumber<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= dst.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var useB = Vector.Equals(new Vector<T>(cond[i..]), Vector<T>.Zero);
                Vector.ConditionalSelect(useB, new Vector<T>(b[i..]), new Vector<T>(a[i..])).CopyTo(dst[i..]);
            }
        for (; i < dst.Length; i++) dst[i] = cond[i] != T.Zero ? a[i] : b[i];
    }

    private static void SelectStrided<T>(T[] cond, int oc, int ic, T[] a, int oa, int ia, T[] b, int ob, int ib, Span<T> dst) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < dst.Length; i++, oc += ic, oa += ia, ob += ib) dst[i] = cond[oc] != T.Zero ? a[oa] : b[ob];
    }

    private static int[] Without(int[] values, int axis)
    {
        var rest = new int[values.Length - 1];
        for (int d = 0, r = 0; d < values.Length; d++)
            if (d != axis) rest[r++] = values[d];
        return rest;
    }
}
