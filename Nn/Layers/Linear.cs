// Fully connected layer y = x @ w + b. The weight is stored as [in, out] (named `w`) and the bias as
// [out] (named `b`), the layout of the RecurrentGemma/Flax checkpoints, so no transpose is needed on
// load; PyTorch's nn.Linear stores the transpose. Initialised like PyTorch: U(-1/sqrt(in), 1/sqrt(in)).
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Nn;

public sealed class Linear : Layer
{
    public int InFeatures { get; }
    public int OutFeatures { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public Linear(int inFeatures, int outFeatures, Generator rng, bool bias = true, DType dtype = DType.Float32)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new EngineException($"Linear: feature counts must be positive, got in {inFeatures}, out {outFeatures}");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        double bound = 1 / Math.Sqrt(inFeatures);
        Weight = RegisterParameter("w", Init.Uniform([inFeatures, outFeatures], rng, -bound, bound, dtype));
        if (bias) Bias = RegisterParameter("b", Init.Uniform([outFeatures], rng, -bound, bound, dtype));
    }

    public override Tensor Forward(Tensor input)
    {
        if (input.Rank == 0 || input.Dim(-1) != InFeatures)
            throw new EngineException($"Linear: expected an input whose last axis is {InFeatures} (weight {Weight.ShapeString}), got shape {input.ShapeString}");
        var y = input.MatMul(Weight);
        return Bias is null ? y : y + Bias;
    }
}
