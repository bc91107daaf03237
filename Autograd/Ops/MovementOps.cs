// Movement primitives: reshape, permute, expand, slice and its adjoint (embed), pad, cat, contiguous.
// Their backwards are movements too. Squeeze, unsqueeze, transpose, select, stack and split are
// composites of these.
using Engine.Tensors;

namespace Engine.Autograd;

public sealed partial class Tensor
{
    [Op("reshape")]
    public Tensor Reshape(params int[] shape)
    {
        var inputShape = Data.ShapeCopy();
        return Op.Record("reshape", Data.Reshape(shape), [this], (g, y) => [g.Reshape(inputShape)]);
    }

    [Op("permute")]
    public Tensor Permute(params int[] axes)
    {
        var result = Data.Permute(axes);
        var inverse = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++) inverse[ShapeMath.NormalizeAxis("permute", axes[i], Rank)] = i;
        return Op.Record("permute", result, [this], (g, y) => [g.Permute(inverse)]);
    }

    /// <summary>Broadcast view. The backward returns g as is: the engine sums it back to this shape.</summary>
    [Op("expand")]
    public Tensor Expand(params int[] shape) => Op.Record("expand", Data.Expand(shape), [this], (g, y) => [g]);

    /// <summary>Python slice start:end:step along axis (a view).</summary>
    [Op("slice")]
    public Tensor Slice(int axis, int start, int end, int step = 1)
    {
        int a = ShapeMath.NormalizeAxis("slice", axis, Rank);
        var inputShape = Data.ShapeCopy();
        return Op.Record("slice", Data.Slice(a, start, end, step), [this], (g, y) => [g.Embed(inputShape, a, start, end, step)]);
    }

    /// <summary>The adjoint of Slice: zeros of `shape` with this tensor placed at the sliced positions.</summary>
    [Op("embed")]
    public Tensor Embed(int[] shape, int axis, int start, int end, int step = 1)
    {
        int a = ShapeMath.NormalizeAxis("embed", axis, shape.Length);
        var result = NDArray.Zeros(shape, DType, Device);
        var window = result.Slice(a, start, end, step);
        if (!window.Shape.SequenceEqual(Shape))
            throw EngineException.ForOp("embed", $"a tensor of shape {ShapeString} does not fit slice {start}:{end}:{step} of axis {a} in {ShapeMath.Format(shape)}");
        window.CopyFrom(Data);
        return Op.Record("embed", result, [this], (g, y) => [g.Slice(a, start, end, step)]);
    }

    /// <summary>Constant padding; padding holds (before, after) pairs for the leading axes.</summary>
    [Op("pad")]
    public Tensor Pad(int[] padding, double value = 0)
    {
        var pairs = (int[])padding.Clone();
        return Op.Record("pad", Data.Pad(pairs, value), [this], (g, y) =>
        {
            var inner = g;
            for (int i = 0; i < pairs.Length / 2; i++) inner = inner.Slice(i, pairs[2 * i], g.Dim(i) - pairs[2 * i + 1]);
            return [inner];
        });
    }

    [Op("cat")]
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int axis)
    {
        var arrays = new NDArray[tensors.Count];
        for (int i = 0; i < arrays.Length; i++) arrays[i] = tensors[i].Data;
        var result = NDArray.Cat(arrays, axis);
        int a = ShapeMath.NormalizeAxis("cat", axis, result.Rank);
        return Op.Record("cat", result, [.. tensors], (g, y) =>
        {
            var grads = new Tensor?[arrays.Length];
            int start = 0;
            for (int i = 0; i < grads.Length; i++)
            {
                int size = arrays[i].Shape[a];
                grads[i] = g.Slice(a, start, start + size);
                start += size;
            }
            return grads;
        });
    }

    /// <summary>A dense copy when the layout is strided; the identity for the gradient.</summary>
    [Op("contiguous")]
    public Tensor Contiguous() => Data.IsContiguous ? this : Op.Record("contiguous", Data.Contiguous(), [this], (g, y) => [g]);

    [Op("flatten")]
    public Tensor Flatten() => Reshape(-1);

    [Op("squeeze")]
    public Tensor Squeeze(int axis)
    {
        int a = ShapeMath.NormalizeAxis("squeeze", axis, Rank);
        if (Data.Shape[a] != 1) throw EngineException.ForOp("squeeze", $"axis {axis} has size {Data.Shape[a]}, not 1 (shape {ShapeString})");
        var shape = new List<int>(Data.ShapeCopy());
        shape.RemoveAt(a);
        return Reshape([.. shape]);
    }

    [Op("unsqueeze")]
    public Tensor Unsqueeze(int axis)
    {
        int a = ShapeMath.NormalizeAxis("unsqueeze", axis, Rank + 1);
        var shape = new List<int>(Data.ShapeCopy());
        shape.Insert(a, 1);
        return Reshape([.. shape]);
    }

    [Op("transpose")]
    public Tensor Transpose(int axis0, int axis1)
    {
        var axes = Enumerable.Range(0, Rank).ToArray();
        int a = ShapeMath.NormalizeAxis("transpose", axis0, Rank), b = ShapeMath.NormalizeAxis("transpose", axis1, Rank);
        (axes[a], axes[b]) = (axes[b], axes[a]);
        return Permute(axes);
    }

    /// <summary>Swaps the last two axes.</summary>
    [Op("mT")]
    public Tensor MT()
    {
        if (Rank < 2) throw EngineException.ForOp("mT", $"needs rank 2 or more, got shape {ShapeString}");
        return Transpose(-2, -1);
    }

    [Op("select")]
    public Tensor Select(int axis, int index)
    {
        int a = ShapeMath.NormalizeAxis("select", axis, Rank);
        int k = index < 0 ? index + Data.Shape[a] : index;
        if (k < 0 || k >= Data.Shape[a])
            throw EngineException.ForOp("select", $"index {index} is out of range for axis {a} of size {Data.Shape[a]} (shape {ShapeString})");
        return Slice(a, k, k + 1).Squeeze(a);
    }

    [Op("stack")]
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int axis)
    {
        if (tensors.Count == 0) throw EngineException.ForOp("stack", "needs at least one tensor");
        var parts = new Tensor[tensors.Count];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!tensors[i].Shape.SequenceEqual(tensors[0].Shape))
                throw EngineException.ForOp("stack", $"shapes differ: {tensors[0].ShapeString} and {tensors[i].ShapeString}");
            parts[i] = tensors[i].Unsqueeze(axis);
        }
        return Cat(parts, axis);
    }

    [Op("split")]
    public Tensor[] Split(int[] sizes, int axis)
    {
        var views = Data.Split(sizes, axis);
        int a = ShapeMath.NormalizeAxis("split", axis, Rank);
        var parts = new Tensor[views.Length];
        int start = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = Slice(a, start, start + sizes[i]);
            start += sizes[i];
        }
        return parts;
    }
}
