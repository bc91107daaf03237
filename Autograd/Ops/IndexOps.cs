// Indexing primitives: gather and scatter-add, each the other's adjoint. Index-select, masked fill
// and one-hot are built on them.
using Engine.Tensors;

namespace Engine.Autograd;

public sealed partial class Tensor
{
    /// <summary>Along axis, out[..i..] = this[..index[..i..]..]; index is int64 with this tensor's rank.</summary>
    [Op("gather")]
    public Tensor Gather(int axis, Tensor index)
    {
        int a = ShapeMath.NormalizeAxis("gather", axis, Rank);
        var inputShape = Data.ShapeCopy();
        var dtype = DType;
        var device = Device;
        return Op.Record("gather", Data.Gather(a, index.Data), [this, index], (g, y) =>
            [new Tensor(NDArray.Zeros(inputShape, dtype, device)).ScatterAdd(a, index, g), null]);
    }

    /// <summary>This tensor plus src added at the positions index names along axis (repeats accumulate).
    /// src must have the index's shape.</summary>
    [Op("scatter_add")]
    public Tensor ScatterAdd(int axis, Tensor index, Tensor src)
    {
        int a = ShapeMath.NormalizeAxis("scatter_add", axis, Rank);
        if (!src.Shape.SequenceEqual(index.Shape))
            throw EngineException.ForOp("scatter_add", $"src of shape {src.ShapeString} must have the index's shape {index.ShapeString}");
        return Op.Record("scatter_add", Data.ScatterAdd(a, index.Data, src.Data), [this, index, src], (g, y) =>
            [g, null, g.Gather(a, index)]);
    }

    /// <summary>The entries named by a 1-D int64 index along axis.</summary>
    [Op("index_select")]
    public Tensor IndexSelect(int axis, Tensor indices)
    {
        int a = ShapeMath.NormalizeAxis("index_select", axis, Rank);
        if (indices.Rank != 1)
            throw EngineException.ForOp("index_select", $"indices must be 1-D, got shape {indices.ShapeString}");
        return Gather(a, new Tensor(NDArray.SpreadIndex(indices.Data, Data.Shape, a)));
    }

    /// <summary>This tensor with value wherever mask (broadcast) is non-zero.</summary>
    [Op("masked_fill")]
    public Tensor MaskedFill(Tensor mask, double value) => Where(mask, Constant(value), this);

    /// <summary>int64 class ids to one-hot vectors along a new last axis (no gradient).</summary>
    [Op("one_hot")]
    public static Tensor OneHot(Tensor indices, int numClasses, DType dtype = DType.Float32) =>
        Op.Constant("one_hot", NDArray.OneHot(indices.Data, numClasses, dtype), [indices]);
}
