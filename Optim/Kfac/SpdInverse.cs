// Inverse of a symmetric positive definite matrix in float64 by Cholesky factorisation, for the
// π-adjusted factored Tikhonov damping of K-FAC (kfac-jax utils/math.py::pi_adjusted_kronecker_inverse;
// Martens & Grosse 2015, section 6.3). A = L Lᵀ, then A⁻¹ = L⁻ᵀ L⁻¹.
using Engine.Tensors;

namespace Engine.Optim.Kfac;

public static class SpdInverse
{
    /// <summary>The inverse of the row-major n x n SPD matrix a (lower triangle read); throws when a pivot
    /// is not positive (the damping is too small for the factor).</summary>
    public static double[] Invert(ReadOnlySpan<double> a, int n)
    {
        if (a.Length != n * n) throw new EngineException($"SPD inverse: expected {n} x {n} values, got {a.Length}");
        var l = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            double diagonal = a[j * n + j];
            var rowJ = l.AsSpan(j * n, j);
            for (int k = 0; k < j; k++) diagonal -= rowJ[k] * rowJ[k];
            if (!(diagonal > 0))
                throw new EngineException($"SPD inverse: pivot {j} of a {n} x {n} factor is {diagonal}; the matrix is not positive definite (raise the damping)");
            double root = Math.Sqrt(diagonal);
            l[j * n + j] = root;
            for (int i = j + 1; i < n; i++)
            {
                double sum = a[i * n + j];
                var rowI = l.AsSpan(i * n, j);
                for (int k = 0; k < j; k++) sum -= rowI[k] * rowJ[k];
                l[i * n + j] = sum / root;
            }
        }
        // Invert the lower triangle in place column by column: M = L⁻¹ (lower triangular).
        var m = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            m[j * n + j] = 1 / l[j * n + j];
            for (int i = j + 1; i < n; i++)
            {
                double sum = 0;
                for (int k = j; k < i; k++) sum += l[i * n + k] * m[k * n + j];
                m[i * n + j] = -sum / l[i * n + i];
            }
        }
        // A⁻¹ = Mᵀ M, symmetric: entry (i, j) = Σ_{k ≥ max(i,j)} M[k,i] M[k,j].
        var inverse = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double sum = 0;
                for (int k = i; k < n; k++) sum += m[k * n + i] * m[k * n + j];
                inverse[i * n + j] = inverse[j * n + i] = sum;
            }
        return inverse;
    }
}
