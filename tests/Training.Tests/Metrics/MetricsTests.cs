// The diversity, rank and entropy metrics on cases small enough to work out by hand (values derived in
// the comments next to each assertion).
using Engine.Tensors;
using Engine.Training.Metrics;
using Xunit;

namespace Engine.Training.Tests.Metrics;

public class MetricsTests
{
    [Fact]
    public void DistinctNCountsUniqueOverTotalNGrams()
    {
        IReadOnlyList<int>[] sequences = [[1, 2, 3], [1, 2, 4]];
        Assert.Equal(4.0 / 6, NGrams.DistinctN(sequences, 1), 12);   // {1,2,3,4} of 6 unigrams
        Assert.Equal(3.0 / 4, NGrams.DistinctN(sequences, 2), 12);   // (1 2) twice, (2 3), (2 4)
        Assert.Equal(2.0 / 2, NGrams.DistinctN(sequences, 3), 12);
        Assert.Equal(0, NGrams.DistinctN(sequences, 4));             // no 4-grams at all
        Assert.Equal(2, NGrams.DistinctSequences([[5, 6], [5, 6], [6, 5]]));
    }

    [Fact]
    public void BleuMatchesHandComputedPrecisionsClippingAndBrevity()
    {
        // hyp 1 2 3 4, ref 1 2 3 5: p1 = 3/4, p2 = 2/3, equal lengths so BP = 1.
        Assert.Equal(Math.Sqrt(3.0 / 4 * 2.0 / 3), SelfBleu.Bleu([1, 2, 3, 4], [[1, 2, 3, 5]], 2, addOneSmoothing: false), 12);
        // add-one: p1 = 4/5, p2 = 3/4.
        Assert.Equal(Math.Sqrt(4.0 / 5 * 3.0 / 4), SelfBleu.Bleu([1, 2, 3, 4], [[1, 2, 3, 5]], 2), 12);
        // clipping: hyp 7 7 7 against ref 7 5 matches one 7 of three: p1 = 1/3; BP = 1 (3 > 2).
        Assert.Equal(1.0 / 3, SelfBleu.Bleu([7, 7, 7], [[7, 5]], 1, addOneSmoothing: false), 12);
        // brevity: hyp 1 2 against ref 1 2 3: p1 = 1, BP = exp(1 − 3/2).
        Assert.Equal(Math.Exp(1 - 1.5), SelfBleu.Bleu([1, 2], [[1, 2, 3]], 1, addOneSmoothing: false), 12);
        // closest reference length wins: refs of length 2 and 5 for a hypothesis of length 2 give BP = 1.
        Assert.Equal(1.0, SelfBleu.Bleu([1, 2], [[1, 2, 3, 4, 5], [2, 1]], 1, addOneSmoothing: false), 12);
        // 4-grams: identical 4-token sequences score 1 at every order.
        Assert.Equal(1.0, SelfBleu.Bleu([1, 2, 3, 4], [[1, 2, 3, 4]], 4, addOneSmoothing: false), 12);
    }

    [Fact]
    public void SelfBleuIsOneForIdenticalSamplesAndFallsWithDiversity()
    {
        Assert.Equal(1.0, SelfBleu.Score([[1, 2, 3], [1, 2, 3], [1, 2, 3]], 2), 12);
        Assert.Equal(0.0, SelfBleu.Score([[1, 2], [3, 4]], 2, addOneSmoothing: false), 12);
        // Samples a b, a c: each has p1 = 1/2, p2 = 0/1 -> smoothed (1+1)/(2+1) and (0+1)/(1+1); BP = 1.
        Assert.Equal(Math.Sqrt(2.0 / 3 * 1.0 / 2), SelfBleu.Score([[1, 2], [1, 3]], 2), 12);
        Assert.Throws<EngineException>(() => SelfBleu.Score([[1]], 2));
    }

    [Fact]
    public void SpearmanUsesAverageRanksForTies()
    {
        Assert.Equal(new[] { 1, 2, 3.5, 5, 3.5 }, RankCorrelation.AverageRanks([5, 6, 7, 8, 7]));
        // ranks [1..5] against [1, 2, 3.5, 5, 3.5]: Σdxdy = 8, Σdx² = 10, Σdy² = 9.5.
        Assert.Equal(8 / Math.Sqrt(95), RankCorrelation.Spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]), 12);
        Assert.Equal(1.0, RankCorrelation.Spearman([1, 10, 100], [-5, 0, 0.1]), 12);
        Assert.Equal(-1.0, RankCorrelation.Spearman([1, 2, 3], [3, 2, 1]), 12);
        Assert.True(double.IsNaN(RankCorrelation.Spearman([1, 2, 3], [4, 4, 4])));
    }

    [Fact]
    public void EntropiesAndTaskScores()
    {
        Assert.Equal(Math.Log(4), SequenceMetrics.Entropy([0.25, 0.25, 0.25, 0.25, 0]), 12);
        Assert.Equal(-(0.5 * Math.Log(0.5) + 0.5 * Math.Log(0.5)), SequenceMetrics.Entropy([0.5, 0.5]), 12);
        Assert.Equal(1.5, SequenceMetrics.MonteCarloEntropy([-1, -2]), 12);
        IReadOnlyList<int> prompt = [0];
        double validity = SequenceMetrics.MeanScore([(prompt, [1, 2]), (prompt, [2]), (prompt, [1])], (p, r) => r[0] == 1 ? 1 : 0);
        Assert.Equal(2.0 / 3, validity, 12);
        var (mean, sem) = SequenceMetrics.MeanAndSem([1, 2, 3]);
        Assert.Equal(2, mean, 12);
        Assert.Equal(1 / Math.Sqrt(3), sem, 12);   // sample sd 1, n = 3
    }
}
