// Activations: values from their formulas (GeLU exact from tabulated normal CDF values) and float64
// gradient checks on random inputs.
using Engine.Autograd;
using Engine.Nn.Functional;
using Engine.Tensors;
using Xunit;

namespace Engine.Nn.Tests;

public class ActivationTests
{
    private static readonly double[] Inputs = [-2, -1, -0.5, 0.5, 1, 2];

    private static double[] Apply(Func<Tensor, Tensor> f, double[] x) => f(Tensor.FromArray((double[])x.Clone(), x.Length)).ToDoubleArray();

    public static TheoryData<string> Names() => new(["relu", "leaky_relu", "gelu", "gelu_tanh", "silu", "tanh", "sigmoid", "softplus", "elu", "selu"]);

    private static Func<Tensor, Tensor> ByName(string name) => name switch
    {
        "relu" => Activations.Relu,
        "leaky_relu" => x => Activations.LeakyRelu(x, 0.1),
        "gelu" => Activations.Gelu,
        "gelu_tanh" => Activations.GeluTanh,
        "silu" => Activations.Silu,
        "tanh" => Activations.Tanh,
        "sigmoid" => Activations.Sigmoid,
        "softplus" => Activations.Softplus,
        "elu" => x => Activations.Elu(x, 0.7),
        "selu" => Activations.Selu,
        _ => throw new ArgumentException(name),
    };

    private static double Reference(string name, double x) => name switch
    {
        "relu" => Math.Max(x, 0),
        "leaky_relu" => x > 0 ? x : 0.1 * x,
        "gelu_tanh" => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        "silu" => x / (1 + Math.Exp(-x)),
        "tanh" => Math.Tanh(x),
        "sigmoid" => 1 / (1 + Math.Exp(-x)),
        "softplus" => Math.Log(1 + Math.Exp(x)),
        "elu" => x > 0 ? x : 0.7 * (Math.Exp(x) - 1),
        "selu" => Activations.SeluScale * (x > 0 ? x : Activations.SeluAlpha * (Math.Exp(x) - 1)),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void GradientsMatchFiniteDifferences(string name)
    {
        var f = ByName(name);
        TestUtil.AssertGradients(xs => f(xs[0]), [TestUtil.RandomLeaf([3, 7], 17, std: 2)]);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ValuesMatchFormulas(string name)
    {
        if (name == "gelu") return;
        var expected = Inputs.Select(x => Reference(name, x)).ToArray();
        TestUtil.AssertClose(expected, Apply(ByName(name), Inputs), 1e-12);
    }

    [Fact]
    public void GeluExactMatchesNormalCdf()
    {
        // x * Phi(x) with Phi(1) = 0.8413447460685429, Phi(2) = 0.9772498680518208.
        TestUtil.AssertClose([-2 * (1 - 0.9772498680518208), -(1 - 0.8413447460685429), 0.8413447460685429, 2 * 0.9772498680518208],
            Apply(Activations.Gelu, [-2, -1, 1, 2]), 1e-12);
    }

    [Fact]
    public void SoftplusAndEluStayFiniteForLargeInputs()
    {
        TestUtil.AssertClose([1000, 0], Apply(Activations.Softplus, [1000, -1000]), 1e-12);
        var x = new Tensor(NDArray.FromArray(new double[] { 1000, -1000 }, 2), requiresGrad: true);
        Activations.Selu(x).Sum().Backward();
        Assert.All(x.Grad!.ToDoubleArray(), g => Assert.True(double.IsFinite(g)));
    }

    [Fact]
    public void ReluGradientAtZeroIsZero()
    {
        var x = new Tensor(NDArray.FromArray(new double[] { 0 }, 1), requiresGrad: true);
        Activations.Relu(x).Sum().Backward();
        Assert.Equal(0, x.Grad!.ToDoubleArray()[0]);
    }

    [Fact]
    public void ActivationLayerWrapsTheFunction()
    {
        var x = Tensor.FromArray((double[])Inputs.Clone(), Inputs.Length);
        Assert.Equal(Activations.Silu(x).ToDoubleArray(), Activation.Named("silu").Forward(x).ToDoubleArray());
        Assert.Empty(new Activation(Activations.Relu).Parameters());
        Assert.Throws<EngineException>(() => Activation.Named("swish2"));
    }
}
