// Block-diagonal dense layer of the RG-LRU gates (recurrentgemma `torch/layers.py` BlockDiagonalLinear;
// specs/griffin.md §1.8): the E channels split into H contiguous blocks of E/H,
// out[h, j] = Σ_i in[h, i]·w[h, i, j] + b[h, j]. The code uses H = num_heads blocks; the paper says 16.
using Engine.Autograd;
using Engine.Nn;
using Engine.Tensors;

namespace Engine.Models.Griffin;

public sealed class BlockDiagonalLinear : Module
{
    public int Width { get; }
    public int NumBlocks { get; }
    public int BlockWidth => Width / NumBlocks;
    public Tensor W { get; }
    public Tensor B { get; }

    /// <summary>Weights Normal(0, 1/sqrt(E/H)) as in the torch reference, bias zero (specs/griffin.md §2).</summary>
    public BlockDiagonalLinear(int width, int numBlocks, Generator rng, DType dtype)
    {
        Width = width;
        NumBlocks = numBlocks;
        W = RegisterParameter("w", Init.Normal([numBlocks, BlockWidth, BlockWidth], rng, std: 1 / Math.Sqrt(BlockWidth), dtype: dtype));
        B = RegisterParameter("b", NDArray.Zeros([numBlocks, BlockWidth], dtype));
    }

    /// <summary>x [..., E] to [..., E].</summary>
    public Tensor Forward(Tensor x)
    {
        int[] shape = x.Data.ShapeCopy();
        int rows = x.Size / Width;
        var blocks = x.Reshape(rows, NumBlocks, BlockWidth).Permute(1, 0, 2);   // [H, rows, E/H]
        var mixed = blocks.MatMul(W) + B.Unsqueeze(1);                            // [H, rows, E/H]
        return mixed.Permute(1, 0, 2).Reshape(shape);
    }
}
