// Rotary position embedding as the reference applies it (recurrentgemma `torch/modules.py` apply_rope;
// specs/griffin.md §1.9): only the first half of each head (r = hd/2 dims) is rotated, with split-half
// pairing inside it (dims [0, r/2) with [r/2, r)), frequencies 10000^(−2j/r), position = segment position.
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Models.Griffin;

public static class Rope
{
    public const double MaxWavelength = 10_000;

    /// <summary>x [B, T, heads, hd] rotated by positions [B, T] (a float tensor of x's dtype).</summary>
    public static Tensor Apply(Tensor x, Tensor positions)
    {
        int headDim = x.Dim(-1), rotated = headDim / 2, half = rotated / 2;
        var inverseFrequencies = new double[half];
        for (int j = 0; j < half; j++) inverseFrequencies[j] = Math.Pow(MaxWavelength, -2.0 * j / rotated);
        var angles = positions.Data.ToDType(DType.Float64).Unsqueeze(-1)
            .Mul(NDArray.FromArray(inverseFrequencies, half).To(positions.Device)).Unsqueeze(2);          // [B, T, 1, half]
        var cos = new Tensor(angles.Cos().ToDType(x.DType));
        var sin = new Tensor(angles.Sin().ToDType(x.DType));
        var parts = x.Split([half, half, headDim - rotated], -1);
        var first = parts[0] * cos - parts[1] * sin;
        var second = parts[1] * cos + parts[0] * sin;
        return Tensor.Cat([first, second, parts[2]], -1);
    }
}
