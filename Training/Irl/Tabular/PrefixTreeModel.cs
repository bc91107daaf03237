// A tabular "tree language" policy (specs/irl-rl.md A.6 and F A-2): one free logit vector per response
// prefix, so every per-state offset is free and the exact optimum of a loss can be studied. Letters are
// tokens 0..K-1 and EOS is token K; prefixes up to MaxDepth letters have their own rows, and every other
// position (after EOS, or past MaxDepth) shares one absorbing row that never receives gradient because
// its transitions are masked or terminal. It also enumerates the model's exact sequence distribution.
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Training.Irl.Tabular;

public sealed class PrefixTreeModel
{
    public int Letters { get; }
    public int MaxDepth { get; }
    public int Eos => Letters;
    public int Vocab => Letters + 1;
    public int StateCount { get; }

    /// <summary>The logits, one row per prefix state plus the absorbing row: [StateCount + 1, Vocab].</summary>
    public Tensor Table { get; }

    public PrefixTreeModel(int letters, int maxDepth, Generator rng, double initStd = 0.0, DType dtype = DType.Float64)
    {
        if (letters < 1 || maxDepth < 0) throw new EngineException($"prefix tree: need letters >= 1 and depth >= 0, got {letters} and {maxDepth}");
        Letters = letters;
        MaxDepth = maxDepth;
        int count = 0, level = 1;
        for (int d = 0; d <= maxDepth; d++, level *= letters) count += level;
        StateCount = count;
        Table = new Tensor(rng.Normal([count + 1, Vocab], 0, initStd, dtype), requiresGrad: true) { Name = "table" };
    }

    /// <summary>The row of a prefix of letters; the absorbing row for anything longer or containing EOS.</summary>
    public int StateOf(ReadOnlySpan<int> prefix)
    {
        if (prefix.Length > MaxDepth) return StateCount;
        int offset = 0, level = 1, index = 0;
        for (int d = 0; d < prefix.Length; d++, level *= Letters) offset += level;
        foreach (int token in prefix)
        {
            if (token < 0 || token >= Letters) return StateCount;
            index = index * Letters + token;
        }
        return offset + index;
    }

    /// <summary>Logits [B, L, Vocab] for a batch whose responses are letter/EOS sequences. The prompt is
    /// ignored: every response starts at the root.</summary>
    public Tensor Logits(TransitionBatch batch)
    {
        var tokens = batch.Tokens.ToArray<long>();
        var ids = new long[batch.BatchSize * batch.Length];
        for (int b = 0; b < batch.BatchSize; b++)
        {
            int start = batch.FirstAction[b];
            var prefix = new List<int>();
            for (int i = 0; i < batch.Length; i++)
            {
                if (i > start && i <= start + batch.ResponseLength[b]) prefix.Add((int)tokens[b * batch.Length + i]);
                ids[b * batch.Length + i] = i < start || i > start + batch.ResponseLength[b] ? StateCount : StateOf(prefix.ToArray());
            }
        }
        return Table.IndexSelect(0, Tensor.FromArray(ids, ids.Length)).Reshape(batch.BatchSize, batch.Length, Vocab);
    }

    /// <summary>Every outcome of sampling from the root and its exact probability: sequences that end with
    /// EOS at depth 0..MaxDepth, and the overflow outcomes (a letter emitted at depth MaxDepth), which
    /// are listed as the prefix plus that letter and count as incomplete.</summary>
    public IReadOnlyList<(int[] Sequence, bool Complete, double Probability)> Outcomes()
    {
        var probs = Table.Data.Softmax(1).ToDoubleArray();
        var result = new List<(int[], bool, double)>();
        void Walk(List<int> prefix, double mass)
        {
            int row = StateOf(prefix.ToArray());
            result.Add(([.. prefix, Eos], true, mass * probs[row * Vocab + Eos]));
            for (int letter = 0; letter < Letters; letter++)
            {
                double next = mass * probs[row * Vocab + letter];
                prefix.Add(letter);
                if (prefix.Count > MaxDepth) result.Add(([.. prefix], false, next));
                else Walk(prefix, next);
                prefix.RemoveAt(prefix.Count - 1);
            }
        }
        Walk([], 1.0);
        return result;
    }
}
