// K-FAC block of an Nn.Linear layer s = a W + b, W [in, out] (Martens & Grosse 2015, section 3; kfac-jax
// DenseTwoKroneckerFactored): A = E[ā āᵀ] with ā = [a; 1] (the bias as a homogeneous coordinate, last
// row), G = E[g gᵀ] with g = ∂ℓᵢ/∂s the per-example output gradient. Leading axes beyond the last are
// treated as more examples. The layer is recognised as the matmul whose second input is its weight.
using Engine.Autograd;
using Engine.Nn;
using Engine.Tensors;

namespace Engine.Optim.Kfac;

public sealed class DenseBlock : KroneckerBlock
{
    private readonly Linear _layer;
    private NDArray? _input;
    private Tensor? _output;

    public DenseBlock(string name, Linear layer)
        : base(name, layer.Bias is null ? [layer.Weight] : [layer.Weight, layer.Bias]) => _layer = layer;

    public override int InputDim => _layer.InFeatures + (_layer.Bias is null ? 0 : 1);
    public override int OutputDim => _layer.OutFeatures;

    internal override Tensor? CapturedOutput => _output;

    internal override bool TryCapture(string op, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        if (op != "matmul" || inputs.Count != 2 || !ReferenceEquals(inputs[1], _layer.Weight)) return false;
        if (_output is not null)
            throw new EngineException($"K-FAC: layer '{Name}' ran twice in one forward pass; its block needs one use per pass");
        (_input, _output) = (inputs[0].Data, output);
        return true;
    }

    internal override void ClearCapture() => (_input, _output) = (null, null);

    protected override double[] InputStatistic()
    {
        var rows = ToFloat64Rows(_input!, _layer.InFeatures);
        return MeanOuter(_layer.Bias is null ? rows : WithOnesColumn(rows), 1);
    }

    // g = N·c for the gradient c of the N-example mean loss, so (1/n) Σ g gᵀ = (N²/n) cᵀc.
    protected override double[] OutputStatistic(NDArray outputGradient, int batchSize) =>
        MeanOuter(ToFloat64Rows(outputGradient, OutputDim), (double)batchSize * batchSize);

    protected override NDArray ToMatrix(NDArray[] vectors) => StackBias(vectors[0], _layer.Bias is null ? null : vectors[1]);

    protected override NDArray[] FromMatrix(NDArray matrix)
    {
        int inFeatures = _layer.InFeatures;
        var weight = matrix.Slice(0, 0, inFeatures).Contiguous();
        return _layer.Bias is null ? [weight] : [weight, matrix.Select(0, inFeatures).Contiguous()];
    }
}
