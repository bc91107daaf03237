// Host-side preparation of kernel layouts: operands broadcast to one shape, size-1 axes dropped, and
// neighbouring axes merged wherever every operand is contiguous across them, so most views reach the
// kernels with one or two axes whatever their original rank.
namespace Engine.Tensors.Gpu.Kernels;

internal static class Layouts
{
    /// <summary>Layouts of the operands over shape (each broadcast to it), with their axes merged together.</summary>
    public static Strided[] Merged(ReadOnlySpan<int> shape, params NDArray[] operands)
    {
        int rank = shape.Length;
        var strides = new int[operands.Length][];
        for (int k = 0; k < operands.Length; k++)
            strides[k] = ShapeMath.BroadcastStrides("gpu", operands[k].ShapeArray, operands[k].StridesArray, shape.ToArray());
        var dims = new List<int>();
        var merged = new List<int>[operands.Length];
        for (int k = 0; k < operands.Length; k++) merged[k] = [];
        for (int axis = 0; axis < rank; axis++)
        {
            if (shape[axis] == 1) continue;
            int last = dims.Count - 1;
            bool canMerge = last >= 0;
            for (int k = 0; canMerge && k < operands.Length; k++)
                canMerge = merged[k][last] == strides[k][axis] * shape[axis];
            if (canMerge)
            {
                dims[last] *= shape[axis];
                for (int k = 0; k < operands.Length; k++) merged[k][last] = strides[k][axis];
                continue;
            }
            dims.Add(shape[axis]);
            for (int k = 0; k < operands.Length; k++) merged[k].Add(strides[k][axis]);
        }
        var result = new Strided[operands.Length];
        for (int k = 0; k < operands.Length; k++)
            result[k] = Strided.Of(dims.ToArray(), merged[k].ToArray(), operands[k].Offset);
        return result;
    }

    /// <summary>The layout of a view's chosen axes (in the order given), with its own offset or none.</summary>
    public static Strided Axes(NDArray x, int[] axes, bool withOffset)
    {
        var shape = new int[axes.Length];
        var strides = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            shape[i] = x.Shape[axes[i]];
            strides[i] = x.Strides[axes[i]];
        }
        var view = new NDArray(x.Storage, shape, strides, withOffset ? x.Offset : 0);
        return Merged(shape, view)[0];
    }

    /// <summary>A contiguous layout of n elements.</summary>
    public static Strided Dense(int n) => Strided.Of([n], [1], 0);
}
