// Matmul, indexing (gather, scatter-add, index-select, one-hot, where-masks) and assembly
// (cat, stack, split, pad). Each checks its arguments and names the op and shapes on failure.
namespace Engine.Tensors;

public sealed partial class NDArray
{
    /// <summary>NumPy matmul: [..., m, k] @ [..., k, n] with broadcast batch axes; a 1-D operand is
    /// treated as a row (left) or column (right) vector and that axis is dropped from the result.</summary>
    public NDArray MatMul(NDArray other)
    {
        RequireSameKind("matmul", this, other);
        RequireFloat("matmul", this);
        if (Rank == 0 || other.Rank == 0)
            throw EngineException.ForOp("matmul", $"needs operands of rank 1 or more, got {ShapeString} and {other.ShapeString}");
        var a = Rank == 1 ? Unsqueeze(0) : this;
        var b = other.Rank == 1 ? other.Unsqueeze(1) : other;
        int m = a._shape[^2], k = a._shape[^1], k2 = b._shape[^2], n = b._shape[^1];
        if (k != k2)
            throw EngineException.ForOp("matmul", $"inner dimensions differ: {ShapeString} @ {other.ShapeString} ({k} vs {k2})");
        int[] batch = ShapeMath.Broadcast("matmul", a._shape.AsSpan(0, a.Rank - 2), b._shape.AsSpan(0, b.Rank - 2));
        var aFull = a.Expand([.. batch, m, k]);
        var bFull = b.Expand([.. batch, k, n]);
        var result = Backend.For("matmul", this).MatMul(aFull, bFull, batch);
        if (Rank == 1) result = result.Squeeze(-2);
        if (other.Rank == 1) result = result.Squeeze(-1);
        return result;
    }

    /// <summary>Along axis, out[..i..] = this[..index[..i..]..]; index has this array's rank and, on
    /// every other axis, no more entries than this array.</summary>
    public NDArray Gather(int axis, NDArray index)
    {
        int a = ShapeMath.NormalizeAxis("gather", axis, Rank);
        CheckIndex("gather", index, this, a, source: null);
        return Backend.For("gather", this).Gather(this, a, index);
    }

    /// <summary>A copy of this array with src added at the positions index names along axis
    /// (repeated indices accumulate).</summary>
    public NDArray ScatterAdd(int axis, NDArray index, NDArray src)
    {
        RequireSameKind("scatter_add", this, src);
        int a = ShapeMath.NormalizeAxis("scatter_add", axis, Rank);
        CheckIndex("scatter_add", index, this, a, src);
        return Backend.For("scatter_add", this).ScatterAdd(this, a, index, src);
    }

    /// <summary>Picks the entries named by a 1-D index along axis.</summary>
    public NDArray IndexSelect(int axis, NDArray indices)
    {
        int a = ShapeMath.NormalizeAxis("index_select", axis, Rank);
        if (indices.Rank != 1)
            throw EngineException.ForOp("index_select", $"indices must be 1-D, got shape {indices.ShapeString}");
        return Gather(a, SpreadIndex(indices, _shape, a));
    }

    /// <summary>Reshapes a 1-D index to lie along axis and expands it (no copy) over the other axes of shape.</summary>
    public static NDArray SpreadIndex(NDArray indices, ReadOnlySpan<int> shape, int axis)
    {
        var view = new int[shape.Length];
        System.Array.Fill(view, 1);
        view[axis] = indices.Size;
        var target = shape.ToArray();
        target[axis] = indices.Size;
        return indices.Reshape(view).Expand(target);
    }

    /// <summary>index must fit target on every axis but axis, and fit source (when there is one) on every axis.</summary>
    private static void CheckIndex(string op, NDArray index, NDArray target, int axis, NDArray? source)
    {
        if (index.DType != DType.Int64)
            throw EngineException.ForOp(op, $"index must be int64, got {index.DType.Name()}");
        RequireSameDevice(op, index, target);
        if (index.Rank != target.Rank)
            throw EngineException.ForOp(op, $"index of shape {index.ShapeString} must have the rank of {target.ShapeString}");
        for (int d = 0; d < target.Rank; d++)
        {
            bool fitsSource = source is null || (source.Rank == index.Rank && index._shape[d] <= source._shape[d]);
            if (!fitsSource || (d != axis && index._shape[d] > target._shape[d]))
            {
                string sourceShape = source is null ? "" : $" (source {source.ShapeString})";
                throw EngineException.ForOp(op, $"index shape {index.ShapeString} does not fit {target.ShapeString}{sourceShape} on axis {d}");
            }
        }
        CheckIndexRange(op, index, target._shape[axis], $"axis {axis} of shape {target.ShapeString}");
    }

    private static void CheckIndexRange(string op, NDArray index, int size, string what)
    {
        // Expanded (zero-stride) axes repeat the same values; checking one copy avoids materialising them.
        var shape = index.ShapeCopy();
        for (int d = 0; d < shape.Length; d++)
            if (index._strides[d] == 0) shape[d] = Math.Min(shape[d], 1);
        var distinct = new NDArray(index.Storage, shape, index._strides, index.Offset);
        var values = distinct.To(Device.Cpu).Contiguous().Span<long>();
        for (int i = 0; i < values.Length; i++)
            if (values[i] < 0 || values[i] >= size)
                throw EngineException.ForOp(op, $"index {values[i]} is out of range for {what} (size {size})");
    }

