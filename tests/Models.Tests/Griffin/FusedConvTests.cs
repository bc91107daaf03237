// Griffin's Conv1D runs the fused causal_conv1d primitive; these tests hold it to the composite it
// replaced (pad, slice, document mask from SegmentLayout.ConvMask, multiply, add per tap): same output
// and gradients for u, w and b with document starts inside the rows, in float64 and float32, and the
// same bits for any thread count.
using Engine.Autograd;
using Engine.Models.Griffin;
using Engine.Tensors;

namespace Engine.Models.Tests.Griffin;

public sealed class FusedConvTests
{
    private static Tensor Composite(Tensor u, Tensor w, Tensor b, SegmentLayout layout)
    {
        int time = u.Dim(1), taps = w.Dim(0);
        var output = u * w.Select(0, taps - 1) + b;
        for (int shift = 1; shift < taps && shift < time; shift++)
            output = output + u.Pad([0, 0, shift, 0]).Slice(1, 0, time) * layout.ConvMask(shift) * w.Select(0, taps - 1 - shift);
        return output;
    }

    private static SegmentLayout Layout(DType dtype) => new(TinyGriffin.Rows([
        [0, 1, 2, 3, 4, 5, 0, 1, 2, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
        [7, 8, 9, 10, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 0, 1, 2, 3, 4, 5],
    ]), dtype);

    [Theory]
    [InlineData(DType.Float64, 1e-12)]
    [InlineData(DType.Float32, 2e-5)]
    public void MatchesTheMaskedComposite(DType dtype, double tolerance)
    {
        var rng = new Generator(31);
        var layout = Layout(dtype);
        var u = new Tensor(rng.Normal([2, 24, 40], dtype: dtype), requiresGrad: true);
        var w = new Tensor(rng.Normal([4, 40], dtype: dtype), requiresGrad: true);
        var b = new Tensor(rng.Normal([40], dtype: dtype), requiresGrad: true);
        var cotangent = new Tensor(rng.Normal([2, 24, 40], dtype: dtype));
        double[][] Run(Func<Tensor> f)
        {
            var y = f();
            return [y.ToDoubleArray(), .. Gradients.Of([y], [u, w, b], [cotangent]).Select(g => g.ToDoubleArray())];
        }
        var expected = Run(() => Composite(u, w, b, layout));
        var actual = Run(() => Tensor.CausalDepthwiseConv(u, w, b, layout.ConvReach()));
        for (int k = 0; k < expected.Length; k++)
        {
            double scale = Math.Max(1, expected[k].Max(Math.Abs));
            Assert.Equal(expected[k].Length, actual[k].Length);
            for (int i = 0; i < expected[k].Length; i++)
                Assert.True(Math.Abs(expected[k][i] - actual[k][i]) <= tolerance * scale, $"output {k} element {i}: {actual[k][i]} vs {expected[k][i]}");
        }
    }

    [Fact]
    public void BitIdenticalForAnyThreadCount()
    {
        var rng = new Generator(32);
        var u = rng.Normal([4, 300, 64]);
        var w = rng.Normal([4, 64]);
        var b = rng.Normal([64]);
        var g = rng.Normal([4, 300, 64]);
        var positions = Enumerable.Range(0, 1200).Select(i => (long)(i % 97)).ToArray();
        var reach = new SegmentLayout(Tensor.FromArray(positions, 4, 300), DType.Float32).ConvReach();
        NDArray[] Run() => [u.CausalDepthwiseConv(w, b, reach), .. u.CausalDepthwiseConvBackward(w, reach, g)];
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1;
            var one = Run();
            Parallelism.MaxThreads = 3;
            var three = Run();
            for (int i = 0; i < one.Length; i++) Assert.Equal(one[i].ToArray<float>(), three[i].ToArray<float>());
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }
}
