// Properties of the local Q and C maps (Nn/Dks/LocalKernelMaps.cs, spec A1): C(1) = 1, C increasing
// on [-1, 1], C(0) = E[φ̂]² / Q(1), C'(1) = E[φ̂'²] / Q(1) against finite differences of the 2-D C map,
// Q'(1) against finite differences of the Q map, and the Leaky ReLU closed form against quadrature.
using Engine.Nn.Dks;
using Xunit;

namespace Engine.Nn.Tests.Dks;

public class KernelMapTests
{
    public static TheoryData<string> Names() => [.. DksActivation.Names];

    private static readonly TransformParameters Shifted = new(0.8, 0.3, -0.2, 1.7);

    [Theory]
    [MemberData(nameof(Names))]
    public void CMapIsOneAtOneAndIncreasing(string name)
    {
        var maps = new LocalKernelMaps(DksActivation.Get(name, 0.2), Shifted);
        Assert.Equal(1, maps.C(1), 1e-10);
        double previous = maps.C(-1);
        for (double c = -0.8; c <= 1.0001; c += 0.2)
        {
            double value = maps.C(Math.Min(c, 1));
            Assert.True(value >= previous - 1e-12, $"{name}: C not increasing at c = {c}: {previous} then {value}");
            previous = value;
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void SpecialPointValuesAgreeWithTheMaps(string name)
    {
        var maps = new LocalKernelMaps(DksActivation.Get(name, 0.2), Shifted);
        var values = maps.AtSpecialPoints();
        Assert.Equal(maps.Q(1), values.QAt1, 1e-10);
        Assert.Equal(maps.C(0), values.CAt0, 1e-9);
        Assert.Equal(maps.CSlope(1), values.CSlopeAt1, 1e-9);
        const double h = 1e-4;
        Assert.Equal((maps.Q(1 + h) - maps.Q(1 - h)) / (2 * h), values.QSlopeAt1, 1e-6);
        // For the ReLU family C''(1) is infinite (C has a (1 - c)^(3/2) term), so the difference
        // quotient converges only like √h there.
        double oneSided = (3 * maps.C(1) - 4 * maps.C(1 - 1e-3) + maps.C(1 - 2e-3)) / 2e-3;
        bool kinkedSlope = DksActivation.Get(name).Family != ActivationFamily.Smooth;
        Assert.Equal(values.CSlopeAt1, oneSided, kinkedSlope ? 1e-2 : 2e-3 * Math.Max(1, values.CCurvatureAt1));
    }

    [Theory]
    [InlineData("tanh")]
    [InlineData("softplus")]
    [InlineData("gelu")]
    public void CSlopeMatchesFiniteDifferencesInside(string name)
    {
        var maps = new LocalKernelMaps(DksActivation.Get(name), Shifted);
        foreach (double c in new[] { -0.5, 0.0, 0.6 })
            Assert.Equal((maps.C(c + 1e-4) - maps.C(c - 1e-4)) / 2e-4, maps.CSlope(c), 1e-6);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.2)]
    [InlineData(0.7)]
    public void LeakyReluClosedFormMatchesQuadrature(double slope)
    {
        var activation = DksActivation.LeakyRelu(slope);
        var shiftedZero = new TransformParameters(1.3, 1e-300, 0, 0.9);
        var maps = new LocalKernelMaps(activation, shiftedZero);
        foreach (double c in new[] { -0.9, -0.3, 0.0, 0.4, 0.95 })
            Assert.Equal(LeakyReluKernel.CMap(c, slope), maps.C(c), 1e-9);
    }

    [Fact]
    public void ReluCMapAtZeroIsOneOverPiAndQIsHalf()
    {
        var maps = new LocalKernelMaps(DksActivation.Relu, TransformParameters.Identity);
        Assert.Equal(1 / Math.PI, maps.C(0), 1e-14);
        Assert.Equal(1 / Math.PI, maps.AtSpecialPoints().CAt0, 1e-12);
        Assert.Equal(0.5, maps.Q(1), 1e-13);
        Assert.Equal(Math.PI / (Math.PI - 1), DksSolver.ReluMaxSlopeWithPositiveShift, 1e-15);
    }

    [Fact]
    public void TanhQMapOfItsOwnDefinition()
    {
        var maps = new LocalKernelMaps(DksActivation.Tanh, TransformParameters.Identity);
        Assert.Equal(GaussianExpectation.Mean(z => Math.Pow(Math.Tanh(Math.Sqrt(2.5) * z), 2)), maps.Q(2.5), 1e-14);
        Assert.Equal(0, maps.C(0), 1e-14);
    }
}
