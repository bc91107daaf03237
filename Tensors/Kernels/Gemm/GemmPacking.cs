// Packing for the GotoBLAS/BLIS GEMM: copies a block of A into MR-row slivers and a panel of B into
// NR-column slivers, laid out in the order the micro-kernel reads them (one contiguous stream each).
// Packing reads through the operands' strides, so transposed (swapped strides) and broadcast (zero
// stride) operands cost no extra copy; partial slivers are padded with zeros so every tile is full.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Tensors;

internal static unsafe class GemmPacking
{
    /// <summary>Packs the rows x depth block at src (element (i, p) at src[i*rowStride + p*colStride]) as
    /// slivers of sliverRows rows: sliver s holds, for each p, rows s*sliverRows.. in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA<T>(T* src, nint rowStride, nint colStride, int rows, int depth, int sliverRows, T* dst)
        where T : unmanaged
    {
        for (int i0 = 0; i0 < rows; i0 += sliverRows)
        {
            int live = Math.Min(sliverRows, rows - i0);
            T* block = src + i0 * rowStride;
            if (colStride == 1 && live == GemmPackingAvx.SliverRows && sliverRows == GemmPackingAvx.SliverRows && Avx.IsSupported
                && (typeof(T) == typeof(float) || typeof(T) == typeof(double)))
            {
                if (typeof(T) == typeof(float)) GemmPackingAvx.SixRows((float*)block, rowStride, depth, (float*)dst);
                else GemmPackingAvx.SixRows((double*)block, rowStride, depth, (double*)dst);
            }
            else
            {
                // Reading the sliver's rows side by side keeps several memory streams in flight.
                for (int p = 0; p < depth; p++)
                {
                    T* column = block + p * colStride;
                    T* to = dst + p * sliverRows;
                    for (int r = 0; r < live; r++) to[r] = column[r * rowStride];
                }
            }
            if (live < sliverRows)
                for (int p = 0; p < depth; p++)
                    new Span<T>(dst + p * sliverRows + live, sliverRows - live).Clear();
            dst += sliverRows * depth;
        }
    }

    /// <summary>Packs the depth x cols panel at src (element (p, j) at src[p*rowStride + j*colStride]) as
    /// slivers of sliverCols columns: sliver s holds, for each p, columns s*sliverCols.. in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB<T>(T* src, nint rowStride, nint colStride, int depth, int cols, int sliverCols, T* dst)
        where T : unmanaged
    {
        if (colStride == 1)
        {
            // Row-major B: read each row once, front to back, dealing its runs out to the slivers.
            for (int p = 0; p < depth; p++)
            {
                T* row = src + p * rowStride;
                T* to = dst + p * sliverCols;
                for (int j0 = 0; j0 < cols; j0 += sliverCols, to += (nint)sliverCols * depth)
                    CopyRun((byte*)(row + j0), (byte*)to, Math.Min(sliverCols, cols - j0) * sizeof(T));
            }
            int tail = cols % sliverCols;
            if (tail != 0)
            {
                T* last = dst + (nint)(cols / sliverCols) * sliverCols * depth;
                for (int p = 0; p < depth; p++) new Span<T>(last + p * sliverCols + tail, sliverCols - tail).Clear();
            }
            return;
        }
        for (int j0 = 0; j0 < cols; j0 += sliverCols)
        {
            int live = Math.Min(sliverCols, cols - j0);
            T* panel = src + j0 * colStride;
            if (rowStride == 1)
            {
                // Column-major B (a transposed operand): read each column contiguously.
                for (int j = 0; j < live; j++)
                {
                    T* column = panel + j * colStride;
                    T* to = dst + j;
                    for (int p = 0; p < depth; p++) to[p * sliverCols] = column[p];
                }
            }
            else
            {
                for (int p = 0; p < depth; p++)
                {
                    T* row = panel + p * rowStride;
                    T* to = dst + p * sliverCols;
                    for (int j = 0; j < live; j++) to[j] = row[j * colStride];
                }
            }
            if (live < sliverCols)
                for (int p = 0; p < depth; p++)
                    new Span<T>(dst + p * sliverCols + live, sliverCols - live).Clear();
            dst += sliverCols * depth;
        }
    }

    /// <summary>Copies a short run (one sliver row, at most 128 bytes) with vector moves; a general memmove call
    /// per run costs more than the copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRun(byte* from, byte* to, int bytes)
    {
        int i = 0;
        for (; i + 32 <= bytes; i += 32) Vector256.Store(Vector256.Load(from + i), to + i);
        for (; i < bytes; i++) to[i] = from[i];
    }
}
