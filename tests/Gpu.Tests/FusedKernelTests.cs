// The fused GPU kernels (Tensors/Gpu/Kernels: NormKernels, GeluKernels, Im2ColKernels,
// TemporalConvKernels) against two independent oracles: on the CPU, the reference backend's scalar
// double-precision loops (norms, GeLU) or the CPU kernel (conv, unfold, fold), and on the same device the
// composite of small primitives (Gpu/DeviceComposites.cs). float32 and float64, rows
// longer than a group (130, 1000) and of length 1, rank 1, more rows than one column chunk, transposed and
// strided inputs, with and without bias; the column sums (norm and conv dw, db) and fold are checked to be
// bit-identical from one run to the next. Unfold and fold only move and add values in a fixed order, so
// they must equal the CPU kernel and the composite exactly.
using Engine.Tensors;
using Engine.Tensors.Gpu;
using Xunit;

namespace Engine.Gpu.Tests;

public class FusedKernelTests
{
    private const double Eps = 1e-5;

    /// <summary>float32 results carry float32 rounding (sums over up to 1000 terms, in another order than
    /// the oracle's); float64 ones agree to TestDevice's tolerance (looser on CUDA, whose exp and tanh
    /// are approximate).</summary>
    private static double Tolerance(DType dtype) => dtype == DType.Float32 ? 1e-4 : TestDevice.Float64Tolerance;

    public enum Layout { Contiguous, Transposed, Strided }

    /// <summary>Shape, layout, and whether LayerNorm gets a bias (RMSNorm never has one in the op surface;
    /// it is run without, and LayerNorm with or without as the case says).</summary>
    public static TheoryData<int[], Layout, bool> NormCases() => new()
    {
        { [2, 3, 1000], Layout.Contiguous, true },
        { [7, 17], Layout.Transposed, false },
        { [5, 1], Layout.Strided, true },
        { [9], Layout.Contiguous, false },
        { [3, 130], Layout.Strided, true },
    };

    [Theory]
    [MemberData(nameof(NormCases))]
    public void NormsMatchReferenceAndComposite(int[] shape, Layout layout, bool layerBias)
    {
        var rng = new Generator((ulong)(shape.Sum() * 31 + (int)layout));
        int n = shape[^1];
        var gpu = Backend.ForDevice(TestDevice.Device);
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            foreach (var kind in new[] { NormKind.Rms, NormKind.Layer })
            {
                var x = Input(rng, shape, dtype, layout, scale: 2, shift: 0.5);
                var grad = Input(rng, shape, dtype, layout == Layout.Transposed ? Layout.Strided : Layout.Transposed, scale: 1, shift: 0);
                var w = Input(rng, [n], dtype, Layout.Strided, scale: 1, shift: 1);
                var b = kind == NormKind.Layer && layerBias ? Input(rng, [n], dtype, Layout.Contiguous, scale: 1, shift: 0) : null;
                string what = $"{kind} {dtype.Name()} {ShapeMath.Format(shape)} {layout} bias={b is not null}";
                var (xd, gd, wd) = (TestDevice.Upload(x), TestDevice.Upload(grad), TestDevice.Upload(w));
                var bd = b is null ? null : TestDevice.Upload(b);

                var y = gpu.Normalize(kind, xd, wd, bd, Eps);
                AssertClose(Backend.Reference.Normalize(kind, x, w, b, Eps), y, dtype, $"{what} forward vs reference");
                AssertClose(DeviceComposites.Normalize(kind, xd, wd, bd, Eps), y, dtype, $"{what} forward vs composite");

                var grads = gpu.NormalizeBackward(kind, xd, wd, Eps, gd);
                var expected = Backend.Reference.NormalizeBackward(kind, x, w, Eps, grad);
                // The composite's column sums take one group per column, which ILGPU's CPU accelerator runs
                // slowly (about 16 ms each here), so rows wider than 100 are checked against the reference only.
                var composite = n <= 100 ? DeviceComposites.NormalizeBackward(kind, xd, wd, Eps, gd) : null;
                Assert.Equal(expected.Length, grads.Length);
                for (int k = 0; k < grads.Length; k++)
                {
                    AssertClose(expected[k], grads[k], dtype, $"{what} gradient {k} vs reference");
                    if (composite is not null) AssertClose(composite[k], grads[k], dtype, $"{what} gradient {k} vs composite");
                }
            }
    }

