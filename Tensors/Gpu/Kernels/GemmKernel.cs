// Batched GEMM C = A·B, tiled in shared memory with register blocking. A group of 256 threads (16×16)
// computes a 128×128 tile of C; per step it stages a 128×8 slice of A and an 8×128 slice of B in shared
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

    /// <summary>Writes the row to C[row, col0 + 16·j] for the columns inside the matrix.</summary>
    public readonly void Store(ArrayView<T> c, int rowStart, int col0, int n)
    {
        if (col0 < n) c[rowStart + col0] = C0;
        if (col0 + 16 < n) c[rowStart + col0 + 16] = C1;
        if (col0 + 32 < n) c[rowStart + col0 + 32] = C2;
        if (col0 + 48 < n) c[rowStart + col0 + 48] = C3;
        if (col0 + 64 < n) c[rowStart + col0 + 64] = C4;
        if (col0 + 80 < n) c[rowStart + col0 + 80] = C5;
        if (col0 + 96 < n) c[rowStart + col0 + 96] = C6;
        if (col0 + 112 < n) c[rowStart + col0 + 112] = C7;
    }
}

public static class GemmKernel
{
    public const int Tile = 128;
    public const int Depth = 8;
    public const int Threads = 256;
    private const int Side = 16;

    /// <summary>Grid (ceil(N/128), ceil(M/128), batches), groups of 256 threads. C is dense [batch, M, N].</summary>
    public static void Gemm<T, M>(ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, GemmShape s, Strided aBatch, Strided bBatch)
        where T : unmanaged where M : struct, INum<T>
    {
        var aTile = SharedMemory.Allocate<T>(Tile * Depth);
        var bTile = SharedMemory.Allocate<T>(Tile * Depth);
        int tid = Group.IdxX, tx = tid % Side, ty = tid / Side;
        int col0 = Grid.IdxX * Tile, row0 = Grid.IdxY * Tile, batch = Grid.IdxZ;
        int aStart = aBatch.At(batch), bStart = bBatch.At(batch);
        bool aAlongK = s.AColStride == 1, bAlongN = s.BColStride == 1;
        var zero = default(M).Zero;
        Row8<T, M> r0 = default, r1 = default, r2 = default, r3 = default, r4 = default, r5 = default, r6 = default, r7 = default;
        for (int k0 = 0; k0 < s.K; k0 += Depth)
        {
            for (int e = tid; e < Tile * Depth; e += Threads)
            {
                int row = aAlongK ? e / Depth : e % Tile, kk = aAlongK ? e % Depth : e / Tile;
                int gr = row0 + row, gk = k0 + kk;
                aTile[kk * Tile + row] = gr < s.M && gk < s.K ? a[aStart + gr * s.ARowStride + gk * s.AColStride] : zero;
                int col = bAlongN ? e % Tile : e / Depth, kb = bAlongN ? e / Tile : e % Depth;
                int gc = col0 + col, gkb = k0 + kb;
                bTile[kb * Tile + col] = gc < s.N && gkb < s.K ? b[bStart + gkb * s.BRowStride + gc * s.BColStride] : zero;
            }
            Group.Barrier();
            for (int kk = 0; kk < Depth; kk++)
            {
                var bRow = Row8<T, M>.Load(bTile, kk * Tile + tx, Side);
                int at = kk * Tile + ty;
                r0.MultiplyAdd(aTile[at], bRow);
                r1.MultiplyAdd(aTile[at + Side], bRow);
                r2.MultiplyAdd(aTile[at + 2 * Side], bRow);
                r3.MultiplyAdd(aTile[at + 3 * Side], bRow);
                r4.MultiplyAdd(aTile[at + 4 * Side], bRow);
                r5.MultiplyAdd(aTile[at + 5 * Side], bRow);
                r6.MultiplyAdd(aTile[at + 6 * Side], bRow);
                r7.MultiplyAdd(aTile[at + 7 * Side], bRow);
            }
            Group.Barrier();
        }
        int cStart = batch * s.M * s.N, outCol = col0 + tx;
        StoreRow(c, r0, cStart, row0 + ty, outCol, s);
        StoreRow(c, r1, cStart, row0 + ty + Side, outCol, s);
        StoreRow(c, r2, cStart, row0 + ty + 2 * Side, outCol, s);
        StoreRow(c, r3, cStart, row0 + ty + 3 * Side, outCol, s);
        StoreRow(c, r4, cStart, row0 + ty + 4 * Side, outCol, s);
        StoreRow(c, r5, cStart, row0 + ty + 5 * Side, outCol, s);
        StoreRow(c, r6, cStart, row0 + ty + 6 * Side, outCol, s);
        StoreRow(c, r7, cStart, row0 + ty + 7 * Side, outCol, s);
    }

    private static void StoreRow<T, M>(ArrayView<T> c, in Row8<T, M> r, int cStart, int row, int col, GemmShape s)
        where T : unmanaged where M : struct, INum<T>
    {
        if (row < s.M) r.Store(c, cStart + row * s.N, col, s.N);
    }
}
