// Batched GEMM C = A·B, tiled in shared memory with register blocking. A group of side×side threads
// (16×16 on a GPU; 8×8 where groups are smaller, as on the CPU test accelerator) computes an
// (8·side)×(8·side) tile of C; per step it stages a tile×8 slice of A and an 8×tile slice of B in shared
// memory, and each thread accumulates an 8×8 block of C in registers (eight Row8 values), so every value
// read from shared memory feeds eight multiply-adds. Operands are read through their row and column
// strides, so transposed operands (NN, NT, TN, TT) are never copied; the staging loop picks the
// coalesced order from which stride is 1. Batch offsets come from strided batch layouts (broadcast
// batches have stride 0). Products are written a*b + c (no MathF.FusedMultiplyAdd: an ILGPU pitfall).
using ILGPU;

namespace Engine.Tensors.Gpu.Kernels;

public struct GemmShape
{
    public int M, N, K;
    public int ARowStride, AColStride, BRowStride, BColStride;
    /// <summary>Threads per side of the group (16 or 8); the tile is 8·Side square.</summary>
    public int Side;
}

/// <summary>Eight accumulators (one row of a thread's 8×8 block), kept in registers.</summary>
public struct Row8<T, M> where T : unmanaged where M : struct, INum<T>
{
    public T C0, C1, C2, C3, C4, C5, C6, C7;

    public static Row8<T, M> Load(ArrayView<T> tile, int start, int step) => new()
    {
        C0 = tile[start], C1 = tile[start + step], C2 = tile[start + 2 * step], C3 = tile[start + 3 * step],
        C4 = tile[start + 4 * step], C5 = tile[start + 5 * step], C6 = tile[start + 6 * step], C7 = tile[start + 7 * step],
    };

    /// <summary>this += a · b, element by element.</summary>
    public void MultiplyAdd(T a, in Row8<T, M> b)
    {
        var m = default(M);
        C0 = m.Add(m.Mul(a, b.C0), C0);
        C1 = m.Add(m.Mul(a, b.C1), C1);
        C2 = m.Add(m.Mul(a, b.C2), C2);
        C3 = m.Add(m.Mul(a, b.C3), C3);
        C4 = m.Add(m.Mul(a, b.C4), C4);
        C5 = m.Add(m.Mul(a, b.C5), C5);
        C6 = m.Add(m.Mul(a, b.C6), C6);
        C7 = m.Add(m.Mul(a, b.C7), C7);
    }

    /// <summary>Writes the row to C[row, col0 + step·j] for the columns inside the matrix.</summary>
    public readonly void Store(ArrayView<T> c, int rowStart, int col0, int step, int n)
    {
        if (col0 < n) c[rowStart + col0] = C0;
        if (col0 + step < n) c[rowStart + col0 + step] = C1;
        if (col0 + 2 * step < n) c[rowStart + col0 + 2 * step] = C2;
        if (col0 + 3 * step < n) c[rowStart + col0 + 3 * step] = C3;
        if (col0 + 4 * step < n) c[rowStart + col0 + 4 * step] = C4;
        if (col0 + 5 * step < n) c[rowStart + col0 + 5 * step] = C5;
        if (col0 + 6 * step < n) c[rowStart + col0 + 6 * step] = C6;
        if (col0 + 7 * step < n) c[rowStart + col0 + 7 * step] = C7;
    }
}

public static class GemmKernel
{
    public const int MaxTile = 128;
    public const int Depth = 8;
    public const int PerThread = 8;

    /// <summary>Grid (ceil(N/tile), ceil(M/tile), batches) with tile = 8·side, groups of side² threads
    /// (side 16 or 8). C is dense [batch, M, N].</summary>
    public static void Gemm<T, M>(ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, GemmShape s, Strided aBatch, Strided bBatch)
        where T : unmanaged where M : struct, INum<T>
    {
        var aTile = SharedMemory.Allocate<T>(MaxTile * Depth);
        var bTile = SharedMemory.Allocate<T>(MaxTile * Depth);
        int side = s.Side, tile = PerThread * side, threads = side * side;
        int tid = Group.IdxX, tx = tid % side, ty = tid / side;
        int col0 = Grid.IdxX * tile, row0 = Grid.IdxY * tile, batch = Grid.IdxZ;
        int aStart = aBatch.At(batch), bStart = bBatch.At(batch);
        bool aAlongK = s.AColStride == 1, bAlongN = s.BColStride == 1;
        var zero = default(M).Zero;
        Row8<T, M> r0 = default, r1 = default, r2 = default, r3 = default, r4 = default, r5 = default, r6 = default, r7 = default;
        for (int k0 = 0; k0 < s.K; k0 += Depth)
        {
            for (int e = tid; e < tile * Depth; e += threads)
            {
                int row = aAlongK ? e / Depth : e % tile, kk = aAlongK ? e % Depth : e / tile;
                int gr = row0 + row, gk = k0 + kk;
                aTile[kk * tile + row] = gr < s.M && gk < s.K ? a[aStart + gr * s.ARowStride + gk * s.AColStride] : zero;
                int col = bAlongN ? e % tile : e / Depth, kb = bAlongN ? e / tile : e % Depth;
                int gc = col0 + col, gkb = k0 + kb;
                bTile[kb * tile + col] = gc < s.N && gkb < s.K ? b[bStart + gkb * s.BRowStride + gc * s.BColStride] : zero;
            }
            Group.Barrier();
            for (int kk = 0; kk < Depth; kk++)
            {
                var bRow = Row8<T, M>.Load(bTile, kk * tile + tx, side);
                int at = kk * tile + ty;
                r0.MultiplyAdd(aTile[at], bRow);
                r1.MultiplyAdd(aTile[at + side], bRow);
                r2.MultiplyAdd(aTile[at + 2 * side], bRow);
                r3.MultiplyAdd(aTile[at + 3 * side], bRow);
                r4.MultiplyAdd(aTile[at + 4 * side], bRow);
                r5.MultiplyAdd(aTile[at + 5 * side], bRow);
                r6.MultiplyAdd(aTile[at + 6 * side], bRow);
                r7.MultiplyAdd(aTile[at + 7 * side], bRow);
            }
            Group.Barrier();
        }
        int cStart = batch * s.M * s.N, outCol = col0 + tx;
        StoreRow(c, r0, cStart, row0 + ty, outCol, s);
        StoreRow(c, r1, cStart, row0 + ty + side, outCol, s);
        StoreRow(c, r2, cStart, row0 + ty + 2 * side, outCol, s);
        StoreRow(c, r3, cStart, row0 + ty + 3 * side, outCol, s);
        StoreRow(c, r4, cStart, row0 + ty + 4 * side, outCol, s);
        StoreRow(c, r5, cStart, row0 + ty + 5 * side, outCol, s);
        StoreRow(c, r6, cStart, row0 + ty + 6 * side, outCol, s);
        StoreRow(c, r7, cStart, row0 + ty + 7 * side, outCol, s);
    }

    private static void StoreRow<T, M>(ArrayView<T> c, in Row8<T, M> r, int cStart, int row, int col, GemmShape s)
        where T : unmanaged where M : struct, INum<T>
    {
        if (row < s.M) r.Store(c, cStart + row * s.N, col, s.Side, s.N);
    }
}
