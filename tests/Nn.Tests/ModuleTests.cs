// Module plumbing: hierarchical names in registration order, train/eval propagation, parameter
// counts, gradient zeroing and name validation.
using Engine.Autograd;
using Engine.Tensors;
using Xunit;

namespace Engine.Nn.Tests;

public class ModuleTests
{
    private sealed class MlpBlock : Layer
    {
        public MlpBlock(Generator rng)
        {
            RegisterModule("ffw_up", new Linear(4, 8, rng));
            RegisterModule("ffw_down", new Linear(8, 4, rng, bias: false));
        }

        public override Tensor Forward(Tensor input) => input;
    }

    private sealed class Block : Layer
    {
        public Block(Generator rng)
        {
            RegisterModule("norm", new RMSNorm(4));
            RegisterModule("mlp_block", new MlpBlock(rng));
            RegisterModule("drop", new Dropout(0.5, rng));
        }

        public override Tensor Forward(Tensor input) => input;
    }

    private sealed class Model : Module
    {
        public ModuleList Blocks { get; }

        public Model(Generator rng)
        {
            RegisterParameter("bias", NDArray.Zeros([2]));
            Blocks = RegisterModule("blocks", new ModuleList([new Block(rng), new Block(rng)]));
        }

        public void RegisterAgain(string name) => RegisterParameter(name, NDArray.Zeros([1]));
    }

    [Fact]
    public void NamesAreHierarchicalAndInRegistrationOrder()
    {
        var model = new Model(new Generator(1));
        var names = model.NamedParameters().Select(p => p.Key).ToArray();
        Assert.Equal(
        [
            "bias",
            "blocks.0.norm.scale", "blocks.0.mlp_block.ffw_up.w", "blocks.0.mlp_block.ffw_up.b", "blocks.0.mlp_block.ffw_down.w",
            "blocks.1.norm.scale", "blocks.1.mlp_block.ffw_up.w", "blocks.1.mlp_block.ffw_up.b", "blocks.1.mlp_block.ffw_down.w",
        ], names);
        Assert.Equal(2 + 2 * (4 + 32 + 8 + 32), model.ParameterCount);
        Assert.All(model.Parameters(), p => Assert.True(p.RequiresGrad && p.IsLeaf));
        Assert.Same(model.GetParameter("blocks.1.mlp_block.ffw_up.b"), model.NamedParameters().ElementAt(7).Value);
    }

    [Fact]
    public void TrainAndEvalPropagateToDescendants()
    {
        var model = new Model(new Generator(1));
        model.Eval();
        var drop = (Dropout)((Block)model.Blocks[1]).NamedChildren().Last().Value;
        Assert.False(drop.IsTraining);
        model.Train();
        Assert.True(drop.IsTraining);
    }

    [Fact]
    public void ZeroGradClearsEveryGradient()
    {
        var layer = new Linear(3, 2, new Generator(2), dtype: DType.Float64);
        layer.Forward(TestUtil.RandomLeaf([4, 3], 3)).Sum().Backward();
        Assert.All(layer.Parameters(), p => Assert.NotNull(p.Grad));
        layer.ZeroGrad();
        Assert.All(layer.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void DuplicateOrDottedNamesAreRejected()
    {
        var model = new Model(new Generator(1));
        Assert.Throws<EngineException>(() => model.RegisterAgain("bias"));
        Assert.Throws<EngineException>(() => model.RegisterAgain("blocks"));
        Assert.Throws<EngineException>(() => model.RegisterAgain("a.b"));
    }

    [Fact]
    public void SequentialChainsAndNamesByPosition()
    {
        var rng = new Generator(4);
        var net = new Sequential(new Linear(3, 5, rng, dtype: DType.Float64), new LayerNorm(5, dtype: DType.Float64), new Linear(5, 2, rng, dtype: DType.Float64));
        Assert.Equal(["0.w", "0.b", "1.w", "1.b", "2.w", "2.b"], net.NamedParameters().Select(p => p.Key).ToArray());
        var x = TestUtil.RandomLeaf([4, 3], 5);
        Assert.Equal([4, 2], net.Forward(x).Shape.ToArray());
        TestUtil.AssertLayerGradients(net, x);
    }

    [Fact]
    public void SecondDerivativesFlowThroughLayers()
    {
        // Curvature methods (K-FAC, DKS) differentiate gradients, so the composites must support double backward.
        var rng = new Generator(6);
        var net = new Sequential(new Linear(3, 4, rng, dtype: DType.Float64), Activation.Named("gelu_tanh"), new RMSNorm(4, dtype: DType.Float64));
        Tensor[] inputs = [TestUtil.RandomLeaf([2, 3], 7), .. net.Parameters()];
        var result = GradCheck.CheckSecondOrder(xs => net.Forward(xs[0]), inputs, new GradCheckOptions(Eps: 1e-5, Atol: 1e-4, Rtol: 1e-3));
        Assert.True(result.Passed, result.ToString());
    }
}
