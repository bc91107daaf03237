// Float64 gradient checks (central differences, Autograd GradCheck) of every Griffin block and of a whole
// tiny model, on inputs with a document start inside the sequence.
using Engine.Autograd;
using Engine.Models.Griffin;
using Engine.Nn;
using Engine.Tensors;

namespace Engine.Models.Tests.Griffin;

public sealed class GriffinGradCheckTests
{
    private static readonly GriffinConfig Config = TinyGriffin.GradCheckConfig;
    private static readonly SegmentLayout Layout = new(TinyGriffin.Row([3, 4, 0, 1, 2]), DType.Float64);

    private static Tensor Input(int width, ulong seed = 5) =>
        new(new Generator(seed).Normal([1, 5, width], dtype: DType.Float64), requiresGrad: true);

    private static void AssertGradients(Module module, Tensor input, Func<Tensor, Tensor> f)
    {
        var inputs = new List<Tensor> { input };
        inputs.AddRange(module.Parameters());
        var result = GradCheck.Check(_ => f(input), [.. inputs]);
        Assert.True(result.Passed, result.ToString());
    }

    /// <summary>Replaces zero-initialised parameters (biases, norm scales) with random values, so their
    /// gradients and the paths through them are exercised away from the special point 0.</summary>
    private static T Randomised<T>(T module) where T : Module
    {
        var rng = new Generator(11);
        foreach (var parameter in module.Parameters())
            if (parameter.Data.Abs().Sum().Item() == 0)
                parameter.Data.CopyFrom(rng.Normal(parameter.Data.ShapeCopy(), std: 0.3, dtype: DType.Float64));
        return module;
    }

    [Fact]
    public void RgLru()
    {
        var lru = Randomised(new RGLRU(8, 2, new Generator(1), DType.Float64));
        var h0 = new Tensor(new Generator(2).Normal([1, 8], dtype: DType.Float64), requiresGrad: true);
        var result = GradCheck.Check(xs => lru.Forward(xs[0], Layout.ResetMask(), xs[1]).Output,
                                     [Input(8), h0, .. lru.Parameters()]);
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void Conv1DTemporal()
    {
        var conv = Randomised(new Conv1D(8, new Generator(1), DType.Float64));
        AssertGradients(conv, Input(8), x => conv.Forward(x, Layout));
    }

    [Fact]
    public void RecurrentBlock()
    {
        var block = Randomised(new RecurrentBlock(Config, new Generator(1), DType.Float64));
        AssertGradients(block, Input(8), x => block.Forward(x, Layout));
    }

    [Fact]
    public void LocalAttentionBlock()
    {
        var block = Randomised(new LocalAttentionBlock(Config, new Generator(1), DType.Float64));
        AssertGradients(block, Input(8), x => block.Forward(x, Layout));
    }

    [Fact]
    public void MlpBlock()
    {
        var block = Randomised(new MlpBlock(Config, new Generator(1), DType.Float64));
        AssertGradients(block, Input(8), block.Forward);
    }

    [Theory]
    [InlineData(TemporalBlockType.Recurrent)]
    [InlineData(TemporalBlockType.Attention)]
    public void ResidualBlock(TemporalBlockType type)
    {
        var block = Randomised(new ResidualBlock(Config, type, new Generator(1), DType.Float64));
        AssertGradients(block, Input(8), x => block.Forward(x, Layout));
    }

    [Fact]
    public void WholeTinyModel()
    {
        var model = Randomised(new GriffinModel(Config, new Generator(1), DType.Float64));
        var tokens = TinyGriffin.Row([1, 6, 0, 3, 3]);
        var positions = TinyGriffin.Row([3, 4, 0, 1, 2]);
        var result = GradCheck.Check(_ => model.Forward(tokens, positions), [.. model.Parameters()]);
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void SqrtBoundDerivativeIsClippedAtOneThousand()
    {
        var z = new Tensor(NDArray.FromArray(new[] { 0.0, 1e-12, 0.25 }, 3), requiresGrad: true);
        var y = RGLRU.SqrtBoundDerivative(z);
        Assert.Equal(new[] { 0.0, 1e-6, 0.5 }, y.ToDoubleArray().Select(v => Math.Round(v, 12)).ToArray());
        y.Sum().Backward();
        var grad = z.Grad!.ToDoubleArray();
        Assert.Equal(1000, grad[0], 9);
        Assert.Equal(1000, grad[1], 9);
        Assert.Equal(1.0, grad[2], 12);
    }
}