    /// <summary>More rows than one column chunk (NormKernels.RowsPerChunk = 32), so dw and db add partials
    /// across chunks: they match the reference and come out bit-identical from one run to the next.</summary>
    [Fact]
    public void NormBackwardAcrossChunksMatchesAndIsBitIdentical()
    {
        var rng = new Generator(5);
        var x = rng.Normal([40, 300]);
        var grad = rng.Normal([40, 300]);
        var w = rng.Normal([300]);
        var (xd, gd, wd) = (TestDevice.Upload(x), TestDevice.Upload(grad), TestDevice.Upload(w));
        var gpu = Backend.ForDevice(TestDevice.Device);
        var first = gpu.NormalizeBackward(NormKind.Layer, xd, wd, Eps, gd);
        var second = gpu.NormalizeBackward(NormKind.Layer, xd, wd, Eps, gd);
        var expected = Backend.Reference.NormalizeBackward(NormKind.Layer, x, w, Eps, grad);
        for (int k = 0; k < first.Length; k++)
        {
            AssertClose(expected[k], first[k], DType.Float32, $"layer_norm gradient {k} vs reference");
            Assert.Equal(Host(first[k]).ToArray<float>(), Host(second[k]).ToArray<float>());
        }
    }

    public static TheoryData<int[], Layout> GeluCases() => new()
    {
        { [3, 1000], Layout.Transposed },
        { [37], Layout.Contiguous },
        { [6, 50], Layout.Strided },
    };

    [Theory]
    [MemberData(nameof(GeluCases))]
    public void GeluMatchesReferenceAndComposite(int[] shape, Layout layout)
    {
        var rng = new Generator((ulong)(shape.Sum() * 17 + (int)layout));
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            foreach (bool tanh in new[] { false, true })
            {
                // Spread wide enough to reach erf's series (|x|/√2 ≤ 3), its continued fraction and ±1.
                var x = Input(rng, shape, dtype, layout, scale: 4, shift: 0);
                var grad = Input(rng, shape, dtype, Layout.Strided, scale: 1, shift: 0);
                var (xd, gd) = (TestDevice.Upload(x), TestDevice.Upload(grad));
                var gpu = Backend.ForDevice(TestDevice.Device);
                string what = $"gelu tanh={tanh} {dtype.Name()} {ShapeMath.Format(shape)} {layout}";

                var y = gpu.Gelu(xd, tanh);
                AssertClose(Backend.Reference.Gelu(x, tanh), y, dtype, $"{what} forward vs reference");
                AssertClose(DeviceComposites.Gelu(xd, tanh), y, dtype, $"{what} forward vs composite");
                var dx = gpu.GeluBackward(xd, gd, tanh);
                AssertClose(Backend.Reference.GeluBackward(x, grad, tanh), dx, dtype, $"{what} backward vs reference");
                AssertClose(DeviceComposites.GeluBackward(xd, gd, tanh), dx, dtype, $"{what} backward vs composite");
            }
    }

    public static TheoryData<int, int, int, int> Geometries() => new()
    {
        { 3, 2, 2, 1 },
        { 2, 3, 1, 2 },
        { 1, 1, 1, 1 },
        { 3, 3, 3, 2 },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void UnfoldAndFoldEqualCpuKernelAndComposite(int kernelHeight, int kernelWidth, int stride, int dilation)
    {
        const int samples = 2, channels = 3, height = 11, width = 9;
        var g = new UnfoldGeometry(kernelHeight, kernelWidth, stride, dilation,
            (height - (kernelHeight - 1) * dilation - 1) / stride + 1, (width - (kernelWidth - 1) * dilation - 1) / stride + 1);
        var rng = new Generator((ulong)(kernelHeight * 1000 + kernelWidth * 100 + stride * 10 + dilation));
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            // Channels-last storage seen as [N, C, H, W], and columns stored [N, C, OH, OW, taps].
            var image = rng.Normal([samples, height, width, channels], dtype: dtype).Permute(0, 3, 1, 2);
            var cols = rng.Normal([samples, channels, g.OutHeight, g.OutWidth, g.Taps], dtype: dtype).Permute(0, 1, 4, 2, 3);
            var (imageDevice, colsDevice) = (TestDevice.Upload(image), TestDevice.Upload(cols));

            var unfolded = imageDevice.Unfold2d(g);
            Assert.Equal(UnfoldKernels.Unfold(image, g).ToDoubleArray(), Host(unfolded).ToDoubleArray());
            Assert.Equal(Host(DeviceComposites.Unfold(imageDevice, g)).ToDoubleArray(), Host(unfolded).ToDoubleArray());

            var folded = colsDevice.Fold2d(height, width, g);
            Assert.Equal(UnfoldKernels.Fold(cols, height, width, g).ToDoubleArray(), Host(folded).ToDoubleArray());
            Assert.Equal(Host(DeviceComposites.Fold(colsDevice, height, width, g)).ToDoubleArray(), Host(folded).ToDoubleArray());
            Assert.Equal(Host(folded).ToDoubleArray(), Host(colsDevice.Fold2d(height, width, g)).ToDoubleArray());
        }
    }

