// RMSNorm and LayerNorm over the last axis (Griffin §2 / RecurrentGemma layers.py; Ba et al. 2016) as
// fused kernels, forward and backward, with the formulas of Tensors/Backends/ReferenceBackend.Fused.cs:
//   μ = mean(x) (0 for RMSNorm), r = 1/sqrt(mean((x−μ)²) + eps), x̂ = (x−μ)·r, y = x̂·w (+ b);
//   dx = r·(g·w − mean(g·w) − x̂·mean(g·w·x̂)) (no mean(g·w) for RMSNorm), dw = Σ_rows g·x̂, db = Σ_rows g.
// Rows: one group per row, which loops over the row in steps of the group size (rows may be longer than
// a group), combining each statistic with warp shuffles and shared memory as SoftmaxKernels does.
// Columns (dw, db): sums over rows, done without atomics so they are deterministic: the rows are cut
// into fixed chunks of RowsPerChunk, one thread per (chunk, column) adds its chunk's rows in order, and
// a second kernel adds the chunks' partials per column in chunk order. The order of every addition
// depends on the shape alone, not on the group size or the device.
using ILGPU;

namespace Engine.Tensors.Gpu.Kernels;

/// <summary>The scalars of a norm launch: the row length, the strides along the row of x, grad and the
/// weight and bias vectors (with their offsets), the kind and eps.</summary>
public struct NormParams
{
    public int N;
    public int XStride, GStride;
    public int WOffset, WStride, BOffset, BStride;
    public int Layer, HasBias;
    public double Eps;
}

public static class NormKernels
{
    public const int GroupSize = 128;
    public const int RowsPerChunk = 32;

