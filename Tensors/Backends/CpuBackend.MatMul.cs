// CPU batched matmul: one GEMM call per batch matrix. Operands are passed with their strides, so
// transposed and broadcast (zero-stride) operands are never copied.
namespace Engine.Tensors;

public sealed partial class CpuBackend
{
    public override NDArray MatMul(NDArray a, NDArray b, int[] batchShape)
    {
        int m = a.Shape[^2], k = a.Shape[^1], n = b.Shape[^1];
        var result = NDArray.Empty([.. batchShape, m, n], a.DType);
        int batches = ShapeMath.NumElements(batchShape);
        for (int t = 0; t < batches; t++)
        {
            int ao = BatchOffset(t, batchShape, a), bo = BatchOffset(t, batchShape, b);
            var A = new MatrixView(ao, a.Strides[^2], a.Strides[^1]);
            var B = new MatrixView(bo, b.Strides[^2], b.Strides[^1]);
            var C = new MatrixView(t * m * n, n, 1);
            if (a.DType == DType.Float32)
                Gemm.Multiply(m, n, k, a.Storage.Array<float>(), A, b.Storage.Array<float>(), B, result.Storage.Array<float>(), C);
            else
                Gemm.Multiply(m, n, k, a.Storage.Array<double>(), A, b.Storage.Array<double>(), B, result.Storage.Array<double>(), C);
        }
        return result;
    }

    /// <summary>Storage offset of batch matrix t (row-major over the batch axes) of x.</summary>
    private static int BatchOffset(int t, int[] batchShape, NDArray x)
    {
        int pos = x.Offset;
        for (int d = batchShape.Length - 1; d >= 0; d--)
        {
            pos += t % batchShape[d] * x.Strides[d];
            t /= batchShape[d];
        }
        return pos;
    }
}
