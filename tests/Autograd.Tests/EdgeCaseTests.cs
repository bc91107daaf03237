// Edge cases where the plain formulas would give NaN: pow at a zero base or exponent, and logsumexp of
// slices that are all -inf or hold +inf. Expected values are the limits worked out by hand.
using Engine.Tensors;
using Xunit;

namespace Engine.Autograd.Tests;

public class EdgeCaseTests
{
    [Fact]
    public void PowGradientsAtZeroAreZeroNotNaN()
    {
        var x = new Tensor(NDArray.FromArray(new double[] { 0, 2 }), requiresGrad: true);
        var e = new Tensor(NDArray.FromArray(new double[] { 2, 0 }), requiresGrad: true);
        x.Pow(e).Sum().Backward();
        Assert.Equal([0.0, 0.0], x.Grad!.ToDoubleArray());          // d/dx x^2 at 0; d/dx x^0 at 2
        Assert.Equal([0.0, Math.Log(2)], e.Grad!.ToDoubleArray());  // 0^2 * log 0 -> 0; 2^0 * log 2
    }

    [Fact]
    public void LogSumExpOfInfiniteSlicesIsInfiniteNotNaN()
    {
        var x = new Tensor(NDArray.FromArray(new double[] { double.NegativeInfinity, double.NegativeInfinity, double.PositiveInfinity, 1 }, 2, 2));
        var result = x.LogSumExp([1]).ToDoubleArray();
        Assert.Equal(double.NegativeInfinity, result[0]);
        Assert.Equal(double.PositiveInfinity, result[1]);
    }

    [Fact]
    public void FunctionalGradientsLeaveRetainedGradsAlone()
    {
        var x = new Tensor(NDArray.FromArray(new double[] { 1, 2 }), requiresGrad: true);
        var h = x * 3.0;
        h.RetainGrad();
        Gradients.Of([h.Sum()], [x]);
        Assert.Null(h.Grad);
    }
}
