// The loops around the micro-kernel of the GotoBLAS/BLIS GEMM (Goto & van de Geijn 2008, "Anatomy of
// High-Performance Matrix Multiplication"): jc over NC-column panels, pc over KC-deep slices (pack B),
// ic over MC-row blocks (pack A), then jr/ir over NR x MR tiles. Threads take independent rectangles of C;
// every C element sums its k products in the same order (KC slices in increasing k, each summed from zero
// in a register and then added to C), so results are bit-identical for any thread count.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Engine.Tensors;

internal static unsafe class GemmDriver
{
    /// <summary>Below this many multiply-adds per thread, another thread costs more than it saves.</summary>
    private const long MinWorkPerThread = 1L << 20;

    private const int BufferAlignment = 64;

    // One packing workspace per thread, grown to the largest problem seen and then reused, so a steady
    // stream of GEMMs allocates nothing. Pinned, so the packed blocks can be addressed by pointer.
    [ThreadStatic] private static byte[]? t_workspace;

    public static void Run<T>(GemmKernel<T> kernel, int m, int n, int k, T[] a, MatrixView A, T[] b, MatrixView B,
        T[] c, MatrixView C) where T : unmanaged, INumber<T>
    {
        int tilesM = (m + kernel.Rows - 1) / kernel.Rows, tilesN = (n + kernel.Cols - 1) / kernel.Cols;
        long work = (long)m * n * k;
        int threads = (int)Math.Clamp(work / MinWorkPerThread, 1, Parallelism.MaxThreads);
        var (rowParts, colParts) = Grid(threads, m, n, tilesM, tilesN);
        if (rowParts * colParts == 1)
        {
            RunPart(kernel, 0, m, 0, n, k, a, A, b, B, c, C);
            return;
        }
        Parallelism.For(rowParts * colParts, work / (rowParts * colParts), part =>
        {
            int pi = part / colParts, pj = part % colParts;
            int row0 = (int)((long)tilesM * pi / rowParts) * kernel.Rows;
            int row1 = Math.Min(m, (int)((long)tilesM * (pi + 1) / rowParts) * kernel.Rows);
            int col0 = (int)((long)tilesN * pj / colParts) * kernel.Cols;
            int col1 = Math.Min(n, (int)((long)tilesN * (pj + 1) / colParts) * kernel.Cols);
            RunPart(kernel, row0, row1 - row0, col0, col1 - col0, k, a, A, b, B, c, C);
        });
    }

    /// <summary>Splits C into rowParts x colParts rectangles (rowParts * colParts = threads, or fewer when C
    /// has too few tiles), choosing the split whose rectangles are closest to square, which keeps the
    /// re-packing of the shared operand smallest.</summary>
    private static (int RowParts, int ColParts) Grid(int threads, int m, int n, int tilesM, int tilesN)
    {
        for (int parts = threads; parts > 1; parts--)
        {
            int bestRows = 0;
            double bestScore = double.MaxValue;
            for (int rowParts = 1; rowParts <= parts; rowParts++)
            {
                if (parts % rowParts != 0 || rowParts > tilesM || parts / rowParts > tilesN) continue;
                double score = Math.Abs(Math.Log((double)m / rowParts) - Math.Log((double)n / (parts / rowParts)));
                if (score < bestScore)
                {
                    bestScore = score;
                    bestRows = rowParts;
                }
            }
            if (bestRows > 0) return (bestRows, parts / bestRows);
        }
        return (1, 1);
    }

