// Solvers on plain L-layer chains (μ(x) = x^L, κ(x) = L x): the spec's independently computed
// regression values (spec A4, second table, tolerance 1e-6), round trips (the solved φ̂ meets every
// condition it was solved for), and the errors for unreachable or invalid targets.
using Engine.Nn.Dks;
using Engine.Tensors;
using Xunit;

namespace Engine.Nn.Tests.Dks;

public class PlainChainSolverTests
{
    private static void AssertClose(double[] expected, TransformParameters actual)
    {
        Assert.Equal(expected[0], actual.InputScale, 1e-6);
        Assert.Equal(expected[1], actual.InputShift, 1e-6);
        Assert.Equal(expected[2], actual.OutputShift, 1e-6);
        Assert.Equal(expected[3], actual.OutputScale, 1e-6);
    }

    [Theory]
    [InlineData(10, 0.2966501, 0.6528036, -0.5424962, 4.9646002)]
    [InlineData(50, 0.1284405, 0.5707795, -0.5098072, 10.6044476)]
    [InlineData(100, 0.0904379, 0.5601067, -0.5050044, 14.9025258)]
    public void DksTanhMatchesTheSpecTable(int depth, double alpha, double beta, double delta, double gamma) =>
        AssertClose([alpha, beta, delta, gamma], DksSolver.Solve(DksActivation.Tanh, SubnetworkMaps.PlainChain(depth), 1.5));

    [Theory]
    [InlineData(10, 0.8102795, 0.4190004, -0.9981736, 2.0465172)]
    [InlineData(50, 0.3266252, 0.4093740, -0.9312843, 5.0948429)]
    [InlineData(100, 0.2280238, 0.4075096, -0.9237196, 7.3032531)]
    public void DksSoftplusMatchesTheSpecTable(int depth, double alpha, double beta, double delta, double gamma) =>
        AssertClose([alpha, beta, delta, gamma], DksSolver.Solve(DksActivation.Softplus, SubnetworkMaps.PlainChain(depth), 1.5));

    [Theory]
    [InlineData(10, 0.4962030, 0.5600072, -1.0009797, 3.1538852)]
    [InlineData(50, 0.2121012, 0.5400251, -0.9970456, 7.4557363)]
    [InlineData(100, 0.1491247, 0.5374256, -0.9964733, 10.6190388)]
    public void TatSoftplusMatchesTheSpecTable(int depth, double alpha, double beta, double delta, double gamma) =>
        AssertClose([alpha, beta, delta, gamma], TatSolver.Solve(DksActivation.Softplus, SubnetworkMaps.PlainChain(depth), tau: 0.3));

    [Fact]
    public void TatLeakyReluMatchesTheSpecTable()
    {
        var p = TatSolver.SolveLeakyRelu(SubnetworkMaps.PlainChain(50), 0.9);
        Assert.Equal(0.4305229, p.NegativeSlope!.Value, 1e-6);
        Assert.Equal(1.2989478, p.OutputScale, 1e-6);
    }

    [Fact]
    public void LocalTargetsFollowTheChainRules()
    {
        Assert.Equal(Math.Pow(1.5, 1.0 / 100), DksSolver.LocalSlopeTarget(SubnetworkMaps.PlainChain(100), 1.5), 1e-9);
        Assert.Equal(1.0040629, DksSolver.LocalSlopeTarget(SubnetworkMaps.PlainChain(100), 1.5), 1e-7);
        Assert.Equal(0.006, TatSolver.LocalCurvatureTarget(SubnetworkMaps.PlainChain(50), 0.3), 1e-9);
    }

    [Theory]
    [InlineData("tanh")]
    [InlineData("softplus")]
    [InlineData("elu")]
    [InlineData("selu")]
    [InlineData("gelu")]
    [InlineData("gelu_exact")]
    [InlineData("swish")]
    [InlineData("sigmoid")]
    [InlineData("erf")]
    [InlineData("leaky_relu")]
    public void DksSolutionMeetsItsConditions(string name)
    {
        const int depth = 20;
        var activation = DksActivation.Get(name);
        var p = DksSolver.Solve(activation, SubnetworkMaps.PlainChain(depth), 1.5);
        var values = new LocalKernelMaps(activation, p).AtSpecialPoints();
        Assert.Equal(1, values.QAt1, 1e-9);
        Assert.Equal(1, values.QSlopeAt1, 1e-8);
        Assert.Equal(0, values.CAt0, 1e-9);
        Assert.Equal(1.5, Math.Pow(values.CSlopeAt1, depth), 1e-6);
    }

