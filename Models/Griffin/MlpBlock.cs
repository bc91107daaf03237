// Gated MLP of every residual block (Griffin §2.2; recurrentgemma `torch/modules.py` MLPBlock;
// specs/griffin.md §1.5): two branches u_c = x·ffw_up.w[c] + ffw_up.b[c], h = gelu_tanh(u_0) ⊙ u_1,
// out = ffw_down(h). ffw_up keeps the checkpoint layout w [2, D, M], b [2, 1, 1, M].
using Engine.Autograd;
using Engine.Nn;
using Engine.Nn.Functional;
using Engine.Tensors;

namespace Engine.Models.Griffin;

public sealed class MlpBlock : Module
{
    public int Width { get; }
    public int ExpandedWidth { get; }
    public Tensor FfwUpW { get; }
    public Tensor FfwUpB { get; }
    public TorchLinear FfwDown { get; }

    public MlpBlock(GriffinConfig config, Generator rng, DType dtype)
    {
        Width = config.Width;
        ExpandedWidth = config.MlpExpandedWidth;
        var up = RegisterModule("ffw_up", new ParameterGroup());
        // torch init: Normal(0, 1/sqrt(D)) for both branches; bias zero (specs/griffin.md §2).
        FfwUpW = up.Add("w", Init.Normal([2, Width, ExpandedWidth], rng, std: 1 / Math.Sqrt(Width), dtype: dtype));
        FfwUpB = up.Add("b", NDArray.Zeros([2, 1, 1, ExpandedWidth], dtype));
        FfwDown = RegisterModule("ffw_down", new TorchLinear(ExpandedWidth, Width, true, TemporalBlock.FinalLayerStd(config, ExpandedWidth), rng, dtype));
    }

    /// <summary>x [B, T, D] to [B, T, D].</summary>
    public Tensor Forward(Tensor x)
    {
        var gate = x.MatMul(FfwUpW.Select(0, 0)) + FfwUpB.Select(0, 0).Reshape(ExpandedWidth);
        var linear = x.MatMul(FfwUpW.Select(0, 1)) + FfwUpB.Select(0, 1).Reshape(ExpandedWidth);
        return FfwDown.Forward(Activations.GeluTanh(gate) * linear);
    }
}

/// <summary>A module that only names raw parameters, for checkpoint paths such as `ffw_up.w` whose owner
/// is a plain einsum in the reference rather than a layer.</summary>
public sealed class ParameterGroup : Module
{
    public Tensor Add(string name, NDArray value) => RegisterParameter(name, value);
}
