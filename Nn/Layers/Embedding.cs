// Embedding table lookup: int64 ids of any shape [...] to vectors [..., dim], by index-select on the
// table `w` [count, dim] (gradients scatter-add back into the looked-up rows). Initialised N(0, 1).
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Nn;

public sealed class Embedding : Layer
{
    public int Count { get; }
    public int Dim { get; }
    public Tensor Weight { get; }

    public Embedding(int count, int dim, Generator rng, DType dtype = DType.Float32)
    {
        if (count <= 0 || dim <= 0) throw new EngineException($"Embedding: sizes must be positive, got count {count}, dim {dim}");
        Count = count;
        Dim = dim;
        Weight = RegisterParameter("w", Init.Normal([count, dim], rng, dtype: dtype));
    }

    public override Tensor Forward(Tensor ids)
    {
        if (ids.DType != DType.Int64) throw new EngineException($"Embedding: ids must be int64, got {ids.DType.Name()} of shape {ids.ShapeString}");
        var flat = ids.Data.Reshape(-1);
        foreach (long id in flat.ToArray<long>())
            if (id < 0 || id >= Count) throw new EngineException($"Embedding: id {id} is outside [0, {Count}) (ids shape {ids.ShapeString})");
        var rows = Weight.IndexSelect(0, new Tensor(flat));
        return rows.Reshape([.. ids.Data.ShapeCopy(), Dim]);
    }
}
