// Views: new shape/strides/offset over the same storage, never a copy (except Reshape when the
// strides make a view impossible, which then copies like NumPy and PyTorch do).
namespace Engine.Tensors;

public sealed partial class NDArray
{
    public NDArray Reshape(params int[] shape)
    {
        int[] target = ResolveReshape("reshape", shape);
        int[]? strides = ViewStrides(target);
        return strides is null ? Contiguous().Reshape(target) : new NDArray(Storage, target, strides, Offset);
    }

    /// <summary>Like Reshape, but throws instead of copying when the strides do not allow a view.</summary>
    public NDArray View(params int[] shape)
    {
        int[] target = ResolveReshape("view", shape);
        int[] strides = ViewStrides(target)
            ?? throw EngineException.ForOp("view", $"shape {ShapeMath.Format(target)} cannot be a view of shape {ShapeString} with strides {ShapeMath.Format(_strides)}; use Reshape to copy");
        return new NDArray(Storage, target, strides, Offset);
    }

    private int[] ResolveReshape(string op, int[] shape)
    {
        var target = (int[])shape.Clone();
        int inferred = -1, known = 1;
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] == -1)
            {
                if (inferred >= 0) throw EngineException.ForOp(op, $"only one -1 is allowed in {ShapeMath.Format(shape)}");
                inferred = i;
            }
            else if (target[i] < 0) throw EngineException.ForOp(op, $"negative dimension in {ShapeMath.Format(shape)}");
            else known *= target[i];
        }
        if (inferred >= 0)
        {
            if (known == 0 || Size % known != 0)
                throw EngineException.ForOp(op, $"cannot reshape {ShapeString} ({Size} elements) to {ShapeMath.Format(shape)}");
            target[inferred] = Size / known;
        }
        if (ShapeMath.NumElements(target) != Size)
            throw EngineException.ForOp(op, $"cannot reshape {ShapeString} ({Size} elements) to {ShapeMath.Format(shape)}");
        return target;
    }

    /// <summary>Strides that express target as a view of this array, or null when it needs a copy.
    /// Dimensions are matched in chunks: each run of source axes that is contiguous within itself can be
    /// regrouped freely; a target axis that straddles two chunks is impossible.</summary>
    private int[]? ViewStrides(int[] target)
    {
        if (IsContiguous || Size <= 1) return ShapeMath.ContiguousStrides(target);
        var result = new int[target.Length];
        int viewAxis = target.Length - 1;
        int chunkStride = _strides[Rank - 1];
        long sourceCount = 1, viewCount = 1;
        for (int axis = Rank - 1; axis >= 0; axis--)
        {
            sourceCount *= _shape[axis];
            bool chunkEnds = axis == 0 || (_shape[axis - 1] != 1 && _strides[axis - 1] != sourceCount * chunkStride);
            if (!chunkEnds) continue;
            while (viewAxis >= 0 && (viewCount < sourceCount || target[viewAxis] == 1))
            {
                result[viewAxis] = (int)(viewCount * chunkStride);
                viewCount *= target[viewAxis];
                viewAxis--;
            }
            if (viewCount != sourceCount) return null;
            if (axis > 0)
            {
                chunkStride = _strides[axis - 1];
                sourceCount = 1;
                viewCount = 1;
            }
        }
        return viewAxis == -1 ? result : null;
    }

    public NDArray Flatten() => Reshape(-1);

    public NDArray Permute(params int[] axes)
    {
        if (axes.Length != Rank)
            throw EngineException.ForOp("permute", $"got {axes.Length} axes {ShapeMath.Format(axes)} for a tensor of shape {ShapeString}");
        var seen = new bool[Rank];
        var shape = new int[Rank];
        var strides = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int a = ShapeMath.NormalizeAxis("permute", axes[i], Rank);
            if (seen[a]) throw EngineException.ForOp("permute", $"axis {a} repeats in {ShapeMath.Format(axes)}");
            seen[a] = true;
            shape[i] = _shape[a];
            strides[i] = _strides[a];
        }
        return new NDArray(Storage, shape, strides, Offset);
    }

    public NDArray Transpose(int axis0, int axis1)
    {
        var axes = Enumerable.Range(0, Rank).ToArray();
        int a = ShapeMath.NormalizeAxis("transpose", axis0, Rank), b = ShapeMath.NormalizeAxis("transpose", axis1, Rank);
        (axes[a], axes[b]) = (axes[b], axes[a]);
        return Permute(axes);
    }

    /// <summary>Swaps the last two axes: the matrix transpose of every matrix in a batch.</summary>
    public NDArray MT()
    {
        if (Rank < 2) throw EngineException.ForOp("mT", $"needs rank 2 or more, got shape {ShapeString}");
        return Transpose(-2, -1);
    }

    /// <summary>Python-style slice start:end:step along one axis. Negative start/end count from the end;
    /// out-of-range bounds are clamped. The step must be positive.</summary>
    public NDArray Slice(int axis, int start, int end, int step = 1)
    {
        int a = ShapeMath.NormalizeAxis("slice", axis, Rank);
        var (s, length) = SliceBounds(_shape[a], start, end, step);
        var shape = ShapeCopy();
        var strides = (int[])_strides.Clone();
        shape[a] = length;
        strides[a] = _strides[a] * step;
        return new NDArray(Storage, shape, strides, Offset + (length > 0 ? s * _strides[a] : 0));
    }

    /// <summary>Resolves a Python slice against an axis of size n: the first index and the count.</summary>
    public static (int Start, int Length) SliceBounds(int n, int start, int end, int step)
    {
        if (step <= 0) throw EngineException.ForOp("slice", $"step must be positive, got {step}");
        int s = Math.Clamp(start < 0 ? start + n : start, 0, n);
        int e = Math.Clamp(end < 0 ? end + n : end, 0, n);
        int length = e > s ? (e - s - 1) / step + 1 : 0;
        return (s, length);
    }

    /// <summary>Picks one index along an axis and drops that axis.</summary>
    public NDArray Select(int axis, int index)
    {
        int a = ShapeMath.NormalizeAxis("select", axis, Rank);
        int k = index < 0 ? index + _shape[a] : index;
        if (k < 0 || k >= _shape[a])
            throw EngineException.ForOp("select", $"index {index} is out of range for axis {a} of size {_shape[a]} (shape {ShapeString})");
        return Slice(a, k, k + 1).Squeeze(a);
    }

    /// <summary>Broadcasts to a larger shape with zero strides. -1 keeps a dimension.</summary>
    public NDArray Expand(params int[] shape)
    {
        if (shape.Length < Rank)
            throw EngineException.ForOp("expand", $"target {ShapeMath.Format(shape)} has fewer axes than {ShapeString}");
        var target = (int[])shape.Clone();
        int lead = target.Length - Rank;
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] != -1) continue;
            if (i < lead) throw EngineException.ForOp("expand", $"-1 is not allowed for a new leading axis in {ShapeMath.Format(shape)}");
            target[i] = _shape[i - lead];
        }
        ShapeMath.Validate("expand", target);
        int[] strides = ShapeMath.BroadcastStrides("expand", _shape, _strides, target);
        return new NDArray(Storage, target, strides, Offset);
    }

    public NDArray BroadcastTo(ReadOnlySpan<int> shape) => Expand(shape.ToArray());

    public NDArray Squeeze(int axis)
    {
        int a = ShapeMath.NormalizeAxis("squeeze", axis, Rank);
        if (_shape[a] != 1) throw EngineException.ForOp("squeeze", $"axis {axis} has size {_shape[a]}, not 1 (shape {ShapeString})");
        return new NDArray(Storage, Without(_shape, a), Without(_strides, a), Offset);
    }

    /// <summary>Drops every axis of size 1.</summary>
    public NDArray Squeeze()
    {
        var shape = new List<int>();
        var strides = new List<int>();
        for (int i = 0; i < Rank; i++)
        {
            if (_shape[i] == 1) continue;
            shape.Add(_shape[i]);
            strides.Add(_strides[i]);
        }
        return new NDArray(Storage, shape.ToArray(), strides.ToArray(), Offset);
    }

    public NDArray Unsqueeze(int axis)
    {
        int a = ShapeMath.NormalizeAxis("unsqueeze", axis, Rank + 1);
        var shape = new List<int>(_shape);
        var strides = new List<int>(_strides);
        shape.Insert(a, 1);
        strides.Insert(a, a < Rank ? _strides[a] * _shape[a] : 1);
        return new NDArray(Storage, shape.ToArray(), strides.ToArray(), Offset);
    }

    /// <summary>This array if it is already contiguous, otherwise a contiguous copy.</summary>
    public NDArray Contiguous() => IsContiguous ? this : Clone();

    /// <summary>A contiguous copy that shares nothing with this array.</summary>
    public NDArray Clone()
    {
        var result = Empty(_shape, DType, Device);
        result.CopyFrom(this);
        return result;
    }

    private static int[] Without(int[] values, int index)
    {
        var result = new int[values.Length - 1];
        for (int i = 0, j = 0; i < values.Length; i++)
            if (i != index) result[j++] = values[i];
        return result;
    }
}