    [Theory]
    [InlineData("tanh")]
    [InlineData("softplus")]
    [InlineData("gelu")]
    [InlineData("swish")]
    [InlineData("erf")]
    public void TatSolutionMeetsItsConditions(string name)
    {
        const int depth = 20;
        var activation = DksActivation.Get(name);
        var p = TatSolver.Solve(activation, SubnetworkMaps.PlainChain(depth), tau: 0.3);
        var values = new LocalKernelMaps(activation, p).AtSpecialPoints();
        Assert.Equal(1, values.QAt1, 1e-9);
        Assert.Equal(1, values.QSlopeAt1, 1e-8);
        Assert.Equal(1, values.CSlopeAt1, 1e-8);
        Assert.Equal(0.3, depth * values.CCurvatureAt1, 1e-6);
        Assert.True(p.InputScale * p.OutputScale < 2);
    }

    [Fact]
    public void TatLeakyReluSolutionGivesTheTargetCfAt0AndPreservesQ()
    {
        var p = TatSolver.SolveLeakyRelu(SubnetworkMaps.PlainChain(30), 0.8);
        double slope = p.NegativeSlope!.Value;
        Assert.Equal(0.8, SubnetworkMaps.ChainCMap(c => LeakyReluKernel.CMap(c, slope), 30, 0), 1e-7);
        Assert.Equal(1, new LocalKernelMaps(DksActivation.LeakyRelu(slope), p).Q(1), 1e-12);
        Assert.Equal(2.5, new LocalKernelMaps(DksActivation.LeakyRelu(slope), p).Q(2.5), 1e-12);
    }

    [Fact]
    public void DksReluSolutionMeetsItsSlopeCondition()
    {
        var p = DksSolver.Solve(DksActivation.Relu, SubnetworkMaps.PlainChain(10), 1.5);
        var values = new LocalKernelMaps(DksActivation.Relu, p).AtSpecialPoints();
        Assert.Equal(1.0, p.InputShift);
        Assert.Equal(Math.Pow(1.5, 0.1), values.CSlopeAt1, 1e-8);
        Assert.Equal(1, values.QAt1, 1e-9);
        Assert.Equal(0, values.CAt0, 1e-9);
        var steep = DksSolver.Solve(DksActivation.Relu, SubnetworkMaps.PlainChain(1), 2.0);
        Assert.Equal(-1.0, steep.InputShift);
        Assert.Equal(2.0, new LocalKernelMaps(DksActivation.Relu, steep).AtSpecialPoints().CSlopeAt1, 1e-8);
    }

    [Fact]
    public void ShallowNetworkCannotReachALargeEta()
    {
        var error = Assert.Throws<EngineException>(() => TatSolver.SolveLeakyRelu(SubnetworkMaps.PlainChain(10), 0.9));
        Assert.Contains("unreachable", error.Message);
        Assert.Contains("0.8715", error.Message);
    }

    [Fact]
    public void InvalidTargetsAreRejected()
    {
        var chain = SubnetworkMaps.PlainChain(10);
        Assert.Contains("ζ", Assert.Throws<EngineException>(() => DksSolver.Solve(DksActivation.Tanh, chain, 1.0)).Message);
        Assert.Contains("τ", Assert.Throws<EngineException>(() => TatSolver.Solve(DksActivation.Tanh, chain, tau: -0.1)).Message);
        Assert.Contains("η", Assert.Throws<EngineException>(() => TatSolver.SolveLeakyRelu(chain, 1.2)).Message);
        Assert.Contains("leaky_relu", Assert.Throws<EngineException>(() => TatSolver.Solve(DksActivation.Relu, chain)).Message);
        Assert.Throws<EngineException>(() => SubnetworkMaps.PlainChain(0));
        Assert.Throws<EngineException>(() => SubnetworkMaps.NormalizedSum([0.5, 0.6], [1, 1]));
    }

    [Fact]
    public void UnreachableSmoothTargetNamesTheActivation()
    {
        var error = Assert.Throws<EngineException>(() => TatSolver.Solve(DksActivation.Sigmoid, SubnetworkMaps.PlainChain(1), tau: 1e6));
        Assert.Contains("sigmoid", error.Message);
    }

    [Fact]
    public void SubnetworkFunctionsFollowTheMapAlgebra()
    {
        var chain = SubnetworkMaps.PlainChain(7);
        Assert.Equal(Math.Pow(1.1, 7), SubnetworkMaps.MaximalSlope(chain, 1.1), 1e-12);
        Assert.Equal(7 * 0.01, SubnetworkMaps.MaximalCurvature(chain, 0.01), 1e-12);
        var resnet = SubnetworkMaps.ModifiedResNet([1], 0.6);
        // One block with a projection shortcut: 0.36 r(x) + 0.64 r³(x), then r; slopes multiply.
        Assert.Equal(Math.Max(2 * (0.36 * 2 + 0.64 * 8), 8), SubnetworkMaps.MaximalSlope(resnet, 2), 1e-12);
    }
}
