// KFC block of an Nn.Conv2d layer (Grosse & Martens 2016, "A Kronecker-factored approximate Fisher
// matrix for convolution layers"; kfac-jax Conv2DTwoKroneckerFactored). With ā_t the im2col patch at
// output location t (padding zeros included, plus a homogeneous 1 for the bias) and g_t the per-example
// gradient there, A = (1/NT) Σ ā_t ā_tᵀ, G = (1/NT) Σ g_t g_tᵀ and the block is T·(A ⊗ G), T the number
// of output locations. The layer is recognised as the reshape of its weight into kernels followed by
// the matmul of those kernels with the patches [N, 1, patch, T]; grouped convolutions are not
// Kronecker-factored (they fall back to the diagonal block).
using Engine.Autograd;
using Engine.Nn;
using Engine.Tensors;

namespace Engine.Optim.Kfac;

public sealed class Conv2dBlock : KroneckerBlock
{
    private readonly Conv2d _layer;
    private Tensor? _kernels, _output;
    private NDArray? _patches;

    public Conv2dBlock(string name, Conv2d layer)
        : base(name, layer.Bias is null ? [layer.Weight] : [layer.Weight, layer.Bias])
    {
        if (layer.Groups != 1) throw new EngineException($"K-FAC: convolution '{name}' has {layer.Groups} groups; KFC blocks need groups = 1");
        _layer = layer;
    }

    private int PatchSize => _layer.InChannels * _layer.KernelHeight * _layer.KernelWidth;

    public override int InputDim => PatchSize + (_layer.Bias is null ? 0 : 1);
    public override int OutputDim => _layer.OutChannels;

    /// <summary>T, the output locations of the last captured forward pass.</summary>
    public int Locations { get; private set; } = 1;

    protected override double BlockScale => Locations;

    internal override Tensor? CapturedOutput => _output;

    internal override bool TryCapture(string op, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        if (op == "reshape" && inputs.Count == 1 && ReferenceEquals(inputs[0], _layer.Weight))
        {
            _kernels = output;
            return true;
        }
        if (op != "matmul" || inputs.Count != 2 || _kernels is null || !ReferenceEquals(inputs[0], _kernels)) return false;
        if (_output is not null)
            throw new EngineException($"K-FAC: layer '{Name}' ran twice in one forward pass; its block needs one use per pass");
        (_patches, _output) = (inputs[1].Data, output);
        Locations = _patches.Dim(3);
        return true;
    }

    internal override void ClearCapture() => (_kernels, _patches, _output) = (null, null, null);

    protected override double[] InputStatistic()
    {
        // [N, 1, patch, T] → [N·T, patch]
        var rows = ToFloat64Rows(_patches!.Select(1, 0).Permute(0, 2, 1), PatchSize);
        return MeanOuter(_layer.Bias is null ? rows : WithOnesColumn(rows), 1);
    }

    // g_t = N·c_t, so G = (1/NT) Σ g_t g_tᵀ is N² times the mean of c cᵀ over the N·T rows.
    protected override double[] OutputStatistic(NDArray outputGradient, int batchSize) =>
        MeanOuter(ToFloat64Rows(outputGradient.Select(1, 0).Permute(0, 2, 1), OutputDim), (double)batchSize * batchSize);

    protected override NDArray ToMatrix(NDArray[] vectors) =>
        StackBias(vectors[0].Reshape(OutputDim, PatchSize).MT(), _layer.Bias is null ? null : vectors[1]);

    protected override NDArray[] FromMatrix(NDArray matrix)
    {
        var weight = matrix.Slice(0, 0, PatchSize).MT().Contiguous().Reshape(_layer.Weight.Data.ShapeCopy());
        return _layer.Bias is null ? [weight] : [weight, matrix.Select(0, PatchSize).Contiguous()];
    }
}
