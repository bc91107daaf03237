// Batches of token windows: shapes, document positions, seeded shuffling, epochs and exact resumption.
using Engine.Tensors;
using Engine.Training.Data;
using Xunit;

namespace Engine.Training.Tests.Data;

public sealed class TokenBatcherTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TextCorpus _corpus;

    public TokenBatcherTests()
    {
        // Documents of different lengths, some shorter than a window, so windows cross document boundaries.
        string[] documents = ["short", "a medium sized document", "x", "the longest document of this small corpus, by far", "end"];
        for (int i = 0; i < documents.Length; i++) File.WriteAllText(_dir.File($"doc{i}.txt"), documents[i]);
        _corpus = TextCorpus.Open(_dir.Path, new CorpusOptions { ValidationFraction = 0 });
    }

    public void Dispose()
    {
        _corpus.Dispose();
        _dir.Dispose();
    }

    private static List<long[]> Take(TokenBatcher batcher, int batches) =>
        Enumerable.Range(0, batches).Select(_ => batcher.Next().Tokens.ToArray<long>()).ToList();

    [Fact]
    public void BatchesHaveWindowTokensTargetsAndPositions()
    {
        const int batch = 3, length = 8;
        var batcher = new TokenBatcher(_corpus.Train, batch, length, seed: 1);
        Assert.Equal((_corpus.Train.TokenCount - 1) / length, batcher.WindowCount);
        var all = new long[_corpus.Train.TokenCount];
        var allPositions = new long[all.Length];
        _corpus.Train.ReadTokens(0, all, allPositions);

        for (int step = 0; step < 5; step++)
        {
            var b = batcher.Next();
            Assert.Equal([batch, length + 1], b.Tokens.ShapeCopy());
            Assert.Equal([batch, length], b.Positions.ShapeCopy());
            Assert.Equal(DType.Int64, b.Tokens.DType);
            Assert.Equal(b.Tokens.Slice(1, 1, length + 1).ToArray<long>(), b.Targets.ToArray<long>());
            Assert.Equal([batch, length], b.Inputs.ShapeCopy());

            var tokens = b.Tokens.ToArray<long>();
            var positions = b.Positions.ToArray<long>();
            for (int row = 0; row < batch; row++)
            {
                // Each row is some window w: tokens [w*length, w*length + length + 1) of the stream.
                var rowTokens = tokens.AsSpan(row * (length + 1), length + 1).ToArray();
                int window = Enumerable.Range(0, (int)batcher.WindowCount)
                    .Single(w => all.AsSpan(w * length, length + 1).SequenceEqual(rowTokens));
                Assert.Equal(allPositions.AsSpan(window * length, length).ToArray(), positions.AsSpan(row * length, length).ToArray());
                for (int t = 0; t < length; t++)
                    Assert.Equal(rowTokens[t] == ByteTokenizer.Bos, positions[row * length + t] == 0);
            }
        }
    }

    [Fact]
    public void PositionsCountFromEachDocumentStart()
    {
        var tokens = new long[_corpus.Train.TokenCount];
        var positions = new long[tokens.Length];
        _corpus.Train.ReadTokens(0, tokens, positions);
        // doc0 "short" is BOS + 5 bytes, then doc1 starts.
        Assert.Equal([0L, 1, 2, 3, 4, 5, 0, 1], positions.AsSpan(0, 8).ToArray());
        Assert.Equal([ByteTokenizer.Bos, 's', 'h', 'o', 'r', 't', ByteTokenizer.Bos, 'a'], tokens.AsSpan(0, 8).ToArray());
    }

    [Fact]
    public void EachEpochVisitsEveryWindowOnceInAFreshOrder()
    {
        var batcher = new TokenBatcher(_corpus.Train, batchSize: 1, sequenceLength: 4, seed: 5);
        int windows = (int)batcher.WindowCount;
        var first = Take(batcher, windows).Select(t => string.Join(",", t)).ToList();
        Assert.Equal(1, batcher.Epoch);
        var second = Take(batcher, windows).Select(t => string.Join(",", t)).ToList();
        Assert.Equal(windows, first.Distinct().Count());
        Assert.Equal(first.Order(), second.Order());
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void SameSeedGivesTheSameBatchesAndOtherSeedsDiffer()
    {
        var a = Take(new TokenBatcher(_corpus.Train, 4, 6, seed: 42), 10);
        var b = Take(new TokenBatcher(_corpus.Train, 4, 6, seed: 42), 10);
        var c = Take(new TokenBatcher(_corpus.Train, 4, 6, seed: 43), 10);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void RestoringAStateReplaysTheExactBatchSequence()
    {
        var original = new TokenBatcher(_corpus.Train, 3, 5, seed: 9);
        Take(original, 7); // runs past the end of the first epoch
        var saved = original.State;
        var expected = Take(original, 12);

        var resumed = new TokenBatcher(_corpus.Train, 3, 5, seed: 9);
        resumed.Restore(saved);
        Assert.Equal(saved, resumed.State);
        Assert.Equal(expected, Take(resumed, 12));
    }

    [Fact]
    public void StateSurvivesACheckpointMetadataMap()
    {
        var batcher = new TokenBatcher(_corpus.Train, 2, 5, seed: ulong.MaxValue);
        Take(batcher, 9);
        var metadata = batcher.State.ToMetadata();
        Assert.Equal("18446744073709551615", metadata["data.seed"]);
        Assert.Equal(batcher.State, BatcherState.FromMetadata(metadata));

        metadata.Remove("data.epoch");
        metadata["data.next_window"] = "-3";
        var error = Assert.Throws<EngineException>(() => BatcherState.FromMetadata(metadata));
        Assert.Contains("missing 'data.epoch'", error.Message);
        Assert.Contains("'data.next_window' is '-3'", error.Message);
    }

    [Fact]
    public void RestoringAForeignStateIsAnEngineException()
    {
        var state = new TokenBatcher(_corpus.Train, 3, 5, seed: 9).State;
        Assert.Throws<EngineException>(() => new TokenBatcher(_corpus.Train, 3, 5, seed: 10).Restore(state));
        Assert.Throws<EngineException>(() => new TokenBatcher(_corpus.Train, 3, 6, seed: 9).Restore(state));
        Assert.Throws<EngineException>(() => new TokenBatcher(_corpus.Train, 3, 5, seed: 9).Restore(state with { NextWindow = -1 }));
    }

    [Fact]
    public void OnePassCoversEveryWindowInOrderWithoutMovingTheState()
    {
        var batcher = new TokenBatcher(_corpus.Train, 4, 7, seed: 3);
        var batches = batcher.OnePass().ToList();
        Assert.Equal(batcher.WindowCount, batches.Sum(b => (long)b.Tokens.Dim(0)));
        Assert.True(batches[^1].Tokens.Dim(0) <= 4);
        var rows = batches.SelectMany(b => b.Tokens.ToArray<long>()).ToArray();
        var expected = new long[rows.Length];
        for (int w = 0; w < batcher.WindowCount; w++) _corpus.Train.ReadTokens(w * 7, expected.AsSpan(w * 8, 8), []);
        Assert.Equal(expected, rows);
        Assert.Equal(new BatcherState(3, batcher.WindowCount, 7, 0, 0), batcher.State);
    }

    [Fact]
    public void CorpusSmallerThanOneWindowIsAnEngineException()
    {
        var error = Assert.Throws<EngineException>(() => new TokenBatcher(_corpus.Train, 1, (int)_corpus.Train.TokenCount, seed: 0));
        Assert.Contains("fewer than one window", error.Message);
        Assert.Throws<EngineException>(() => new TokenBatcher(_corpus.Validation, 1, 4, seed: 0));
        Assert.Throws<EngineException>(() => new TokenBatcher(_corpus.Train, 0, 4, seed: 0));
    }
}
