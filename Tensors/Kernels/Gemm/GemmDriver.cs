// The loops around the micro-kernel of the GotoBLAS/BLIS GEMM (Goto & van de Geijn 2008, "Anatomy of
// High-Performance Matrix Multiplication"; threading after Smith et al. 2014, "Anatomy of High-Performance
// Many-Threaded Matrix Multiplication"): jc over NC-column panels; for each panel, B is packed into KC-deep
// slices that all threads share (GemmSharedPanel), and C is cut into blocks that threads claim one at a
// time. For each (block, slice) a thread packs the block's A for the slice, then runs the micro-kernel over
// every NR x MR tile; blocks go through all their slices at once (block-major) or the slices are taken one
// at a time across all blocks (slice-major), whichever passes over less memory (see Run).
//
// Every C element sums its k products in the same order whoever computes it (each KC slice summed from zero
// in a register, then added to C, slices in increasing k), so results are bit-identical for any thread count.
// Claiming blocks one at a time, rather than giving each thread a fixed rectangle, keeps both cores busy when
// one of them is slowed by other work on the machine.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Engine.Tensors;

internal static unsafe class GemmDriver
{
    /// <summary>Below this many multiply-adds per thread, another thread costs more than it saves.</summary>
    private const long MinWorkPerThread = 1L << 20;

    /// <summary>Row blocks wanted per thread, so that claiming them one at a time can balance the load.</summary>
    private const int BlocksPerThread = 4;

    /// <summary>Every row block streams the whole packed B panel once per slice, so blocks are cut no thinner
    /// than this for balance (48 rows: 24 flops per byte of B read, well within cache bandwidth).</summary>
    private const int MinBalancedBlockRows = 48;

    /// <summary>Column slivers per part when C has too few rows to give every thread several blocks.</summary>
    private const int MinSliversPerColumnPart = 4;

    internal const int BufferAlignment = 64;

    // One packing workspace per thread (its A block and an edge tile), grown to the largest problem seen and
    // then reused, so a steady stream of GEMMs allocates nothing. Pinned, so it can be addressed by pointer.
    [ThreadStatic] private static byte[]? t_workspace;

    public static void Run<T>(GemmKernel<T> kernel, int m, int n, int k, T[] a, MatrixView A, T[] b, MatrixView B,
        T[] c, MatrixView C) where T : unmanaged, INumber<T>
    {
        long work = (long)m * n * k;
        int threads = (int)Math.Clamp(work / MinWorkPerThread, 1, Parallelism.MaxThreads);
        int blockRows = BlockRows(kernel, m, threads);
        int rowBlocks = (m + blockRows - 1) / blockRows;
        // k is cut into equal slices of at most KC (as OpenBLAS does), not KC-deep ones and a thin remainder,
        // whose short micro-kernel calls would spend proportionally more on loading and storing C.
        int slices = (k + kernel.KC - 1) / kernel.KC;
        int depth = (k + slices - 1) / slices;
        slices = (k + depth - 1) / depth;

        for (int jc = 0; jc < n; jc += kernel.NC)
        {
            int nc = Math.Min(kernel.NC, n - jc);
            int partCols = PartColumns(kernel, nc, rowBlocks, threads);
            int colParts = (nc + partCols - 1) / partCols;
            int blocks = rowBlocks * colParts;
            var panel = GemmSharedPanel<T>.ForCallingThread(kernel, nc, slices, depth);
            for (int firstSlice = 0; firstSlice < slices; firstSlice += panel.SlicesPerGroup)
            {
                int sliceCount = Math.Min(panel.SlicesPerGroup, slices - firstSlice);
                panel.Begin(b, B, jc, firstSlice, sliceCount, k, blocks);
                // Slice-major order keeps one slice of packed B in cache and passes over C once per slice;
                // block-major order keeps one block of C in cache and passes over the group's packed B once per
                // block. Pass over whichever is smaller: C (m x nc) or the group's B (its depth x nc).
                bool sliceMajor = m <= Math.Min(k - firstSlice * depth, sliceCount * depth);
                int units = sliceMajor ? blocks * sliceCount : blocks;
                var job = new Job<T>(kernel, m, k, jc, nc, blockRows, partCols, colParts, blocks, sliceMajor, a, A, c, C, panel);
                if (threads == 1 || units == 1)
                    for (int unit = 0; unit < units; unit++) job.RunUnit(unit);
                else
                    RunShared(job, units, Math.Min(threads, units), work);
            }
        }
    }

    /// <summary>Runs the units on `workers` threads, each claiming the next unclaimed unit until none is left.
    /// (Kept out of Run so that the closure is only allocated when threads are used.)</summary>
    private static void RunShared<T>(Job<T> job, int units, int workers, long work) where T : unmanaged, INumber<T>
    {
        int nextUnit = 0;
        Parallelism.For(workers, work / workers, _ =>
        {
            for (int unit = Interlocked.Increment(ref nextUnit) - 1; unit < units; unit = Interlocked.Increment(ref nextUnit) - 1)
                job.RunUnit(unit);
        });
    }