    /// <summary>y[row, :] = x̂·w (+ b) for the row of this group; y is dense.</summary>
    public static void Forward<T, M>(ArrayView<T> x, ArrayView<T> weight, ArrayView<T> bias, ArrayView<T> y, Strided rows, NormParams p)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        int row = Grid.IdxX, start = rows.At(row);
        var (mean, inverse) = Statistics<T, M>(x, start, p);
        int outStart = row * p.N;
        for (int j = Group.IdxX; j < p.N; j += Group.DimX)
        {
            T scaled = m.Mul(m.Mul(m.Binary(1, x[start + j * p.XStride], mean), inverse), weight[p.WOffset + j * p.WStride]);
            y[outStart + j] = p.HasBias != 0 ? m.Add(scaled, bias[p.BOffset + j * p.BStride]) : scaled;
        }
    }

    /// <summary>dx for the row of this group, and the row's (μ, r) into stats[2·row], stats[2·row + 1] for
    /// the column sums.</summary>
    public static void BackwardRows<T, M>(ArrayView<T> x, ArrayView<T> grad, ArrayView<T> weight, ArrayView<T> dx, ArrayView<T> stats,
        Strided xRows, Strided gRows, NormParams p)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        int row = Grid.IdxX, start = xRows.At(row), gStart = gRows.At(row);
        var (mean, inverse) = Statistics<T, M>(x, start, p);
        T sumGw = m.Zero, sumGwCentred = m.Zero;
        for (int j = Group.IdxX; j < p.N; j += Group.DimX)
        {
            T gw = m.Mul(grad[gStart + j * p.GStride], weight[p.WOffset + j * p.WStride]);
            sumGw = m.Add(sumGw, gw);
            sumGwCentred = m.Add(sumGwCentred, m.Mul(gw, m.Binary(1, x[start + j * p.XStride], mean)));
        }
        sumGw = ReduceKernels.GroupCombine<T, M>(0, sumGw);
        sumGwCentred = ReduceKernels.GroupCombine<T, M>(0, sumGwCentred);
        var shared = SharedMemory.Allocate<T>(2);
        if (Group.IdxX == 0)
        {
            double n = p.N;
            shared[0] = p.Layer != 0 ? m.FromDouble(m.ToDouble(sumGw) / n) : m.Zero;
            shared[1] = m.FromDouble(m.ToDouble(sumGwCentred) * m.ToDouble(inverse) / n);
            stats[2 * row] = mean;
            stats[2 * row + 1] = inverse;
        }
        Group.Barrier();
        T meanGw = shared[0], meanGwXHat = shared[1];
        int outStart = row * p.N;
        for (int j = Group.IdxX; j < p.N; j += Group.DimX)
        {
            T xHat = m.Mul(m.Binary(1, x[start + j * p.XStride], mean), inverse);
            T gw = m.Mul(grad[gStart + j * p.GStride], weight[p.WOffset + j * p.WStride]);
            T inner = m.Binary(1, m.Binary(1, gw, m.Mul(xHat, meanGwXHat)), meanGw);
            dx[outStart + j] = m.Mul(inner, inverse);
        }
    }

    /// <summary>Thread (chunk, column): Σ over the chunk's rows, in order, of g·x̂ into dwPartial and of g
    /// into dbPartial, both [chunks, N].</summary>
    public static void ColumnPartials<T, M>(Index1D i, ArrayView<T> x, ArrayView<T> grad, ArrayView<T> stats,
        ArrayView<T> dwPartial, ArrayView<T> dbPartial, Strided xRows, Strided gRows, NormParams p, int rowCount)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        int chunk = i / p.N, j = i % p.N;
        int end = (chunk + 1) * RowsPerChunk < rowCount ? (chunk + 1) * RowsPerChunk : rowCount;
        T dw = m.Zero, db = m.Zero;
        for (int row = chunk * RowsPerChunk; row < end; row++)
        {
            T g = grad[gRows.At(row) + j * p.GStride];
            T xHat = m.Mul(m.Binary(1, x[xRows.At(row) + j * p.XStride], stats[2 * row]), stats[2 * row + 1]);
            dw = m.Add(dw, m.Mul(g, xHat));
            db = m.Add(db, g);
        }
        dwPartial[i] = dw;
        dbPartial[i] = db;
    }

    /// <summary>Thread per column: the chunks' partials added in chunk order into dw and db.</summary>
    public static void ColumnTotals<T, M>(Index1D j, ArrayView<T> dwPartial, ArrayView<T> dbPartial, ArrayView<T> dw, ArrayView<T> db, int n, int chunks)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        T w = m.Zero, b = m.Zero;
        for (int c = 0; c < chunks; c++)
        {
            w = m.Add(w, dwPartial[c * n + j]);
            b = m.Add(b, dbPartial[c * n + j]);
        }
        dw[j] = w;
        db[j] = b;
    }

    /// <summary>(μ, r) of the row at start, valid in every thread of the group. μ is 0 for RMSNorm;
    /// LayerNorm takes a second pass over the centred row, as the CPU kernel does. The final divisions
    /// and the square root are in double.</summary>
    private static (T Mean, T Inverse) Statistics<T, M>(ArrayView<T> x, int start, NormParams p)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        var shared = SharedMemory.Allocate<T>(2);
        T mean = m.Zero;
        if (p.Layer != 0)
        {
            T sum = m.Zero;
            for (int j = Group.IdxX; j < p.N; j += Group.DimX)
                sum = m.Add(sum, x[start + j * p.XStride]);
            sum = ReduceKernels.GroupCombine<T, M>(0, sum);
            if (Group.IdxX == 0) shared[0] = m.FromDouble(m.ToDouble(sum) / p.N);
            Group.Barrier();
            mean = shared[0];
        }
        T squares = m.Zero;
        for (int j = Group.IdxX; j < p.N; j += Group.DimX)
        {
            T centred = m.Binary(1, x[start + j * p.XStride], mean);
            squares = m.Add(squares, m.Mul(centred, centred));
        }
        squares = ReduceKernels.GroupCombine<T, M>(0, squares);
        if (Group.IdxX == 0) shared[1] = m.FromDouble(1 / Math.Sqrt(m.ToDouble(squares) / p.N + p.Eps));
        Group.Barrier();
        return (mean, shared[1]);
    }
}
