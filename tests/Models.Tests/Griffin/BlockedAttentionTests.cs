// The blocked local attention (LocalAttention.Blocked, O(T·W)) against the full masked T×T product
// (LocalAttention.Full) in float64: outputs and the gradients of queries, keys and values, for lengths
// below, at and above the window, not multiples of it, with document starts inside blocks; plus a
// finite-difference gradient check of the blocked path itself.
using Engine.Autograd;
using Engine.Models.Griffin;
using Engine.Tensors;

namespace Engine.Models.Tests.Griffin;

public sealed class BlockedAttentionTests
{
    private const int Heads = 2, HeadDim = 3;

    /// <summary>Segment positions [B, T]: row 0 opens with a document start, row 1 mid-document (as a packed
    /// batch may); both have further starts at random places.</summary>
    private static Tensor Positions(int batch, int time, int seed)
    {
        var random = new Random(seed);
        var positions = new long[batch * time];
        for (int b = 0; b < batch; b++)
        {
            long position = b == 0 ? 0 : 5;
            for (int t = 0; t < time; t++)
            {
                if (t > 0 && random.NextDouble() < 0.15) position = 0;
                positions[b * time + t] = position++;
            }
        }
        return Tensor.FromArray(positions, batch, time);
    }

    private static (Tensor Q, Tensor K, Tensor V) Inputs(int batch, int time, ulong seed)
    {
        var rng = new Generator(seed);
        return (new Tensor(rng.Normal([batch, Heads, time, HeadDim], std: 2, dtype: DType.Float64), requiresGrad: true),
                new Tensor(rng.Normal([batch, time, HeadDim], std: 2, dtype: DType.Float64), requiresGrad: true),
                new Tensor(rng.Normal([batch, time, HeadDim], dtype: DType.Float64), requiresGrad: true));
    }

    private static (double[] Output, double[][] Grads) Evaluate(
        Func<Tensor, Tensor, Tensor, SegmentLayout, int, Tensor> attention, Tensor positions, int window, ulong seed)
    {
        var layout = new SegmentLayout(positions, DType.Float64);
        var (q, k, v) = Inputs(positions.Dim(0), positions.Dim(1), seed);
        var output = attention(q, k, v, layout, window);
        var weights = new Tensor(new Generator(seed + 1).Normal(output.Data.ShapeCopy(), dtype: DType.Float64));
        (output * weights).Sum().Backward();
        return (output.Data.ToDoubleArray(), [q.Grad!.ToDoubleArray(), k.Grad!.ToDoubleArray(), v.Grad!.ToDoubleArray()]);
    }

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * (1 + Math.Abs(expected[i])),
                $"{what}[{i}]: full {expected[i]}, blocked {actual[i]}");
    }

    [Theory]
    [InlineData(3, 4)]    // T < W
    [InlineData(4, 4)]    // T = W
    [InlineData(13, 4)]   // T = 3W + 1
    [InlineData(23, 5)]   // not a multiple of W
    [InlineData(17, 1)]   // W = 1: each query sees itself and its predecessor
    [InlineData(9, 16)]   // window longer than the sequence
    public void BlockedEqualsFull(int time, int window)
    {
        var positions = Positions(2, time, seed: time * 31 + window);
        var full = Evaluate(LocalAttention.Full, positions, window, seed: 7);
        var blocked = Evaluate(LocalAttention.Blocked, positions, window, seed: 7);
        AssertClose(full.Output, blocked.Output, "output");
        string[] names = ["dQ", "dK", "dV"];
        for (int i = 0; i < names.Length; i++) AssertClose(full.Grads[i], blocked.Grads[i], names[i]);
    }

    [Fact]
    public void DocumentStartsInsideBlocksAreRespected()
    {
        // W = 4, T = 10: starts at 2 (inside block 0) and 6 (inside block 1); key 5 is within the window of
        // queries 6…9 but in the previous document, so changing it may change query 5 (itself) and nothing else.
        const int window = 4;
        var positions = TinyGriffin.Row([0, 1, 0, 1, 2, 3, 0, 1, 2, 3]);
        var layout = new SegmentLayout(positions, DType.Float64);
        var (q, k, v) = Inputs(1, 10, seed: 3);
        var before = LocalAttention.Blocked(q, k, v, layout, window).Data.ToDoubleArray();
        k.Data.Select(1, 5).CopyFrom(NDArray.Full([1, HeadDim], 9.0, DType.Float64));
        v.Data.Select(1, 5).CopyFrom(NDArray.Full([1, HeadDim], -9.0, DType.Float64));
        var after = LocalAttention.Blocked(q, k, v, layout, window).Data.ToDoubleArray();
        for (int h = 0; h < Heads; h++)
            for (int t = 0; t < 10; t++)
                for (int d = 0; d < HeadDim; d++)
                {
                    int i = (h * 10 + t) * HeadDim + d;
                    if (t == 5) Assert.NotEqual(before[i], after[i]);
                    else Assert.Equal(before[i], after[i]);
                }
    }

    [Fact]
    public void BlockedGradCheck()
    {
        const int window = 2;
        var layout = new SegmentLayout(TinyGriffin.Row([3, 4, 0, 1, 2, 3, 0]), DType.Float64);
        var (q, k, v) = Inputs(1, 7, seed: 9);
        var result = GradCheck.Check(xs => LocalAttention.Blocked(xs[0], xs[1], xs[2], layout, window), [q, k, v]);
        Assert.True(result.Passed, result.ToString());
    }

    [Theory]
    [InlineData(4, 4, false)]
    [InlineData(5, 4, false)]       // full: 25 logits, blocked: 8 × 8
    [InlineData(2048, 1 << 20, false)]
    [InlineData(2048, 128, true)]
    [InlineData(15, 4, true)]       // the golden vector A model takes the blocked path
    public void BlockedPaysOnlyWhenItMultipliesFewerLogits(int time, int window, bool expected) =>
        Assert.Equal(expected, LocalAttention.BlockedPays(time, window));
}
