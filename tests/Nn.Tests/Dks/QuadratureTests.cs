// Gauss–Legendre rules built by Newton on Legendre polynomials (Nn/Dks/GaussLegendre.cs) must be
// exact for polynomials up to degree 2n - 1, and the Gaussian rule must reproduce the normal moments.
using Engine.Nn.Dks;
using FsCheck.Xunit;
using Xunit;

namespace Engine.Nn.Tests.Dks;

public class QuadratureTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(16)]
    [InlineData(40)]
    public void RuleIsExactForMonomialsUpToDegree2nMinus1(int n)
    {
        var (nodes, weights) = GaussLegendre.Rule(n);
        for (int degree = 0; degree <= 2 * n - 1; degree++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += weights[i] * Math.Pow(nodes[i], degree);
            double exact = degree % 2 == 1 ? 0 : 2.0 / (degree + 1);
            Assert.Equal(exact, sum, 1e-13);
        }
    }

    [Property(MaxTest = 50)]
    public void CompositeRuleIntegratesCubicsExactlyWithBreakpoints(int a, int b, int c, int d, int breakSeed)
    {
        double ca = a % 7, cb = b % 5, cc = c % 3, cd = d % 11, breakpoint = breakSeed % 200 / 100.0;
        var (nodes, weights) = GaussLegendre.Composite(-2, 3, 7, 2, [breakpoint]);
        double sum = 0;
        for (int i = 0; i < nodes.Length; i++)
        {
            double x = nodes[i];
            sum += weights[i] * (((ca * x + cb) * x + cc) * x + cd);
        }
        static double Antiderivative(double x, double p, double q, double r, double s) => p * Math.Pow(x, 4) / 4 + q * x * x * x / 3 + r * x * x / 2 + s * x;
        Assert.Equal(Antiderivative(3, ca, cb, cc, cd) - Antiderivative(-2, ca, cb, cc, cd), sum, 1e-10);
    }

    [Fact]
    public void GaussianRuleReproducesNormalMoments()
    {
        Assert.Equal(1, GaussianExpectation.Mean(_ => 1), 1e-14);
        Assert.Equal(0, GaussianExpectation.Mean(z => z), 1e-14);
        Assert.Equal(1, GaussianExpectation.Mean(z => z * z), 1e-13);
        Assert.Equal(3, GaussianExpectation.Mean(z => Math.Pow(z, 4)), 1e-12);
        Assert.Equal(15, GaussianExpectation.Mean(z => Math.Pow(z, 6)), 1e-11);
        Assert.Equal(Math.Exp(0.5), GaussianExpectation.Mean(Math.Exp), 1e-13);
    }

    [Fact]
    public void KinkBreakpointMakesShiftedReluAndStepMomentsExact()
    {
        double pdf = Math.Exp(-0.5 * 0.3 * 0.3) / Math.Sqrt(2 * Math.PI);
        Assert.Equal(pdf - 0.3 * (1 - NormalCdf(0.3)), GaussianExpectation.Mean(z => Math.Max(z - 0.3, 0), [0.3]), 1e-14);
        Assert.Equal(1 - NormalCdf(0.37), GaussianExpectation.Mean(z => z > 0.37 ? 1 : 0, [0.37]), 1e-14);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(-0.8)]
    [InlineData(1.0)]
    public void BivariateMeanOfProductIsTheCorrelation(double c)
    {
        Assert.Equal(c, GaussianExpectation.BivariateMean(x => x, y => y, c), 1e-12);
        Assert.Equal(1 + 2 * c * c, GaussianExpectation.BivariateMean(x => x * x, y => y * y, c), 1e-11);
    }

    [Fact]
    public void TabulatedNormalCdfMatchesTheSeriesErf()
    {
        for (double x = -8.7; x <= 8.7; x += 0.0123)
        {
            Assert.Equal(NormalCdf(x), Engine.Nn.Dks.NormalCdf.Cdf(x), 1e-15);
            Assert.Equal(Engine.Tensors.ScalarMath.Erf(x), Engine.Nn.Dks.NormalCdf.Erf(x), 2e-15);
        }
    }

    private static double NormalCdf(double x) => 0.5 * (1 + Engine.Tensors.ScalarMath.Erf(x / Math.Sqrt(2)));
}
