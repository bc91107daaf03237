// Philox known-answer vectors from Random123, thread-count independence, (seed, offset) checkpoints,
// and loose statistical checks of uniform, normal, bernoulli, categorical and permutation draws.
using Xunit;
using static Engine.Tensors.Tests.ArrayGen;

namespace Engine.Tensors.Tests;

[Collection(ThreadSettingCollection.Name)]
public class RandomTests
{
    [Fact]
    public void PhiloxMatchesRandom123KnownAnswers()
    {
        Assert.Equal((0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u), Philox.Block(0, 0, 0, 0, 0, 0));
        Assert.Equal((0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu),
            Philox.Block(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff));
        Assert.Equal((0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u),
            Philox.Block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
        // The 64-bit form splits key and counter into low and high words.
        Assert.Equal(Philox.Block(0x03707344, 0x13198a2e, 0, 0, 0xa4093822, 0x299f31d0), Philox.Block(0x299f31d0a4093822UL, 0x13198a2e03707344UL));
    }

    [Fact]
    public void SameSeedGivesIdenticalBitsForAnyThreadCount()
    {
        int saved = Parallelism.MaxThreads;
        try
        {
            var runs = new List<(float[], double[], double[])>();
            foreach (int threads in new[] { 1, 2 })
            {
                Parallelism.MaxThreads = threads;
                var g = new Generator(1234);
                runs.Add((g.Uniform([70001]).ToArray<float>(), g.Normal([50001], 1, 2, DType.Float64).ToArray<double>(), g.Uniform([3, 40000], -1, 1, DType.Float64).ToArray<double>()));
            }
            Assert.Equal(runs[0].Item1, runs[1].Item1);
            Assert.Equal(runs[0].Item2, runs[1].Item2);
            Assert.Equal(runs[0].Item3, runs[1].Item3);
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    [Fact]
    public void SavingSeedAndOffsetResumesTheSequence()
    {
        var g = new Generator(99);
        g.Uniform([7]);
        var (seed, offset) = (g.Seed, g.Offset);
        Assert.Equal(2UL, offset);
        var a = g.Normal([5], dtype: DType.Float64).ToArray<double>();
        var b = g.Uniform([9]).ToArray<float>();
        var resumed = new Generator(seed, offset);
        Assert.Equal(a, resumed.Normal([5], dtype: DType.Float64).ToArray<double>());
        Assert.Equal(b, resumed.Uniform([9]).ToArray<float>());
        Assert.Equal(g.Offset, resumed.Offset);
        Assert.NotEqual(a, new Generator(100, offset).Normal([5], dtype: DType.Float64).ToArray<double>());
        // Setting Offset rewinds.
        g.Offset = offset;
        Assert.Equal(a, g.Normal([5], dtype: DType.Float64).ToArray<double>());
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(-2.0, 3.0)]
    [InlineData(10.0, 11.0)]
    [InlineData(1e6, 1e6 + 1)]
    public void UniformStaysInRangeWithSaneMean(double low, double high)
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var u = Flat(new Generator(7).Uniform([100_000], low, high, dtype));
            // float32 cannot hold every bound exactly; compare against the bounds as stored.
            double lo = dtype == DType.Float32 ? (float)low : low, hi = dtype == DType.Float32 ? (float)high : high;
            Assert.All(u, v => Assert.True(v >= lo && v < hi, $"{v:R} outside [{lo:R}, {hi:R}) for {dtype.Name()}"));
            Assert.Equal((low + high) / 2, u.Average(), 0.01 * (high - low));
        }
    }

    [Fact]
    public void NormalHasTheRequestedMeanAndStd()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = Flat(new Generator(3).Normal([100_001], 2, 3, dtype));
            double mean = x.Average();
            double std = Math.Sqrt(x.Select(v => (v - mean) * (v - mean)).Average());
            // Standard error of the mean is 3 / sqrt(1e5) ~ 0.0095; of the std about 0.0067.
            Assert.Equal(2, mean, 0.05);
            Assert.Equal(3, std, 0.04);
            Assert.InRange(x.Count(v => Math.Abs(v - 2) < 3) / (double)x.Length, 0.67, 0.695);
            Assert.All(x, v => Assert.True(double.IsFinite(v)));
        }
        Throws(() => new Generator(1).Normal([2], 0, -1), "normal", "-1");
    }

    [Fact]
    public void BernoulliRate()
    {
        var p = NDArray.FromArray(new[] { 0.0, 0.3, 1.0 }).Reshape(1, 3).Expand(50_000, 3);
        var b = new Generator(11).Bernoulli(p);
        Assert.Equal([50_000, 3], b.ShapeCopy());
        var rates = Flat(b.Mean([0]));
        Assert.Equal(0, rates[0]);
        Assert.Equal(0.3, rates[1], 0.01);
        Assert.Equal(1, rates[2]);
        Assert.All(Flat(b), v => Assert.True(v is 0 or 1));
        Throws(() => new Generator(1).Bernoulli(NDArray.FromArray(new[] { 1.5 })), "bernoulli", "1.5");
    }

    [Fact]
    public void CategoricalFrequenciesAndZeroWeights()
    {
        var w = NDArray.FromArray(new[] { 1.0, 0, 3, 0, 6, 0 }).Reshape(1, 6).Expand(60_000, 6);
        var picks = Flat(new Generator(5).Categorical(w));
        Assert.Equal(60_000, picks.Length);
        var counts = new int[6];
        foreach (var p in picks) counts[(int)p]++;
        Assert.Equal(0, counts[1] + counts[3] + counts[5]);
        Assert.Equal(0.1, counts[0] / 60_000.0, 0.01);
        Assert.Equal(0.3, counts[2] / 60_000.0, 0.01);
        Assert.Equal(0.6, counts[4] / 60_000.0, 0.01);
        // A single positive weight at either end is always picked.
        Assert.All(Flat(new Generator(6).Categorical(NDArray.FromArray(new[] { 0.0, 0, 2 }).Reshape(1, 3).Expand(1000, 3))), v => Assert.Equal(2, v));
        Assert.All(Flat(new Generator(6).Categorical(NDArray.FromArray(new[] { 2.0, 0, 0 }).Reshape(1, 3).Expand(1000, 3))), v => Assert.Equal(0, v));
        Throws(() => new Generator(1).Categorical(NDArray.Zeros([2, 3])), "categorical", "row 0");
        Throws(() => new Generator(1).Categorical(NDArray.FromArray(new[] { 1.0, -1 })), "categorical", "-1");
    }

    [Fact]
    public void PermutationIsAPermutation()
    {
        var g = new Generator(8);
        foreach (int n in new[] { 0, 1, 2, 10, 1000 })
        {
            var p = g.Permutation(n);
            Assert.Equal(Enumerable.Range(0, n), p.Order());
        }
        var first = new int[5];
        for (int i = 0; i < 5000; i++) first[g.Permutation(5)[0]]++;
        Assert.All(first, c => Assert.InRange(c, 850, 1150));
    }
}
