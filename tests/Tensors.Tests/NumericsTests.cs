// Numerical robustness: stable softmax and logsumexp for large inputs, and ScalarMath.Erf against
// values computed with mpmath at 40 digits and a 28-digit decimal Taylor series.
using Xunit;
using static Engine.Tensors.Tests.ArrayGen;

namespace Engine.Tensors.Tests;

public class NumericsTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SoftmaxIsStableForLargeInputs(DType dtype)
    {
        var x = NDArray.FromArray(new[] { 1000.0, 1000, 999 }).ToDType(dtype);
        double e = Math.Exp(-1), z = 2 + e;
        double tol = dtype == DType.Float32 ? 1e-6 : 1e-15;
        foreach (var backend in new[] { Backend.Reference, Backend.Cpu })
        {
            using var _ = Backend.Use(backend);
            var s = Flat(x.Softmax(0));
            Assert.All(s, v => Assert.True(double.IsFinite(v)));
            Assert.Equal(1 / z, s[0], tol);
            Assert.Equal(1 / z, s[1], tol);
            Assert.Equal(e / z, s[2], tol);
            var two = Flat(NDArray.FromArray(new[] { 89.0, 0 }).ToDType(dtype).Softmax(-1));
            Assert.Equal(1, two[0], tol);
            Assert.True(two[1] >= 0 && two[1] < 1e-38);
            var log = Flat(x.LogSoftmax(0));
            // x - logsumexp(x) loses the digits below the spacing of doubles (floats) near 1000.
            double logTol = dtype == DType.Float32 ? 1e-4 : 1e-12;
            Assert.Equal(-Math.Log(z), log[0], logTol);
            Assert.Equal(-1 - Math.Log(z), log[2], logTol);
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void LogSumExpOfLargeAndInfiniteInputs(DType dtype)
    {
        var x = NDArray.FromArray(new[] { 1e4, 1e4, -1e4, 500, 500, 500 }, 2, 3).ToDType(dtype);
        var r = Flat(x.LogSumExp([1]));
        Assert.Equal(1e4 + Math.Log(2), r[0], dtype == DType.Float32 ? 1e-3 : 1e-10);
        Assert.Equal(500 + Math.Log(3), r[1], dtype == DType.Float32 ? 1e-4 : 1e-12);
        Assert.Equal([2, 1], x.LogSumExp([-1], keepDim: true).ShapeCopy());
        var ninf = NDArray.Full([2], double.NegativeInfinity, dtype);
        Assert.Equal(double.NegativeInfinity, ninf.LogSumExp([0]).Item());
        var mixed = NDArray.FromArray(new[] { double.NegativeInfinity, 0 }).ToDType(dtype);
        Assert.Equal([0, 1], Flat(mixed.Softmax(0)));
    }

    [Theory]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1, 0.8427007929497149)]
    [InlineData(2, 0.9953222650189527)]
    [InlineData(3.5, 0.9999992569016276)]
    // From mpmath.erf with mp.dps = 40, rounded to double.
    [InlineData(0.001, 0.0011283787909692365)]
    [InlineData(0.1, 0.1124629160182849)]
    [InlineData(1e-8, 1.1283791670955126e-08)]
    [InlineData(2.9, 0.9999589021219005)]
    [InlineData(3, 0.9999779095030014)]
    [InlineData(3.1, 0.9999883513426328)]
    [InlineData(4.5, 0.9999999998033839)]
    [InlineData(5.5, 0.9999999999999927)]
    public void ErfMatchesKnownValues(double x, double expected)
    {
        Assert.Equal(expected, ScalarMath.Erf(x), expected * 1e-15);
        Assert.Equal(-expected, ScalarMath.Erf(-x), expected * 1e-15);
    }

    [Fact]
    public void ErfEdgeValues()
    {
        Assert.Equal(0, ScalarMath.Erf(0));
        Assert.Equal(1, ScalarMath.Erf(7));
        Assert.Equal(-1, ScalarMath.Erf(double.NegativeInfinity));
        Assert.True(double.IsNaN(ScalarMath.Erf(double.NaN)));
        Assert.Equal(-ScalarMath.Erf(1), ScalarMath.Erf(-1));
        // The tensor op uses the same function in both dtypes.
        Assert.Equal((float)0.8427007929497149, NDArray.FromArray(new[] { 1f }).Erf()[0]);
    }

    /// <summary>erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1)), summed in 28-digit decimal.
    /// For |x| &lt;= 2 the largest term is below 3, so cancellation costs under one digit.</summary>
    private static double DecimalErf(double xd)
    {
        const decimal twoOverSqrtPi = 1.1283791670955125738961589031m;
        decimal x = (decimal)xd, x2 = x * x;
        decimal power = x, sum = x;  // power = (-1)^n x^(2n+1) / n!
        for (int n = 1; n < 100 && Math.Abs(power) > 1e-28m; n++)
        {
            power = power * -x2 / n;
            sum += power / (2 * n + 1);
        }
        return (double)(twoOverSqrtPi * sum);
    }

    [Fact]
    public void ErfMatchesADecimalSeriesOnAGrid()
    {
        for (int i = 1; i <= 200; i++)
        {
            double x = i * 0.01;
            double expected = DecimalErf(x);
            double actual = ScalarMath.Erf(x);
            Assert.True(Math.Abs(actual - expected) <= 1e-15 * expected, $"erf({x}) = {actual:R}, series gives {expected:R}");
        }
    }
}
