// Reductions. Reduce: one group per output element; each thread folds a strided share of the reduced
// elements, the warp combines its lanes with shuffles, and warp 0 combines the warps' results from
// shared memory. ArgReduce, CumSum and the linear scan keep the reference's sequential order along their
// axis (one thread per line), so ties, NaNs and rounding match it.
using ILGPU;

namespace Engine.Tensors.Gpu.Kernels;

public static class ReduceKernels
{
    public const int GroupSize = 256;

    /// <summary>y[row] = op over j of x[outer.At(row) + inner.At(j)].</summary>
    public static void Reduce<T, M>(ArrayView<T> x, ArrayView<T> y, int op, Strided outer, Strided inner, int innerSize)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        int row = Grid.IdxX;
        int start = outer.At(row);
        T acc = m.Identity(op);
        for (int j = Group.IdxX; j < innerSize; j += Group.DimX)
            acc = Combine<T, M>(op, acc, x[start + inner.At(j)]);
        acc = GroupCombine<T, M>(op, acc);
        if (Group.IdxX == 0) y[row] = acc;
    }

    /// <summary>Combines every thread's value; the result is valid in thread 0 of the group.</summary>
    public static T GroupCombine<T, M>(int op, T value) where T : unmanaged where M : struct, INum<T>
    {
        var partials = SharedMemory.Allocate<T>(32);
        value = WarpCombine<T, M>(op, value);
        int warps = (Group.DimX + Warp.WarpSize - 1) / Warp.WarpSize;
        if (Warp.LaneIdx == 0) partials[Warp.WarpIdx] = value;
        Group.Barrier();
        if (Warp.WarpIdx == 0)
        {
            value = Warp.LaneIdx < warps ? partials[Warp.LaneIdx] : default(M).Identity(op);
            value = WarpCombine<T, M>(op, value);
        }
        Group.Barrier();
        return value;
    }

    /// <summary>Tree combine within a warp with shuffles; lane 0 ends with the result.</summary>
    public static T WarpCombine<T, M>(int op, T value) where T : unmanaged where M : struct, INum<T>
    {
        for (int delta = Warp.WarpSize / 2; delta > 0; delta /= 2)
            value = Combine<T, M>(op, value, Warp.ShuffleDown(value, delta));
        return value;
    }

    public static T Combine<T, M>(int op, T a, T b) where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        return op == 0 ? m.Add(a, b) : m.Binary(op == 1 ? 5 : 6, a, b);
    }

    /// <summary>Index of the first max (op 1) or min (op 2) along the axis; a NaN wins at once.</summary>
    public static void ArgReduce<T, M>(Index1D o, ArrayView<T> x, ArrayView<long> y, int op, Strided outer, int length, int stride)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        int start = outer.At(o);
        long best = 0;
        T bestValue = x[start];
        for (int k = 0; k < length; k++)
        {
            T v = x[start + k * stride];
            if (m.IsNaN(v))
            {
                best = k;
                break;
            }
            bool better = op == 1 ? m.Greater(v, bestValue) : m.Greater(bestValue, v);
            if (k == 0 || better)
            {
                best = k;
                bestValue = v;
            }
        }
        y[o] = best;
    }

    /// <summary>Running sum along the axis, one thread per line.</summary>
    public static void CumSum<T, M>(Index1D line, ArrayView<T> x, ArrayView<T> y, Strided xLines, Strided yLines, int length, int xStride, int yStride)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        int xs = xLines.At(line), ys = yLines.At(line);
        T acc = m.Zero;
        for (int k = 0; k < length; k++)
        {
            acc = k == 0 ? x[xs] : m.Add(x[xs + k * xStride], acc);
            y[ys + k * yStride] = acc;
        }
    }

    /// <summary>y_t = a_t·y_{t−1} + x_t (reverse: from the end), starting from 0; one thread per line of
    /// dense [outer, length, inner] arrays. The RG-LRU recurrence (Griffin §2.4).</summary>
    public static void LinearScan<T, M>(Index1D line, ArrayView<T> a, ArrayView<T> x, ArrayView<T> y, int length, int inner, int reverse)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        int o = line / inner, i = line % inner;
        int start = o * length * inner + i;
        T previous = m.Zero;
        for (int step = 0; step < length; step++)
        {
            int t = reverse != 0 ? length - 1 - step : step;
            int at = start + t * inner;
            previous = step == 0 ? x[at] : m.Add(m.Mul(a[at], previous), x[at]);
            y[at] = previous;
        }
    }
}
