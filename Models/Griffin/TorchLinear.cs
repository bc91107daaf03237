// Dense layer in the layout of the official PyTorch checkpoints (recurrentgemma `torch/layers.py`,
// nn.Linear): `weight [out, in]`, optional `bias [out]`, y = x·weightᵀ + bias. Nn.Linear stores the
// Flax layout (`w [in, out]`), so the checkpoint names and shapes of specs/griffin.md §1.11 need this one.
using Engine.Autograd;
using Engine.Nn;
using Engine.Tensors;

namespace Engine.Models.Griffin;

public sealed class TorchLinear : Module
{
    public int InFeatures { get; }
    public int OutFeatures { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    /// <summary>Weight drawn from Normal(0, weightStd); bias zero (specs/griffin.md §2).</summary>
    public TorchLinear(int inFeatures, int outFeatures, bool bias, double weightStd, Generator rng, DType dtype)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Init.Normal([outFeatures, inFeatures], rng, std: weightStd, dtype: dtype));
        if (bias) Bias = RegisterParameter("bias", NDArray.Zeros([outFeatures], dtype));
    }

    public Tensor Forward(Tensor input)
    {
        if (input.Rank == 0 || input.Dim(-1) != InFeatures)
            throw new EngineException($"TorchLinear: expected an input whose last axis is {InFeatures} (weight {Weight.ShapeString}), got shape {input.ShapeString}");
        var y = input.MatMul(Weight.MT());
        return Bias is null ? y : y + Bias;
    }
}
