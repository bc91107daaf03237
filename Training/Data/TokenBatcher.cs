// Cuts a corpus split into windows of sequenceLength + 1 tokens (inputs plus shifted targets) and serves
// them in batches, in a seeded shuffled order that is reshuffled every epoch. Its whole state is
// (epoch, next window), so a run restored from a checkpoint sees exactly the batches it would have seen.
using Engine.Tensors;

namespace Engine.Training.Data;

/// <summary>
/// Tokens [batch, sequenceLength + 1] (int64); Inputs and Targets are views of its first and last
/// sequenceLength columns. Positions [batch, sequenceLength] (int64) is each input token's index inside its
/// document: 0 marks a document start, where a recurrent model should reset its state.
/// </summary>
public sealed record TokenBatch(NDArray Tokens, NDArray Positions)
{
    public NDArray Inputs => Tokens.Slice(1, 0, Tokens.Dim(1) - 1);

    public NDArray Targets => Tokens.Slice(1, 1, Tokens.Dim(1));
}

public sealed class TokenBatcher
{
    // Epoch e shuffles with Philox blocks from e * 2^31 under the seed. A permutation of n windows uses
    // n / 2 blocks (n < 2^31), so epochs never share blocks and any epoch's order is rebuilt directly.
    private const int EpochOffsetShift = 31;

    private readonly CorpusSplit _split;
    private readonly bool _shuffle;
    private int[]? _order;
    private long _orderEpoch = -1;

    public TokenBatcher(CorpusSplit split, int batchSize, int sequenceLength, ulong seed, bool shuffle = true)
    {
        if (batchSize < 1) throw new EngineException($"token-batcher: batch size must be at least 1, got {batchSize}");
        if (sequenceLength < 1) throw new EngineException($"token-batcher: sequence length must be at least 1, got {sequenceLength}");
        if (split.TokenCount < (long)sequenceLength + 1)
            throw new EngineException($"token-batcher: corpus split '{split.Name}' has {split.TokenCount} tokens, fewer than one window of {sequenceLength + 1} (sequence length {sequenceLength} + 1 target)");
        long windows = (split.TokenCount - 1) / sequenceLength;
        if (shuffle && windows > int.MaxValue)
            throw new EngineException($"token-batcher: {windows} windows are too many to shuffle; use a longer sequence length");
        _split = split;
        _shuffle = shuffle;
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
        Seed = seed;
        WindowCount = windows;
    }

    public int BatchSize { get; }

    public int SequenceLength { get; }

    public ulong Seed { get; }

    /// <summary>Window w covers tokens [w * SequenceLength, (w + 1) * SequenceLength + 1): consecutive windows share one token.</summary>
    public long WindowCount { get; }

    public long Epoch { get; private set; }

    public long NextWindow { get; private set; }

    public BatcherState State => new(Seed, WindowCount, SequenceLength, Epoch, NextWindow);

    public void Restore(BatcherState state)
    {
        if (state.Seed != Seed || state.WindowCount != WindowCount || state.SequenceLength != SequenceLength)
            throw new EngineException(
                $"token-batcher: cannot restore a state from another batcher (state: seed {state.Seed}, {state.WindowCount} windows, " +
                $"sequence length {state.SequenceLength}; this batcher: seed {Seed}, {WindowCount} windows, sequence length {SequenceLength})");
        if (state.Epoch < 0 || state.NextWindow < 0 || state.NextWindow >= WindowCount)
            throw new EngineException($"token-batcher: state epoch {state.Epoch}, window {state.NextWindow} is outside [0, {WindowCount})");
        Epoch = state.Epoch;
        NextWindow = state.NextWindow;
    }

    /// <summary>The next BatchSize windows; the stream runs on into the next epoch (reshuffled) without end.</summary>
    public TokenBatch Next()
    {
        var batch = Allocate(BatchSize);
        for (int row = 0; row < BatchSize; row++)
        {
            FillRow(batch, row, WindowAt(Epoch, NextWindow));
            if (++NextWindow == WindowCount)
            {
                NextWindow = 0;
                Epoch++;
            }
        }
        return batch;
    }

    /// <summary>Every window once, in corpus order (for evaluation); the last batch may be smaller. Leaves the state alone.</summary>
    public IEnumerable<TokenBatch> OnePass()
    {
        for (long first = 0; first < WindowCount; first += BatchSize)
        {
            int rows = (int)Math.Min(BatchSize, WindowCount - first);
            var batch = Allocate(rows);
            for (int row = 0; row < rows; row++) FillRow(batch, row, first + row);
            yield return batch;
        }
    }

    private long WindowAt(long epoch, long index)
    {
        if (!_shuffle) return index;
        if (_orderEpoch != epoch)
        {
            _order = new Generator(Seed, (ulong)epoch << EpochOffsetShift).Permutation((int)WindowCount);
            _orderEpoch = epoch;
        }
        return _order![index];
    }

    private TokenBatch Allocate(int rows) =>
        new(NDArray.Empty([rows, SequenceLength + 1], DType.Int64), NDArray.Empty([rows, SequenceLength], DType.Int64));

    private void FillRow(TokenBatch batch, int row, long window)
    {
        var tokens = batch.Tokens.Span<long>().Slice(row * (SequenceLength + 1), SequenceLength + 1);
        var positions = batch.Positions.Span<long>().Slice(row * SequenceLength, SequenceLength);
        _split.ReadTokens(window * SequenceLength, tokens, positions);
    }
}
