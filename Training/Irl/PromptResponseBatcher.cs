// Shuffled minibatches of prompt/response demonstrations: each epoch is a seeded permutation of the
// pairs (Philox, so the order is the same on every machine), consumed batchSize at a time; a batch that
// would cross an epoch boundary starts the next epoch instead. Its resumable state is a BatcherState
// (WindowCount = number of pairs), so LM checkpoints store it unchanged.
using Engine.Tensors;
using Engine.Training.Data;

namespace Engine.Training.Irl;

public sealed class PromptResponseBatcher
{
    private readonly IReadOnlyList<PromptResponse> _pairs;
    private readonly int _longest;
    private int[] _order = [];

    public PromptResponseBatcher(IReadOnlyList<PromptResponse> pairs, int batchSize, ulong seed)
    {
        if (pairs.Count == 0) throw new EngineException("irl data: no prompt/response pairs");
        if (batchSize < 1) throw new EngineException($"irl data: batch size must be at least 1, got {batchSize}");
        _pairs = pairs;
        BatchSize = Math.Min(batchSize, pairs.Count);
        Seed = seed;
        _longest = pairs.Max(p => p.Prompt.Length + p.Response.Length);
        Shuffle();
    }

    public int BatchSize { get; }
    public ulong Seed { get; }
    public long Epoch { get; private set; }
    public long NextPair { get; private set; }

    public BatcherState State => new(Seed, _pairs.Count, _longest, Epoch, NextPair);

    public void Restore(BatcherState state)
    {
        if (state.Seed != Seed || state.WindowCount != _pairs.Count || state.SequenceLength != _longest || state.NextWindow > _pairs.Count)
            throw new EngineException($"irl data: the checkpoint's data position ({state.WindowCount} pairs, seed {state.Seed}) does not match this data ({_pairs.Count} pairs, seed {Seed})");
        Epoch = state.Epoch;
        NextPair = state.NextWindow;
        Shuffle();
    }

    /// <summary>The next batch's demonstrations, in shuffled order.</summary>
    public IReadOnlyList<PromptResponse> NextPairs()
    {
        if (NextPair + BatchSize > _pairs.Count)
        {
            Epoch++;
            NextPair = 0;
            Shuffle();
        }
        var batch = new PromptResponse[BatchSize];
        for (int i = 0; i < BatchSize; i++) batch[i] = _pairs[_order[NextPair + i]];
        NextPair += BatchSize;
        return batch;
    }

    private void Shuffle()
    {
        var keys = new Generator(Seed, (ulong)Epoch * 1_000_003UL).Uniform([_pairs.Count], dtype: DType.Float64).ToArray<double>();
        _order = [.. Enumerable.Range(0, _pairs.Count).OrderBy(i => keys[i]).ThenBy(i => i)];
    }
}
