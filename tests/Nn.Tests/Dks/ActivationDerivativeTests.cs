// The analytic φ' and φ'' of every DKS activation (Nn/Dks/DksActivation.cs) against central
// differences, and φ on autograd tensors against the scalar φ.
using Engine.Autograd;
using Engine.Nn.Dks;
using Engine.Tensors;
using Xunit;

namespace Engine.Nn.Tests.Dks;

public class ActivationDerivativeTests
{
    public static TheoryData<string> Names() => [.. DksActivation.Names];

    private static readonly double[] Points = [-3.1, -1.2, -0.45, -0.05, 0.07, 0.6, 1.3, 2.9];

    [Theory]
    [MemberData(nameof(Names))]
    public void DerivativesMatchCentralDifferences(string name)
    {
        var activation = DksActivation.Get(name, negativeSlope: 0.2);
        const double h = 1e-5;
        foreach (double x in Points)
        {
            double slope = (activation.Value(x + h) - activation.Value(x - h)) / (2 * h);
            double curvature = (activation.FirstDerivative(x + h) - activation.FirstDerivative(x - h)) / (2 * h);
            Assert.Equal(slope, activation.FirstDerivative(x), 1e-8);
            Assert.Equal(curvature, activation.SecondDerivative(x), 1e-7);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void JetMatchesTheSeparateDerivatives(string name)
    {
        var activation = DksActivation.Get(name, negativeSlope: 0.2);
        foreach (double x in Points)
        {
            var (value, slope, curvature) = activation.Jet(x);
            Assert.Equal(activation.Value(x), value, 1e-15);
            Assert.Equal(activation.FirstDerivative(x), slope, 1e-15);
            Assert.Equal(activation.SecondDerivative(x), curvature, 1e-14);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TensorFormMatchesScalarForm(string name)
    {
        var activation = DksActivation.Get(name, negativeSlope: 0.2);
        var output = activation.OnTensor(Tensor.FromArray(Points, Points.Length).ToDType(DType.Float64)).ToDoubleArray();
        for (int i = 0; i < Points.Length; i++) Assert.Equal(activation.Value(Points[i]), output[i], 1e-12);
    }

    [Fact]
    public void UnknownNameIsRejectedWithTheSupportedList()
    {
        var error = Assert.Throws<EngineException>(() => DksActivation.Get("mish"));
        Assert.Contains("mish", error.Message);
        Assert.Contains("tanh", error.Message);
    }
}
