// GEMM entry point: C = A * B for strided matrix views over flat arrays. A and B may have any row and
// column strides (so A^T and B^T are read in place, never materialised, and zero strides broadcast); C is
// overwritten. float and double run the packed, cache-blocked, multithreaded GotoBLAS/BLIS GEMM
// (GemmDriver.cs); tiny problems and other element types take a direct loop.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Engine.Tensors;

/// <summary>A matrix inside a flat array: element (i, j) is at Offset + i * RowStride + j * ColStride.</summary>
public readonly record struct MatrixView(int Offset, int RowStride, int ColStride)
{
    public int At(int i, int j) => Offset + i * RowStride + j * ColStride;
}

public static class Gemm
{
    /// <summary>At or below this many multiply-adds, packing costs more than it saves.</summary>
    private const long DirectLoopMaxWork = 4096;

    /// <summary>C[m, n] = A[m, k] * B[k, n]. C must not overlap A or B.</summary>
    public static void Multiply<T>(int m, int n, int k, T[] a, MatrixView A, T[] b, MatrixView B, T[] c, MatrixView C)
        where T : unmanaged, INumber<T> =>
        Multiply(m, n, k, a, A, b, B, c, C, GemmIsa.Auto);

    /// <summary>C[m, n] = A[m, k] * B[k, n] with the micro-kernels of the given instruction set (which must
    /// be supported; see <see cref="IsSupported"/>). C must not overlap A or B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply<T>(int m, int n, int k, T[] a, MatrixView A, T[] b, MatrixView B, T[] c, MatrixView C, GemmIsa isa)
        where T : unmanaged, INumber<T>
    {
        if (m < 0 || n < 0 || k < 0) throw EngineException.ForOp("gemm", $"sizes must be non-negative, got m={m}, n={n}, k={k}");
        if (!IsSupported(isa)) throw EngineException.ForOp("gemm", $"instruction set {isa} is not supported by this CPU");
        CheckBounds("C", c.Length, C, m, n);
        if (m == 0 || n == 0) return;
        CheckBounds("A", a.Length, A, m, k);
        CheckBounds("B", b.Length, B, k, n);
        if (k == 0 || (long)m * n * k <= DirectLoopMaxWork)
        {
            DirectLoop(m, n, k, a, A, b, B, c, C);
            return;
        }
        if (typeof(T) == typeof(float))
            GemmDriver.Run(GemmKernels.ForFloat(isa), m, n, k, (float[])(object)a, A, (float[])(object)b, B, (float[])(object)c, C);
        else if (typeof(T) == typeof(double))
            GemmDriver.Run(GemmKernels.ForDouble(isa), m, n, k, (double[])(object)a, A, (double[])(object)b, B, (double[])(object)c, C);
        else
            DirectLoop(m, n, k, a, A, b, B, c, C);
    }

    /// <summary>Whether this CPU can run the micro-kernels of an instruction set (Avx512 always can: without
    /// AVX-512 hardware its Vector512 code is emulated, correctly but slowly).</summary>
    public static bool IsSupported(GemmIsa isa) => GemmKernels.IsSupported(isa);

    /// <summary>The instruction set <see cref="GemmIsa.Auto"/> picks on this CPU.</summary>
    public static GemmIsa BestIsa => GemmKernels.Best;

    /// <summary>Each C element is one dot product summed in increasing k.</summary>
    private static void DirectLoop<T>(int m, int n, int k, T[] a, MatrixView A, T[] b, MatrixView B, T[] c, MatrixView C)
        where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                int ai = A.At(i, 0), bj = B.At(0, j);
                for (int p = 0; p < k; p++, ai += A.ColStride, bj += B.RowStride) sum += a[ai] * b[bj];
                c[C.At(i, j)] = sum;
            }
    }

    /// <summary>The packed kernels address memory by pointer, so every index a view can reach is checked first.</summary>
    private static void CheckBounds(string name, int length, MatrixView view, int rows, int cols)
    {
        if (rows == 0 || cols == 0) return;
        long lastRow = (long)(rows - 1) * view.RowStride, lastCol = (long)(cols - 1) * view.ColStride;
        long low = view.Offset + Math.Min(0, lastRow) + Math.Min(0, lastCol);
        long high = view.Offset + Math.Max(0, lastRow) + Math.Max(0, lastCol);
        if (low < 0 || high >= length)
            throw EngineException.ForOp("gemm", $"{name} view {view} over {rows}x{cols} reaches [{low}, {high}], outside its array of {length}");
    }
}
