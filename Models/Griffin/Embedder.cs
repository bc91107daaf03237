// Token embedding with the tied output projection (recurrentgemma `torch/modules.py` Embedder;
// specs/griffin.md §1.2). encode: table lookup, optionally times sqrt(width) rounded to bfloat16 first
// ("to match training"; bf16(sqrt(2560)) = 50.5). decode: x·tableᵀ with no scaling.
using Engine.Autograd;
using Engine.Nn;
using Engine.Nn.Checkpoints;
using Engine.Tensors;

namespace Engine.Models.Griffin;

public sealed class Embedder : Module
{
    public int VocabSize { get; }
    public int Width { get; }
    public bool ScaleBySqrtDim { get; }
    public Tensor InputEmbedding { get; }

    public Embedder(int vocabSize, int width, bool scaleBySqrtDim, Generator rng, DType dtype)
    {
        VocabSize = vocabSize;
        Width = width;
        ScaleBySqrtDim = scaleBySqrtDim;
        InputEmbedding = RegisterParameter("input_embedding", Init.Normal([vocabSize, width], rng, std: 1 / Math.Sqrt(width), dtype: dtype));
    }

    /// <summary>The multiplier applied after lookup: bf16(sqrt(width)) when scaling is on, else 1.</summary>
    public double InputScale => ScaleBySqrtDim ? RoundToBFloat16(Math.Sqrt(Width)) : 1.0;

    public static double RoundToBFloat16(double value) =>
        HalfPrecision.BFloat16ToFloat(HalfPrecision.FloatToBFloat16((float)value));

    /// <summary>int64 tokens [B, T] to embeddings [B, T, width].</summary>
    public Tensor Encode(Tensor tokens)
    {
        if (tokens.DType != DType.Int64)
            throw new EngineException($"Embedder: tokens must be int64, got {tokens.DType.Name()} of shape {tokens.ShapeString}");
        var flat = tokens.Data.Reshape(-1);
        foreach (long id in flat.ToArray<long>())
            if (id < 0 || id >= VocabSize)
                throw new EngineException($"Embedder: token id {id} is outside [0, {VocabSize}) (tokens shape {tokens.ShapeString})");
        var rows = InputEmbedding.IndexSelect(0, new Tensor(flat)).Reshape([.. tokens.Data.ShapeCopy(), Width]);
        return ScaleBySqrtDim ? rows * InputScale : rows;
    }

    /// <summary>Tied output projection: [.., width] to logits [.., vocab].</summary>
    public Tensor Decode(Tensor x) => x.MatMul(InputEmbedding.MT());
}
