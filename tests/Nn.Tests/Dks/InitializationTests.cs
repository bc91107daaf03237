// SUO and Delta-orthogonal initialisation (Nn/Dks/ScaledUniformOrthogonal.cs) after the checks of
// google-deepmind/dks tests/test_parameter_sampling_functions.py (in the engine's own layouts), and
// per-location normalisation after tests/test_data_preprocessing.py (spec A3).
using Engine.Autograd;
using Engine.Nn.Dks;
using Engine.Tensors;
using Xunit;

namespace Engine.Nn.Tests.Dks;

public class InitializationTests
{
    private static double Norm(ReadOnlySpan<double> v) => Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot(v, v));

    private static double[] Times(double[] x, double[] w, int fanIn, int fanOut)
    {
        var y = new double[fanOut];
        for (int i = 0; i < fanIn; i++)
            for (int o = 0; o < fanOut; o++) y[o] += x[i] * w[i * fanOut + o];
        return y;
    }

    [Theory]
    [InlineData(5, 7)]
    [InlineData(3, 5)]
    [InlineData(8, 8)]
    [InlineData(40, 90)]
    public void DenseSuoScalesNormsBySqrtOutOverIn(int fanIn, int fanOut)
    {
        var w = ScaledUniformOrthogonal.Dense(fanIn, fanOut, new Generator(3), DType.Float64).ToArray<double>();
        var x = new Generator(4).Normal([fanIn], dtype: DType.Float64).ToArray<double>();
        Assert.Equal(Math.Sqrt((double)fanOut / fanIn), Norm(Times(x, w, fanIn, fanOut)) / Norm(x), 1e-12);
    }

    [Fact]
    public void WideToNarrowSuoPreservesNormsOnAverage()
    {
        var w = ScaledUniformOrthogonal.Dense(300, 100, new Generator(5), DType.Float64).ToArray<double>();
        var x = new Generator(6).Normal([300], dtype: DType.Float64).ToArray<double>();
        Assert.Equal(Math.Sqrt(100.0 / 300), Norm(Times(x, w, 300, 100)) / Norm(x), 0.1);
        // Columns are orthonormal.
        for (int a = 0; a < 100; a += 37)
            for (int b = 0; b < 100; b += 23)
            {
                double dot = 0;
                for (int i = 0; i < 300; i++) dot += w[i * 100 + a] * w[i * 100 + b];
                Assert.Equal(a == b ? 1 : 0, dot, 1e-12);
            }
    }

    [Fact]
    public void SuoIsSeededAndReproducible()
    {
        var a = ScaledUniformOrthogonal.Dense(6, 9, new Generator(11), DType.Float64).ToArray<double>();
        var b = ScaledUniformOrthogonal.Dense(6, 9, new Generator(11), DType.Float64).ToArray<double>();
        var c = ScaledUniformOrthogonal.Dense(6, 9, new Generator(12), DType.Float64).ToArray<double>();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData(5, 7, 9, 3, 1)]
    [InlineData(3, 5, 9, 9, 1)]
    [InlineData(8, 8, 5, 7, 1)]
    [InlineData(8, 12, 3, 3, 4)]
    public void DeltaOrthogonalHasOnlyAnSuoCentreTap(int inChannels, int outChannels, int kh, int kw, int groups)
    {
        var kernel = ScaledUniformOrthogonal.DeltaOrthogonal(inChannels, outChannels, kh, kw, new Generator(7), groups, DType.Float64).ToArray<double>();
        int groupIn = inChannels / groups, groupOut = outChannels / groups, taps = kh * kw, centre = kh / 2 * kw + kw / 2;
        for (int index = 0; index < kernel.Length; index++)
            if (index % taps != centre) Assert.Equal(0, kernel[index]);
        var x = new Generator(8).Normal([groupIn], dtype: DType.Float64).ToArray<double>();
        for (int g = 0; g < groups; g++)
        {
            var block = new double[groupIn * groupOut];
            for (int o = 0; o < groupOut; o++)
                for (int i = 0; i < groupIn; i++) block[i * groupOut + o] = kernel[((g * groupOut + o) * groupIn + i) * taps + centre];
            Assert.Equal(Math.Max(Math.Sqrt((double)groupOut / groupIn), 1), Norm(Times(x, block, groupIn, groupOut)) / Norm(x), 1e-12);
        }
    }

    [Fact]
    public void DeltaOrthogonalRejectsEvenKernels() =>
        Assert.Contains("odd", Assert.Throws<EngineException>(() => ScaledUniformOrthogonal.DeltaOrthogonal(3, 3, 2, 3, new Generator(1))).Message);

    [Fact]
    public void InitializeSetsLinearAndConvLayers()
    {
        var linear = new Linear(4, 6, new Generator(1), dtype: DType.Float64);
        ScaledUniformOrthogonal.Initialize(linear, new Generator(2));
        Assert.All(linear.Bias!.ToDoubleArray(), b => Assert.Equal(0, b));
        Assert.Equal(ScaledUniformOrthogonal.Dense(4, 6, new Generator(2), DType.Float64).ToArray<double>(), linear.Weight.ToDoubleArray());
        var conv = new Conv2d(4, 6, (3, 3), new Generator(1), padding: (1, 1), dtype: DType.Float64);
        ScaledUniformOrthogonal.Initialize(conv, new Generator(2));
        var input = new Tensor(new Generator(3).Normal([1, 4, 5, 5], dtype: DType.Float64));
        var output = conv.Forward(input).ToDoubleArray();
        var x = input.ToDoubleArray();
        // At a Delta init the conv is a per-location dense layer: ||y|| / ||x|| at each pixel is √(6/4).
        var atPixel = new double[4];
        var outAtPixel = new double[6];
        for (int c = 0; c < 4; c++) atPixel[c] = x[c * 25 + 12];
        for (int c = 0; c < 6; c++) outAtPixel[c] = output[c * 25 + 12];
        Assert.Equal(Math.Sqrt(6.0 / 4), Norm(outAtPixel) / Norm(atPixel), 1e-12);
    }

    [Fact]
    public void PerLocationNormalizationMatchesTheReferenceVectors()
    {
        var scalar = PerLocationNormalization.Apply(NDArray.FromArray(new[] { 0.3 }, 1)).ToDoubleArray();
        Assert.Equal(new[] { 0.3 * Math.Sqrt(2 / 1.09), Math.Sqrt(2 / 1.09) }, scalar, new Tolerance(1e-12));

        var sevenTenths = NDArray.Full([10, 6, 3], 0.7, DType.Float64);
        Assert.All(PerLocationNormalization.Apply(sevenTenths, HomogeneousCoordinate.Off).ToDoubleArray(), v => Assert.Equal(1, v, 1e-12));

        var one = PerLocationNormalization.Apply(sevenTenths, HomogeneousCoordinate.One, 2.5);
        Assert.Equal([10, 6, 4], one.Shape.ToArray());
        double scale = Math.Sqrt(4 / (3 + Math.Pow(2.5 / 0.7, 2)));
        Assert.Equal(new[] { scale, scale, scale, scale * 2.5 / 0.7 }, one.ToDoubleArray()[..4], new Tolerance(1e-12));

        Assert.All(PerLocationNormalization.Apply(sevenTenths, HomogeneousCoordinate.AverageQ).ToDoubleArray(), v => Assert.Equal(1, v, 1e-12));
        var avgQ = PerLocationNormalization.Apply(sevenTenths, HomogeneousCoordinate.AverageQ, 2).ToDoubleArray();
        double s = Math.Sqrt(4.0 / 7);
        Assert.Equal(new[] { s, s, s, 2 * s }, avgQ[^4..], new Tolerance(1e-12));

        Assert.Throws<EngineException>(() => PerLocationNormalization.Apply(NDArray.Ones([5, 3], DType.Float64), HomogeneousCoordinate.AverageQ));
    }

    private sealed class Tolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
