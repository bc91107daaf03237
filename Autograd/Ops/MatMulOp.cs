// Matrix product with broadcast batch axes: [..., m, k] @ [..., k, n]. The backward is two more
// matmuls, g @ B^T and A^T @ g, read through transposed views (no copies); the engine sums the batch
// axes that were broadcast. 1-D operands are handled by unsqueezing, as NumPy does.
using Engine.Tensors;

namespace Engine.Autograd;

public sealed partial class Tensor
{
    [Op("matmul")]
    public Tensor MatMul(Tensor other)
    {
        if (Rank == 0 || other.Rank == 0)
            throw EngineException.ForOp("matmul", $"needs operands of rank 1 or more, got {ShapeString} and {other.ShapeString}");
        var a = Rank == 1 ? Unsqueeze(0) : this;
        var b = other.Rank == 1 ? other.Unsqueeze(1) : other;
        var result = a.BatchedMatMul(b);
        if (other.Rank == 1) result = result.Squeeze(-1);
        if (Rank == 1) result = result.Squeeze(other.Rank == 1 ? -1 : -2);
        return result;
    }

    private Tensor BatchedMatMul(Tensor other) => Op.Record("matmul", Data.MatMul(other.Data), [this, other], (g, y) =>
    [
        RequiresGrad ? g.MatMul(other.MT()) : null,
        other.RequiresGrad ? MT().MatMul(g) : null,
    ]);
}
