// K-FAC block of an Nn.Embedding table W [count, dim] (after kfac-pytorch kfac/layers/embedding.py and
// tensorflow/kfac's fisher_factors): the input is a one-hot vector, so A = E[e eᵀ] is diagonal, holding
// each id's frequency in the batch; G = E[g gᵀ] over the looked-up rows' per-example gradients. The
// layer is recognised as the gather whose source is its table (Embedding uses index_select).
using Engine.Autograd;
using Engine.Nn;
using Engine.Tensors;

namespace Engine.Optim.Kfac;

public sealed class EmbeddingBlock : KroneckerBlock
{
    private readonly Embedding _layer;
    private NDArray? _ids;
    private Tensor? _output;

    public EmbeddingBlock(string name, Embedding layer) : base(name, [layer.Weight]) => _layer = layer;

    public override int InputDim => _layer.Count;
    public override int OutputDim => _layer.Dim;
    protected override bool DiagonalInputFactor => true;

    internal override Tensor? CapturedOutput => _output;

    internal override bool TryCapture(string op, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        if (op != "gather" || inputs.Count != 2 || !ReferenceEquals(inputs[0], _layer.Weight)) return false;
        if (_output is not null)
            throw new EngineException($"K-FAC: layer '{Name}' ran twice in one forward pass; its block needs one use per pass");
        // index_select spreads the ids along the row: index [n, dim], every column the same id.
        (_ids, _output) = (inputs[1].Data.Select(1, 0), output);
        return true;
    }

    internal override void ClearCapture() => (_ids, _output) = (null, null);

    protected override double[] InputStatistic()
    {
        var ids = _ids!.Contiguous().ToArray<long>();
        var frequency = new double[_layer.Count];
        foreach (long id in ids) frequency[id] += 1.0 / ids.Length;
        return frequency;
    }

    protected override double[] OutputStatistic(NDArray outputGradient, int batchSize) =>
        MeanOuter(ToFloat64Rows(outputGradient, OutputDim), (double)batchSize * batchSize);

    protected override NDArray ToMatrix(NDArray[] vectors) => vectors[0].Contiguous();

    protected override NDArray[] FromMatrix(NDArray matrix) => [matrix.Contiguous()];
}