    /// <summary>int64 class ids of any shape to one-hot vectors along a new last axis.</summary>
    public static NDArray OneHot(NDArray indices, int numClasses, DType dtype = DType.Float32)
    {
        if (indices.DType != DType.Int64)
            throw EngineException.ForOp("one_hot", $"indices must be int64, got {indices.DType.Name()}");
        if (numClasses <= 0) throw EngineException.ForOp("one_hot", $"numClasses must be positive, got {numClasses}");
        CheckIndexRange("one_hot", indices, numClasses, "the number of classes");
        var classes = Arange(0, numClasses, 1, DType.Float64).To(indices.Device);
        return indices.ToDType(DType.Float64).Unsqueeze(-1).Binary(BinaryOp.Eq, classes).ToDType(dtype);
    }

    /// <summary>This array with value wherever mask (broadcast) is non-zero.</summary>
    public NDArray MaskedFill(NDArray mask, double value) => Where(mask, Scalar(value, DType), this);

    public static NDArray Cat(IReadOnlyList<NDArray> arrays, int axis)
    {
        if (arrays.Count == 0) throw EngineException.ForOp("cat", "needs at least one array");
        var first = arrays[0];
        int a = ShapeMath.NormalizeAxis("cat", axis, first.Rank);
        int total = 0;
        foreach (var x in arrays)
        {
            RequireSameKind("cat", first, x);
            bool fits = x.Rank == first.Rank;
            for (int d = 0; fits && d < x.Rank; d++) fits = d == a || x._shape[d] == first._shape[d];
            if (!fits) throw EngineException.ForOp("cat", $"shapes {first.ShapeString} and {x.ShapeString} differ off axis {a}");
            total += x._shape[a];
        }
        var shape = first.ShapeCopy();
        shape[a] = total;
        var result = Empty(shape, first.DType, DeviceOf([.. arrays]));
        int start = 0;
        foreach (var x in arrays)
        {
            result.Slice(a, start, start + x._shape[a]).CopyFrom(x);
            start += x._shape[a];
        }
        return result;
    }

    public static NDArray Stack(IReadOnlyList<NDArray> arrays, int axis)
    {
        if (arrays.Count == 0) throw EngineException.ForOp("stack", "needs at least one array");
        int a = ShapeMath.NormalizeAxis("stack", axis, arrays[0].Rank + 1);
        foreach (var x in arrays)
            if (!x.Shape.SequenceEqual(arrays[0].Shape))
                throw EngineException.ForOp("stack", $"shapes differ: {arrays[0].ShapeString} and {x.ShapeString}");
        var expanded = new NDArray[arrays.Count];
        for (int i = 0; i < expanded.Length; i++) expanded[i] = arrays[i].Unsqueeze(a);
        return Cat(expanded, a);
    }

    /// <summary>Views of consecutive pieces along axis with the given sizes (which must add up).</summary>
    public NDArray[] Split(int[] sizes, int axis)
    {
        int a = ShapeMath.NormalizeAxis("split", axis, Rank);
        int total = 0;
        foreach (int s in sizes)
        {
            if (s < 0) throw EngineException.ForOp("split", $"negative size in {ShapeMath.Format(sizes)}");
            total += s;
        }
        if (total != _shape[a])
            throw EngineException.ForOp("split", $"sizes {ShapeMath.Format(sizes)} add to {total}, but axis {a} of {ShapeString} has {_shape[a]}");
        var parts = new NDArray[sizes.Length];
        int start = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            parts[i] = Slice(a, start, start + sizes[i]);
            start += sizes[i];
        }
        return parts;
    }

    /// <summary>Pads with a constant; padding holds (before, after) pairs for the first axes.</summary>
    public NDArray Pad(int[] padding, double value = 0)
    {
        if (padding.Length % 2 != 0 || padding.Length / 2 > Rank)
            throw EngineException.ForOp("pad", $"padding {ShapeMath.Format(padding)} must hold (before, after) pairs for at most {Rank} axes");
        var shape = ShapeCopy();
        for (int i = 0; i < padding.Length / 2; i++)
        {
            if (padding[2 * i] < 0 || padding[2 * i + 1] < 0)
                throw EngineException.ForOp("pad", $"padding must be non-negative, got {ShapeMath.Format(padding)}");
            shape[i] += padding[2 * i] + padding[2 * i + 1];
        }
        var result = Full(shape, value, DType, Device);
        InteriorOf(result, padding).CopyFrom(this);
        return result;
    }

    /// <summary>The view of a padded array that holds the original values.</summary>
    public static NDArray InteriorOf(NDArray padded, int[] padding)
    {
        var view = padded;
        for (int i = 0; i < padding.Length / 2; i++)
            view = view.Slice(i, padding[2 * i], padded._shape[i] - padding[2 * i + 1]);
        return view;
    }
}
