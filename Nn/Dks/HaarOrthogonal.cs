// Haar-distributed semi-orthogonal matrices for SUO initialisation (DKS paper, parameter
// initialisation; Mezzadri 2007). Gram–Schmidt applied to the rows of a Gaussian matrix gives the Q of
// its QR factorisation with a positive-diagonal R, which is exactly Haar distributed. We orthogonalise
// twice ("twice is enough", Giraud et al. 2005) for orthogonality to rounding error, on contiguous rows
// with vectorised dot products: the width-1000, 50-layer kernel check needs fifty 1000 x 1000 samples,
// where the column-oriented Householder QR of Init.Orthogonal takes seconds each.
using System.Numerics.Tensors;
using Engine.Tensors;

namespace Engine.Nn.Dks;

public static class HaarOrthogonal
{
    /// <summary>A rows x cols matrix (row-major) with orthonormal rows when rows ≤ cols and orthonormal
    /// columns otherwise, Haar distributed.</summary>
    public static double[] Sample(int rows, int cols, Generator rng)
    {
        if (rows <= 0 || cols <= 0) throw new EngineException($"HaarOrthogonal: sizes must be positive, got {rows}x{cols}");
        int count = Math.Min(rows, cols), length = Math.Max(rows, cols);
        var vectors = rng.Normal([count, length], dtype: DType.Float64).ToArray<double>();
        for (int i = 0; i < count; i++)
        {
            var current = vectors.AsSpan(i * length, length);
            for (int pass = 0; pass < 2; pass++)
                for (int j = 0; j < i; j++)
                {
                    var previous = vectors.AsSpan(j * length, length);
                    TensorPrimitives.MultiplyAdd(previous, -TensorPrimitives.Dot(previous, current), current, current);
                }
            double norm = TensorPrimitives.Norm(current);
            if (norm == 0) throw new EngineException("HaarOrthogonal: a Gaussian sample was linearly dependent; use another seed");
            TensorPrimitives.Multiply(current, 1 / norm, current);
        }
        if (rows <= cols) return vectors;
        var transposed = new double[rows * cols];
        for (int i = 0; i < count; i++)
            for (int k = 0; k < length; k++) transposed[k * cols + i] = vectors[i * length + k];
        return transposed;
    }
}
