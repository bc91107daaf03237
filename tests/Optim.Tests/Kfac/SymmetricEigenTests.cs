// The float64 symmetric eigensolver behind exact damping, against matrices with known spectra: the
// second-difference matrix tridiag(−1, 2, −1) (eigenvalues 2 − 2cos(kπ/(n+1)), a classical closed form),
// Q diag(λ) Qᵀ with a chosen spectrum including repeated and zero eigenvalues, and reconstruction and
// orthogonality on random symmetric matrices.
using Engine.Optim.Kfac;
using Engine.Tensors;
using Xunit;

namespace Engine.Optim.Tests.Kfac;

public class SymmetricEigenTests
{
    [Fact]
    public void SecondDifferenceMatrixHasItsClosedFormSpectrum()
    {
        const int n = 9;
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            a[i * n + i] = 2;
            if (i + 1 < n) a[i * n + i + 1] = a[(i + 1) * n + i] = -1;
        }
        var (values, _) = SymmetricEigen.Decompose(a, n);
        var expected = Enumerable.Range(1, n).Select(k => 2 - 2 * Math.Cos(k * Math.PI / (n + 1))).Order().ToArray();
        Assert.True(DenseAlgebra.MaxAbsDifference(expected, values) < 1e-12, string.Join(", ", values));
    }

    [Theory]
    [InlineData(1, 1ul)]
    [InlineData(2, 2ul)]
    [InlineData(7, 3ul)]
    [InlineData(40, 4ul)]
    public void ChosenSpectrumIsRecovered(int n, ulong seed)
    {
        // Q from Gram–Schmidt on a random matrix; spectrum with a repeated value and a zero.
        var q = Orthonormal(n, seed);
        var spectrum = Enumerable.Range(0, n).Select(i => i < 2 ? 0.0 : i % 3 == 0 ? 1.5 : i * 0.7).ToArray();
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < n; k++) a[i * n + j] += q[i, k] * spectrum[k] * q[j, k];
        var (values, _) = SymmetricEigen.Decompose(a, n);
        Assert.True(DenseAlgebra.MaxAbsDifference(spectrum.Order().ToArray(), values) < 1e-11);
    }

    [Theory]
    [InlineData(5, 11ul)]
    [InlineData(33, 12ul)]
    public void RandomSymmetricMatrixIsReconstructedByOrthonormalVectors(int n, ulong seed)
    {
        var x = new Generator(seed).Normal([n, n], dtype: DType.Float64).ToArray<double>();
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a[i * n + j] = x[i * n + j] + x[j * n + i];
        var (values, vectors) = SymmetricEigen.Decompose(a, n);
        for (int i = 0; i + 1 < n; i++) Assert.True(values[i] <= values[i + 1]);
        double worstReconstruction = 0, worstOrthogonality = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0, dot = 0;
                for (int k = 0; k < n; k++)
                {
                    sum += vectors[i * n + k] * values[k] * vectors[j * n + k];
                    dot += vectors[k * n + i] * vectors[k * n + j];
                }
                worstReconstruction = Math.Max(worstReconstruction, Math.Abs(sum - a[i * n + j]));
                worstOrthogonality = Math.Max(worstOrthogonality, Math.Abs(dot - (i == j ? 1 : 0)));
            }
        Assert.True(worstReconstruction < 1e-11 * n, $"reconstruction error {worstReconstruction}");
        Assert.True(worstOrthogonality < 1e-12 * n, $"orthogonality error {worstOrthogonality}");
    }

    private static double[,] Orthonormal(int n, ulong seed)
    {
        var x = new Generator(seed).Normal([n, n], dtype: DType.Float64).ToArray<double>();
        var q = new double[n, n];
        for (int c = 0; c < n; c++)
        {
            var v = new double[n];
            for (int r = 0; r < n; r++) v[r] = x[r * n + c];
            for (int p = 0; p < c; p++)
            {
                double dot = 0;
                for (int r = 0; r < n; r++) dot += v[r] * q[r, p];
                for (int r = 0; r < n; r++) v[r] -= dot * q[r, p];
            }
            double norm = Math.Sqrt(v.Sum(t => t * t));
            for (int r = 0; r < n; r++) q[r, c] = v[r] / norm;
        }
        return q;
    }
}