    /// <summary>C[rows from row0, cols from col0] = A[those rows, :] * B[:, those cols], on this thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPart<T>(GemmKernel<T> kernel, int row0, int rows, int col0, int cols, int k,
        T[] a, MatrixView A, T[] b, MatrixView B, T[] c, MatrixView C) where T : unmanaged, INumber<T>
    {
        int depth = Math.Min(kernel.KC, k);
        int blockRows = RoundUp(Math.Min(kernel.MC, rows), kernel.Rows);
        int panelCols = RoundUp(Math.Min(kernel.NC, cols), kernel.Cols);
        long packAElements = (long)blockRows * depth, packBElements = (long)panelCols * depth;
        long tileElements = kernel.Rows * kernel.Cols;
        T* workspace = Workspace<T>((packAElements + packBElements + tileElements) * sizeof(T) + 3 * BufferAlignment);
        T* packA = workspace;
        T* packB = Align(packA + packAElements);
        T* tile = Align(packB + packBElements);

        fixed (T* pa = a, pb = b, pc = c)
        {
            for (int jc = 0; jc < cols; jc += kernel.NC)
            {
                int nc = Math.Min(kernel.NC, cols - jc);
                for (int kStart = 0; kStart < k; kStart += kernel.KC)
                {
                    int kc = Math.Min(kernel.KC, k - kStart);
                    T* bPanel = pb + B.Offset + (nint)kStart * B.RowStride + (nint)(col0 + jc) * B.ColStride;
                    // A row-major B panel is packed whole, row by row, which streams it front to back; packing
                    // it sliver by sliver would walk down columns at the row stride (often a multiple of 4 KiB),
                    // defeating the prefetcher and thrashing L1 sets. Other layouts are packed sliver by sliver
                    // during the first row block, so the packing overlaps the arithmetic.
                    bool packBUpFront = B.ColStride == 1;
                    if (packBUpFront) GemmPacking.PackB(bPanel, B.RowStride, B.ColStride, kc, nc, kernel.Cols, packB);
                    for (int ic = 0; ic < rows; ic += kernel.MC)
                    {
                        int mc = Math.Min(kernel.MC, rows - ic);
                        T* aBlock = pa + A.Offset + (nint)(row0 + ic) * A.RowStride + (nint)kStart * A.ColStride;
                        GemmPacking.PackA(aBlock, A.RowStride, A.ColStride, mc, kc, kernel.Rows, packA);
                        T* cBlock = pc + C.Offset + (nint)(row0 + ic) * C.RowStride + (nint)(col0 + jc) * C.ColStride;
                        var unpackedB = new StridedPanel<T>(ic == 0 && !packBUpFront ? bPanel : null, B.RowStride, B.ColStride);
                        MacroKernel(kernel, mc, nc, kc, packA, packB, unpackedB, cBlock, C.RowStride, C.ColStride, kStart > 0, tile);
                    }
                }
            }
        }
    }

    /// <summary>Runs the micro-kernel over every tile of an mc x nc block from packed A and B. Full tiles of
    /// a unit-column-stride C are written in place; edge tiles and other layouts go through a small
    /// temporary tile, so no kernel ever needs masked loads or stores. When unpackedB has data, each B
    /// sliver is first packed from it, just before its first use.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel<T>(GemmKernel<T> kernel, int mc, int nc, int kc, T* packA, T* packB, StridedPanel<T> unpackedB,
        T* c, nint rowStride, nint colStride, bool accumulate, T* tile) where T : unmanaged, INumber<T>
    {
        int tileRows = kernel.Rows, tileCols = kernel.Cols;
        for (int jr = 0; jr < nc; jr += tileCols)
        {
            int cols = Math.Min(tileCols, nc - jr);
            T* bSliver = packB + (nint)jr * kc;
            if (unpackedB.Data != null)
                GemmPacking.PackB(unpackedB.Data + jr * unpackedB.ColStride, unpackedB.RowStride, unpackedB.ColStride, kc, cols, tileCols, bSliver);
            for (int ir = 0; ir < mc; ir += tileRows)
            {
                int rows = Math.Min(tileRows, mc - ir);
                T* aSliver = packA + (nint)ir * kc;
                T* cTile = c + ir * rowStride + jr * colStride;
                if (rows == tileRows && cols == tileCols && colStride == 1)
                {
                    kernel.Compute(kc, aSliver, bSliver, cTile, rowStride, accumulate);
                    continue;
                }
                kernel.Compute(kc, aSliver, bSliver, tile, tileCols, false);
                for (int i = 0; i < rows; i++)
                {
                    T* from = tile + i * tileCols;
                    T* to = cTile + i * rowStride;
                    for (int j = 0; j < cols; j++)
                        to[j * colStride] = accumulate ? to[j * colStride] + from[j] : from[j];
                }
            }
        }
    }

    private static T* Workspace<T>(long bytes) where T : unmanaged
    {
        var buffer = t_workspace;
        if (buffer is null || buffer.Length < bytes)
        {
            buffer = GC.AllocateUninitializedArray<byte>((int)Math.Min(int.MaxValue, Math.Max(bytes, (buffer?.Length ?? 0) * 3L / 2)), pinned: true);
            t_workspace = buffer;
        }
        return Align((T*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer)));
    }

    private static T* Align<T>(T* pointer) where T : unmanaged =>
        (T*)(((nint)pointer + BufferAlignment - 1) & ~(nint)(BufferAlignment - 1));

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}

/// <summary>A strided matrix by pointer (null Data: nothing to read).</summary>
internal readonly unsafe struct StridedPanel<T>(T* data, nint rowStride, nint colStride) where T : unmanaged
{
    public readonly T* Data = data;
    public readonly nint RowStride = rowStride, ColStride = colStride;
}
