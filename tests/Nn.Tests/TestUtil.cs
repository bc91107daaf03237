// Shared helpers for the Nn tests: seeded float64 inputs and a gradient check over a layer's
// input and all of its parameters.
using Engine.Autograd;
using Engine.Tensors;
using Xunit;

namespace Engine.Nn.Tests;

internal static class TestUtil
{
    public static Tensor RandomLeaf(int[] shape, ulong seed, double std = 1) =>
        new(new Generator(seed).Normal(shape, 0, std, DType.Float64), requiresGrad: true);

    /// <summary>Gradient-checks layer.Forward with respect to the input and every parameter.</summary>
    public static void AssertLayerGradients(Layer layer, Tensor input, GradCheckOptions? options = null)
    {
        Tensor[] inputs = [input, .. layer.Parameters()];
        var result = GradCheck.Check(xs => layer.Forward(xs[0]), inputs, options);
        Assert.True(result.Passed, $"{layer.GetType().Name}: {result}");
    }

    public static void AssertGradients(Func<Tensor[], Tensor> f, Tensor[] inputs, GradCheckOptions? options = null)
    {
        var result = GradCheck.Check(f, inputs, options);
        Assert.True(result.Passed, result.ToString());
    }

    public static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]:G10}, got {actual[i]:G10}");
    }
}
