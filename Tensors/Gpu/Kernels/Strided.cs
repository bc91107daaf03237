// How a kernel finds the elements of a strided view: up to six axes (after merging axes that are
// contiguous for every operand), stored right-aligned so the innermost axis is always slot 5. At(i)
// turns the row-major position i into a storage index. Broadcast axes have stride 0.
namespace Engine.Tensors.Gpu.Kernels;

public struct Strided
{
    public const int MaxRank = 6;

    public int Rank;
    public int Offset;
    public int D0, D1, D2, D3, D4, D5;
    public int S0, S1, S2, S3, S4, S5;

    /// <summary>The storage index of row-major position linear.</summary>
    public readonly int At(int linear)
    {
        int l = linear, pos = Offset;
        pos += l % D5 * S5;
        l /= D5;
        if (Rank > 1) { pos += l % D4 * S4; l /= D4; }
        if (Rank > 2) { pos += l % D3 * S3; l /= D3; }
        if (Rank > 3) { pos += l % D2 * S2; l /= D2; }
        if (Rank > 4) { pos += l % D1 * S1; l /= D1; }
        if (Rank > 5) pos += l % D0 * S0;
        return pos;
    }

    /// <summary>Builds the layout of shape/strides (already merged, at most six axes) at offset.</summary>
    public static Strided Of(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, int offset)
    {
        if (shape.Length > MaxRank)
            throw new EngineException($"gpu: a view with {shape.Length} axes that cannot be merged (shape {ShapeMath.Format(shape.ToArray())}) is beyond the kernels' {MaxRank}; make it contiguous first");
        Span<int> d = stackalloc int[MaxRank];
        Span<int> s = stackalloc int[MaxRank];
        d.Fill(1);
        s.Clear();
        int lead = MaxRank - shape.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            d[lead + i] = shape[i];
            s[lead + i] = strides[i];
        }
        return new Strided
        {
            Rank = Math.Max(shape.Length, 1),
            Offset = offset,
            D0 = d[0], D1 = d[1], D2 = d[2], D3 = d[3], D4 = d[4], D5 = d[5],
            S0 = s[0], S1 = s[1], S2 = s[2], S3 = s[3], S4 = s[4], S5 = s[5],
        };
    }
}