    /// <summary>Equal blocks of at most MC rows (whole micro-tiles); with several threads, thinner blocks (at
    /// least MinBalancedBlockRows) when MC-row blocks would leave the threads fewer than BlocksPerThread each.</summary>
    private static int BlockRows<T>(GemmKernel<T> kernel, int m, int threads) where T : unmanaged
    {
        if (threads == 1)
        {
            int blocks = (m + kernel.MC - 1) / kernel.MC;
            return RoundUp((m + blocks - 1) / blocks, kernel.Rows);
        }
        int balanced = RoundUp((m + threads * BlocksPerThread - 1) / (threads * BlocksPerThread), kernel.Rows);
        return Math.Min(kernel.MC, Math.Max(balanced, RoundUp(MinBalancedBlockRows, kernel.Rows)));
    }

    /// <summary>The whole panel width, or narrower parts (whole slivers, at least MinSliversPerColumnPart)
    /// when the row blocks alone are too few to keep the threads busy.</summary>
    private static int PartColumns<T>(GemmKernel<T> kernel, int nc, int rowBlocks, int threads) where T : unmanaged
    {
        if (threads == 1 || rowBlocks >= threads * BlocksPerThread) return nc;
        int slivers = (nc + kernel.Cols - 1) / kernel.Cols;
        int partsWanted = (threads * BlocksPerThread + rowBlocks - 1) / rowBlocks;
        int sliversPerPart = Math.Max(MinSliversPerColumnPart, (slivers + partsWanted - 1) / partsWanted);
        return Math.Min(nc, sliversPerPart * kernel.Cols);
    }

    /// <summary>One group of KC slices of one column panel. C is cut into blocks (a row block of a column
    /// part); a unit of work is one block through every slice of the group (block-major) or one block through
    /// one slice (slice-major, units ordered slice by slice).</summary>
    private readonly struct Job<T>(GemmKernel<T> kernel, int m, int k, int jc, int nc, int blockRows, int partCols, int colParts,
        int blocks, bool sliceMajor, T[] a, MatrixView A, T[] c, MatrixView C, GemmSharedPanel<T> panel) where T : unmanaged, INumber<T>
    {
        public void RunUnit(int unit)
        {
            if (sliceMajor)
                RunSlice(unit % blocks, unit / blocks);
            else
                for (int slice = 0; slice < panel.SliceCount; slice++) RunSlice(unit, slice);
        }

        /// <summary>C[block] += A[block rows, slice's k] * B[slice's k, block cols]. In slice-major order the same
        /// block's previous slice may still be running on another thread (it was claimed earlier, so it is being
        /// computed, never waiting on this one): wait for it, so each C element adds its slices in order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunSlice(int block, int slice)
        {
            int row0 = block / colParts * blockRows, rows = Math.Min(blockRows, m - row0);
            int col0 = block % colParts * partCols, cols = Math.Min(partCols, nc - col0);
            long packAElements = (long)RoundUp(rows, kernel.Rows) * panel.Depth;
            T* packA = Workspace<T>((packAElements + kernel.Rows * kernel.Cols) * sizeof(T) + 2 * BufferAlignment);
            T* tile = Align(packA + packAElements);
            int kStart = (panel.FirstSlice + slice) * panel.Depth, kc = Math.Min(panel.Depth, k - kStart);
            T* bSlivers = panel.Packed(slice, col0, cols);
            if (sliceMajor && slice > 0) panel.WaitDone(block, slice - 1);
            fixed (T* pa = a, pc = c)
            {
                T* cBlock = pc + C.Offset + (nint)row0 * C.RowStride + (nint)(jc + col0) * C.ColStride;
                T* aBlock = pa + A.Offset + (nint)row0 * A.RowStride + (nint)kStart * A.ColStride;
                GemmPacking.PackA(aBlock, A.RowStride, A.ColStride, rows, kc, kernel.Rows, packA);
                MacroKernel(kernel, rows, cols, kc, packA, bSlivers, cBlock, C.RowStride, C.ColStride, kStart > 0, tile);
            }
            if (sliceMajor) panel.MarkDone(block, slice);
        }
    }

    /// <summary>Runs the micro-kernel over every tile of an mc x nc block from packed A and B. Full tiles of
    /// a unit-column-stride C are written in place; edge tiles and other layouts go through a small
    /// temporary tile, so no kernel ever needs masked loads or stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel<T>(GemmKernel<T> kernel, int mc, int nc, int kc, T* packA, T* packB,
        T* c, nint rowStride, nint colStride, bool accumulate, T* tile) where T : unmanaged, INumber<T>
    {
        int tileRows = kernel.Rows, tileCols = kernel.Cols;
        for (int jr = 0; jr < nc; jr += tileCols)
        {
            int cols = Math.Min(tileCols, nc - jr);
            T* bSliver = packB + (nint)jr * kc;
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

    internal static T* Align<T>(T* pointer) where T : unmanaged =>
        (T*)(((nint)pointer + BufferAlignment - 1) & ~(nint)(BufferAlignment - 1));

    internal static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
