// GEMM entry point: C = A * B for strided matrix views over flat arrays. A and B may have any row and
// column strides (so A^T and B^T are read in place, never materialised); C is overwritten.
using System.Numerics;
using System.Numerics.Tensors;

namespace Engine.Tensors;

/// <summary>A matrix inside a flat array: element (i, j) is at Offset + i * RowStride + j * ColStride.</summary>
public readonly record struct MatrixView(int Offset, int RowStride, int ColStride)
{
    public int At(int i, int j) => Offset + i * RowStride + j * ColStride;
}

public static class Gemm
{
    /// <summary>C[m, n] = A[m, k] * B[k, n].</summary>
    public static void Multiply<T>(int m, int n, int k, T[] a, MatrixView A, T[] b, MatrixView B, T[] c, MatrixView C)
        where T : unmanaged, INumber<T>
    {
        if (m == 0 || n == 0) return;
        Parallelism.For(m, (long)n * k, i =>
        {
            if (C.ColStride == 1 && B.ColStride == 1)
            {
                var row = c.AsSpan(C.At(i, 0), n);
                row.Clear();
                for (int p = 0; p < k; p++)
                    TensorPrimitives.MultiplyAdd(b.AsSpan(B.At(p, 0), n), a[A.At(i, p)], row, row);
                return;
            }
            for (int j = 0; j < n; j++)
            {
                T acc = T.Zero;
                for (int p = 0; p < k; p++) acc += a[A.At(i, p)] * b[B.At(p, j)];
                c[C.At(i, j)] = acc;
            }
        });
    }
}
