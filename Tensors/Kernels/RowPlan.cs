// Splits an N-d strided loop into rows along the innermost axis. Axes of size 1 are dropped and
// neighbouring axes that are contiguous for every operand are merged, so a dense array becomes one
// long row that a vectorised span kernel can take in one call.
namespace Engine.Tensors;

internal sealed class RowPlan
{
    private readonly int[] _outerShape;
    private readonly int[][] _outerStrides;
    private readonly int[] _innerStrides;

    public int RowLength { get; }
    public int RowCount { get; }

    /// <param name="shape">The loop shape.</param>
    /// <param name="strides">Each operand's strides for that shape (0 where it is broadcast).</param>
    public RowPlan(ReadOnlySpan<int> shape, params int[][] strides)
    {
        var dims = new List<int>();
        var operandStrides = new List<int>[strides.Length];
        for (int k = 0; k < strides.Length; k++) operandStrides[k] = [];
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] == 1) continue;
            int last = dims.Count - 1;
            bool mergeable = last >= 0;
            for (int k = 0; mergeable && k < strides.Length; k++)
                mergeable = operandStrides[k][last] == strides[k][d] * shape[d];
            if (mergeable)
            {
                dims[last] *= shape[d];
                for (int k = 0; k < strides.Length; k++) operandStrides[k][last] = strides[k][d];
            }
            else
            {
                dims.Add(shape[d]);
                for (int k = 0; k < strides.Length; k++) operandStrides[k].Add(strides[k][d]);
            }
        }
        bool any = dims.Count > 0;
        RowLength = any ? dims[^1] : ShapeMath.NumElements(shape);
        _innerStrides = new int[strides.Length];
        for (int k = 0; k < strides.Length; k++) _innerStrides[k] = any ? operandStrides[k][^1] : 1;
        int outer = Math.Max(dims.Count - 1, 0);
        _outerShape = dims.GetRange(0, outer).ToArray();
        _outerStrides = new int[strides.Length][];
        for (int k = 0; k < strides.Length; k++) _outerStrides[k] = operandStrides[k].GetRange(0, outer).ToArray();
        RowCount = RowLength == 0 ? 0 : ShapeMath.NumElements(_outerShape);
    }

    public int InnerStride(int operand) => _innerStrides[operand];

    /// <summary>The storage offset where row <paramref name="row"/> of an operand starts, from its base offset.</summary>
    public int RowStart(int operand, int row, int baseOffset)
    {
        int pos = baseOffset;
        int[] strides = _outerStrides[operand];
        for (int d = _outerShape.Length - 1; d >= 0; d--)
        {
            int size = _outerShape[d];
            pos += row % size * strides[d];
            row /= size;
        }
        return pos;
    }
}
