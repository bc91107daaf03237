// Human-readable printing of small arrays (nested brackets) and a summary line for large ones.
using System.Globalization;
using System.Text;

namespace Engine.Tensors;

internal static class NDArrayFormatter
{
    private const int MaxPrinted = 200;

    public static string Format(NDArray a)
    {
        string header = $"NDArray({a.DType.Name()}, shape {a.ShapeString}";
        if (a.Size > MaxPrinted) return header + ")";
        var sb = new StringBuilder(header).Append(", ");
        var index = new int[a.Rank];
        Append(a, sb, index, 0);
        return sb.Append(')').ToString();
    }

    private static void Append(NDArray a, StringBuilder sb, int[] index, int axis)
    {
        if (axis == a.Rank)
        {
            sb.Append(a.Storage.GetAsDouble(a.StorageIndex(index)).ToString("G6", CultureInfo.InvariantCulture));
            return;
        }
        sb.Append('[');
        for (int i = 0; i < a.Shape[axis]; i++)
        {
            if (i > 0) sb.Append(", ");
            index[axis] = i;
            Append(a, sb, index, axis + 1);
        }
        sb.Append(']');
    }
}
