// The transformed activation layer (Nn/Dks/TransformedActivation.cs): forward equals
// γ (φ(α x + β) + δ), and autodiff gradients pass the float64 gradient check.
using Engine.Autograd;
using Engine.Nn.Dks;
using Engine.Tensors;
using Xunit;

namespace Engine.Nn.Tests.Dks;

public class TransformedActivationTests
{
    public static TheoryData<string> Names() => [.. DksActivation.Names];

    [Theory]
    [MemberData(nameof(Names))]
    public void ForwardMatchesTheScalarTransformAndGradientsCheck(string name)
    {
        var activation = DksActivation.Get(name);
        var parameters = new TransformParameters(0.7, 0.25, -0.3, 1.9, activation.Family == ActivationFamily.LeakyRelu ? 0.3 : null);
        var layer = new TransformedActivation(activation, parameters);
        var input = TestUtil.RandomLeaf([3, 5], 17);
        var output = layer.Forward(input).ToDoubleArray();
        var x = input.ToDoubleArray();
        for (int i = 0; i < x.Length; i++) Assert.Equal(parameters.Apply(activation, x[i]), output[i], 1e-12);
        TestUtil.AssertLayerGradients(layer, input);
    }

    [Fact]
    public void FactoriesSolveForTheNetwork()
    {
        var chain = SubnetworkMaps.PlainChain(50);
        var tat = TransformedActivation.Tat("leaky_relu", chain, eta: 0.9);
        Assert.Equal(0.4305229, tat.Transform.NegativeSlope!.Value, 1e-6);
        var dks = TransformedActivation.Dks("tanh", chain);
        Assert.Equal(0.1284405, dks.Transform.InputScale, 1e-6);
        var y = dks.Forward(Tensor.FromArray(new[] { 0.6 }, 1).ToDType(DType.Float64)).Item();
        Assert.Equal(dks.Transform.Apply(DksActivation.Tanh, 0.6), y, 1e-12);
    }

    [Fact]
    public void NonFiniteParametersAreRejected() =>
        Assert.Throws<EngineException>(() => new TransformedActivation(DksActivation.Tanh, new(double.NaN, 0, 0, 1)));
}
