// The bigram language model: the logits of the next token are a learned row per current token. The
// smallest honest baseline (its loss is the conditional entropy of a byte given the previous byte) and
// a fast model for smoke tests of the training loop.
using Engine.Autograd;
using Engine.Models.Lm;
using Engine.Tensors;

namespace Engine.Models.Baselines;

public sealed class BigramLm : LanguageModel
{
    private readonly Tensor _table;

    public BigramLm(int vocabSize, Generator rng, DType dtype = DType.Float32)
    {
        if (vocabSize < 1) throw new EngineException($"BigramLm: vocabulary size must be positive, got {vocabSize}");
        VocabSize = vocabSize;
        _table = RegisterParameter("table", rng.Normal([vocabSize, vocabSize], 0, 0.02, dtype));
    }

    public override int VocabSize { get; }

    public override Tensor Forward(Tensor tokens, Tensor segmentPositions)
    {
        if (tokens.Rank != 2 || !tokens.Shape.SequenceEqual(segmentPositions.Shape))
            throw new EngineException($"BigramLm: tokens {tokens.ShapeString} and positions {segmentPositions.ShapeString} must both be [batch, time]");
        int batch = tokens.Dim(0), time = tokens.Dim(1);
        return _table.IndexSelect(0, tokens.Reshape(-1)).Reshape(batch, time, VocabSize);
    }
}
