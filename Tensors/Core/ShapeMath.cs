// Shape arithmetic shared by every backend: element counts, contiguous strides, NumPy broadcasting,
// axis normalisation and the formatting used in error messages.
namespace Engine.Tensors;

public static class ShapeMath
{
    public static int NumElements(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            n *= d;
            if (n > int.MaxValue) throw new EngineException($"shape {Format(shape)} has more than {int.MaxValue} elements");
        }
        return (int)n;
    }

    public static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= Math.Max(shape[i], 1);
        }
        return strides;
    }

    public static void Validate(string op, ReadOnlySpan<int> shape)
    {
        foreach (int d in shape)
            if (d < 0) throw EngineException.ForOp(op, $"negative dimension in shape {Format(shape)}");
        NumElements(shape);
    }

    /// <summary>NumPy broadcasting: align from the right; sizes must match or one of them be 1.</summary>
    public static int[] Broadcast(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw EngineException.ForOp(op, $"shapes {Format(a)} and {Format(b)} cannot be broadcast together (axis {i}: {da} vs {db})");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    public static int[] Broadcast(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b, ReadOnlySpan<int> c) =>
        Broadcast(op, Broadcast(op, a, b), c);

    /// <summary>Strides that read an array of <paramref name="shape"/> as if it had <paramref name="target"/>.</summary>
    public static int[] BroadcastStrides(string op, ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, ReadOnlySpan<int> target)
    {
        if (shape.Length > target.Length)
            throw EngineException.ForOp(op, $"cannot broadcast shape {Format(shape)} to {Format(target)}");
        var result = new int[target.Length];
        int lead = target.Length - shape.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            int d = shape[i], t = target[lead + i];
            if (d == t) result[lead + i] = strides[i];
            else if (d == 1) result[lead + i] = 0;
            else throw EngineException.ForOp(op, $"cannot broadcast shape {Format(shape)} to {Format(target)}");
        }
        return result;
    }

    public static int NormalizeAxis(string op, int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw EngineException.ForOp(op, $"axis {axis} is out of range for a tensor of rank {rank}");
        return a;
    }

    /// <summary>Normalises, sorts and checks a set of axes; null or empty means every axis.</summary>
    public static int[] NormalizeAxes(string op, ReadOnlySpan<int> axes, int rank)
    {
        if (axes.IsEmpty)
        {
            var all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        var result = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++) result[i] = NormalizeAxis(op, axes[i], rank);
        System.Array.Sort(result);
        for (int i = 1; i < result.Length; i++)
            if (result[i] == result[i - 1]) throw EngineException.ForOp(op, $"axis {result[i]} is repeated in {Format(axes)}");
        return result;
    }

    /// <summary>The shape left after reducing <paramref name="axes"/> (sorted, normalised).</summary>
    public static int[] ReducedShape(ReadOnlySpan<int> shape, ReadOnlySpan<int> axes, bool keepDim)
    {
        var result = new List<int>(shape.Length);
        for (int i = 0; i < shape.Length; i++)
        {
            bool reduced = axes.Contains(i);
            if (!reduced) result.Add(shape[i]);
            else if (keepDim) result.Add(1);
        }
        return result.ToArray();
    }

    /// <summary>Row-major position to multi-index.</summary>
    public static void Unravel(int linear, ReadOnlySpan<int> shape, Span<int> index)
    {
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = linear % shape[d];
            linear /= shape[d];
        }
    }

    public static string Format(ReadOnlySpan<int> shape)
    {
        var sb = new System.Text.StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(shape[i]);
        }
        return sb.Append(']').ToString();
    }

    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);
}
