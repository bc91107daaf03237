// The damped inverses of a Kronecker-factored block (issue 6 tests "the exact and approximate inverses
// agree with each other and with a direct solve" and "(C + λI)(C + λI)⁻¹v = v"). References are dense
// Gaussian-elimination solves of the explicitly assembled Kronecker products (DenseAlgebra), so nothing
// of Optim/Kfac's own algebra is reused.
using Engine.Optim.Kfac;
using Engine.Tensors;
using Xunit;

namespace Engine.Optim.Tests.Kfac;

public class KroneckerInverseTests
{
    private const int InputDim = 5, OutputDim = 4;

    private static (double[] A, double[] G, NDArray V) Problem(ulong seed, int rankA = InputDim, int rankG = OutputDim)
    {
        var a = DenseAlgebra.RandomPsd(InputDim, rankA, seed);
        var g = DenseAlgebra.RandomPsd(OutputDim, rankG, seed + 100);
        var v = new Generator(seed + 200).Normal([InputDim, OutputDim], dtype: DType.Float64);
        return (a, g, v);
    }

    [Theory]
    [InlineData(1ul, 0.3, 1.0)]
    [InlineData(2ul, 1e-3, 1.0)]
    [InlineData(3ul, 0.05, 7.0)]
    public void ExactInverseEqualsDirectSolveOfTheDampedKroneckerProduct(ulong seed, double damping, double scale)
    {
        // rank-deficient factors: only the damping keeps C + λI invertible.
        var (a, g, v) = Problem(seed, rankA: 3, rankG: 2);
        var factors = new KroneckerFactors(a, g, InputDim, OutputDim, scale: scale);
        factors.ComputeInverse(damping, exact: true);
        var dense = DenseAlgebra.Kronecker(DenseAlgebra.FromRowMajor(a, InputDim), DenseAlgebra.FromRowMajor(g, OutputDim));
        var matrix = new double[dense.GetLength(0), dense.GetLength(1)];
        for (int i = 0; i < matrix.GetLength(0); i++)
            for (int j = 0; j < matrix.GetLength(1); j++) matrix[i, j] = scale * dense[i, j] + (i == j ? damping : 0);
        var expected = DenseAlgebra.Solve(matrix, v.ToArray<double>());
        var actual = factors.MultiplyInverse(v).ToArray<double>();
        Assert.True(DenseAlgebra.MaxAbsDifference(expected, actual) < 1e-9 * DenseAlgebra.MaxAbs(expected));
    }

    [Theory]
    [InlineData(4ul, 0.3)]
    [InlineData(5ul, 1e-2)]
    public void PiAdjustedInverseEqualsDirectSolveOfTheDampedFactors(ulong seed, double damping)
    {
        var (a, g, v) = Problem(seed);
        var factors = new KroneckerFactors(a, g, InputDim, OutputDim);
        factors.ComputeInverse(damping, exact: false);
        double traceA = Enumerable.Range(0, InputDim).Sum(i => a[i * InputDim + i]) / InputDim;
        double traceG = Enumerable.Range(0, OutputDim).Sum(i => g[i * OutputDim + i]) / OutputDim;
        double pi = Math.Sqrt(traceA / traceG);
        var dampedA = DenseAlgebra.PlusIdentity(DenseAlgebra.FromRowMajor(a, InputDim), pi * Math.Sqrt(damping));
        var dampedG = DenseAlgebra.PlusIdentity(DenseAlgebra.FromRowMajor(g, OutputDim), Math.Sqrt(damping) / pi);
        var expected = DenseAlgebra.Solve(DenseAlgebra.Kronecker(dampedA, dampedG), v.ToArray<double>());
        var actual = factors.MultiplyInverse(v).ToArray<double>();
        Assert.True(DenseAlgebra.MaxAbsDifference(expected, actual) < 1e-9 * DenseAlgebra.MaxAbs(expected));
    }

    [Fact]
    public void ExactAndPiAdjustedInversesAgreeAsTheDampingVanishes()
    {
        // (A + π√λ)⊗(G + √λ/π) = A⊗G + λI + √λ(π I⊗G + A⊗I/π): the two differ by O(√λ) relative to the
        // curvature, so their disagreement must shrink like √λ on well-conditioned factors.
        var (a, g, v) = Problem(6, rankA: 40, rankG: 40);
        double previous = double.PositiveInfinity;
        foreach (double damping in new[] { 1e-2, 1e-4, 1e-6, 1e-8 })
        {
            var exact = new KroneckerFactors(a, g, InputDim, OutputDim);
            var approximate = new KroneckerFactors(a, g, InputDim, OutputDim);
            exact.ComputeInverse(damping, exact: true);
            approximate.ComputeInverse(damping, exact: false);
            var x = exact.MultiplyInverse(v).ToArray<double>();
            var y = approximate.MultiplyInverse(v).ToArray<double>();
            double relative = DenseAlgebra.MaxAbsDifference(x, y) / DenseAlgebra.MaxAbs(x);
            Assert.True(relative < previous / 5, $"λ = {damping}: relative difference {relative}, previous {previous}");
            previous = relative;
        }
        Assert.True(previous < 1e-3, $"at λ = 1e-8 the inverses still differ by {previous}");
    }

    [Theory]
    [InlineData(false, 0.2)]
    [InlineData(true, 0.2)]
    [InlineData(true, 1e-4)]
    public void DampedCurvatureTimesItsExactInverseIsTheIdentity(bool diagonalInputFactor, double damping)
    {
        var (a, g, v) = Problem(7, rankA: 2, rankG: 3);
        if (diagonalInputFactor) a = Enumerable.Range(0, InputDim).Select(i => i == 1 ? 0 : 0.2 * (i + 1)).ToArray();
        var factors = new KroneckerFactors(a, g, InputDim, OutputDim, diagonalInputFactor, scale: 3);
        factors.ComputeInverse(damping, exact: true);
        var roundTrip = factors.Multiply(factors.MultiplyInverse(v), damping).ToArray<double>();
        Assert.True(DenseAlgebra.MaxAbsDifference(v.ToArray<double>(), roundTrip) < 1e-9);
    }
}