    /// <summary>B, T, E, K: taps beyond the sequence (K > T), rows across column chunks (B·T > 32).</summary>
    public static TheoryData<int, int, int, int> ConvCases() => new()
    {
        { 2, 3, 5, 4 },
        { 3, 13, 7, 4 },
        { 1, 40, 3, 1 },
    };

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void CausalConvMatchesCpuKernelAndComposite(int batch, int time, int channels, int taps)
    {
        var rng = new Generator((ulong)(batch * 1000 + time * 10 + taps));
        // Documents restart every 5 steps in odd samples, so reach cuts some taps short.
        var limits = new long[batch * time];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < time; t++)
                limits[b * time + t] = b % 2 == 1 ? t % 5 : t;
        var reach = NDArray.FromArray(limits, batch, time);
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            // u as the transpose of a [B, E, T] array, so it reaches the backend as a view.
            var u = rng.Normal([batch, channels, time], dtype: dtype).Transpose(1, 2);
            var w = rng.Normal([taps, channels], dtype: dtype);
            var bias = rng.Normal([channels], dtype: dtype);
            var grad = Input(rng, [batch, time, channels], dtype, Layout.Strided, scale: 1, shift: 0);
            var (ud, wd, bd, gd) = (TestDevice.Upload(u), TestDevice.Upload(w), TestDevice.Upload(bias), TestDevice.Upload(grad));
            string what = $"causal_conv1d {dtype.Name()} B={batch} T={time} E={channels} K={taps}";

            var y = ud.CausalDepthwiseConv(wd, bd, reach);
            AssertClose(CausalConvKernels.Forward(u, w, bias, reach), y, dtype, $"{what} forward vs CPU kernel");
            AssertClose(DeviceComposites.CausalConvForward(ud, wd, bd, reach), y, dtype, $"{what} forward vs composite");

            var grads = ud.CausalDepthwiseConvBackward(wd, reach, gd);
            var expected = CausalConvKernels.Backward(u, w, reach, grad);
            var composite = DeviceComposites.CausalConvBackward(ud, wd, reach, gd);
            var again = ud.CausalDepthwiseConvBackward(wd, reach.To(TestDevice.Device), gd);
            for (int k = 0; k < 3; k++)
            {
                AssertClose(expected[k], grads[k], dtype, $"{what} gradient {k} vs CPU kernel");
                AssertClose(composite[k], grads[k], dtype, $"{what} gradient {k} vs composite");
                Assert.Equal(Host(grads[k]).ToDoubleArray(), Host(again[k]).ToDoubleArray());
            }
        }
    }

    /// <summary>shift + scale·N(0, 1) values of shape in the given layout: contiguous, the transpose of a
    /// reversed-shape array (the last axis is not unit-stride), or every other element of a wider last axis
    /// at offset 1.</summary>
    private static NDArray Input(Generator rng, int[] shape, DType dtype, Layout layout, double scale, double shift)
    {
        switch (layout)
        {
            case Layout.Transposed when shape.Length >= 2:
                var reversed = shape.Reverse().ToArray();
                var axes = Enumerable.Range(0, shape.Length).Reverse().ToArray();
                return rng.Normal(reversed, shift, scale, dtype).Permute(axes);
            case Layout.Strided:
                var wide = shape.ToArray();
                wide[^1] = 2 * shape[^1] + 1;
                return rng.Normal(wide, shift, scale, dtype).Slice(shape.Length - 1, 1, 2 * shape[^1] + 1, 2);
            default:
                return rng.Normal(shape, shift, scale, dtype);
        }
    }

    private static NDArray Host(NDArray x) => x.To(Device.Cpu);

    /// <summary>|actual − expected| ≤ tol·(1 + |expected|) element by element.</summary>
    private static void AssertClose(NDArray expected, NDArray actual, DType dtype, string what)
    {
        Assert.Equal(dtype, actual.DType);
        Assert.Equal(expected.ShapeCopy(), actual.ShapeCopy());
        var e = Host(expected).ToDoubleArray();
        var a = Host(actual).ToDoubleArray();
        double tol = Tolerance(dtype);
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(a[i] - e[i]) <= tol * (1 + Math.Abs(e[i])), $"{what}: element {i} is {a[i]}, expected {e[i]}");
    }
}
