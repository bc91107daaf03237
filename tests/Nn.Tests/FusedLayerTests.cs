// RMSNorm, LayerNorm and GeLU are fused primitives now; these tests hold them to the composite formulas
// they replaced (written out here with elementwise autograd ops): same outputs and the same gradients for
// the input and every parameter, in float64 (tight) and float32 (float32 rounding), on the CPU backend.
using Engine.Autograd;
using Engine.Nn.Functional;
using Engine.Tensors;
using Xunit;

namespace Engine.Nn.Tests;

public class FusedLayerTests
{
    private static Tensor CompositeRmsNorm(Tensor x, Tensor scale, double eps) =>
        x / ((x * x).Mean([-1], keepDim: true) + eps).Sqrt() * (1.0 + scale);

    private static Tensor CompositeLayerNorm(Tensor x, Tensor w, Tensor b, double eps)
    {
        var centered = x - x.Mean([-1], keepDim: true);
        var variance = (centered * centered).Mean([-1], keepDim: true);
        return centered / (variance + eps).Sqrt() * w + b;
    }

    private static Tensor CompositeGelu(Tensor x) => 0.5 * x * (1.0 + (x / Math.Sqrt(2)).Erf());

    private static Tensor CompositeGeluTanh(Tensor x) =>
        0.5 * x * (1.0 + (Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)).Tanh());

    /// <summary>Output and gradients (for a fixed random cotangent) with respect to every input.</summary>
    private static double[][] ValueAndGradients(Func<Tensor[], Tensor> f, Tensor[] inputs, NDArray cotangent)
    {
        var output = f(inputs);
        var grads = Gradients.Of([output], inputs, [new Tensor(cotangent)]);
        return [output.ToDoubleArray(), .. grads.Select(g => g.ToDoubleArray())];
    }

    private static void AssertFusedMatchesComposite(Func<Tensor[], Tensor> fused, Func<Tensor[], Tensor> composite, int[][] shapes, DType dtype)
    {
        var rng = new Generator(11);
        var inputs = shapes.Select(s => new Tensor(rng.Normal(s, 0, 1.5, dtype), requiresGrad: true)).ToArray();
        var cotangent = rng.Normal(shapes[0], 0, 1, dtype);
        var expected = ValueAndGradients(composite, inputs, cotangent);
        var actual = ValueAndGradients(fused, inputs, cotangent);
        double tolerance = dtype == DType.Float64 ? 1e-11 : 2e-4;
        for (int k = 0; k < expected.Length; k++)
        {
            // Parameter gradients sum over all rows; measure them against their own size.
            double scale = Math.Max(1, expected[k].Max(Math.Abs));
            TestUtil.AssertClose(expected[k], actual[k], tolerance * scale);
        }
    }

    public static TheoryData<DType> FloatTypes() => new(DType.Float64, DType.Float32);

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void RmsNormMatchesComposite(DType dtype)
    {
        AssertFusedMatchesComposite(
            xs => xs[0].RmsNorm(1.0 + xs[1], 1e-6),
            xs => CompositeRmsNorm(xs[0], xs[1], 1e-6),
            [[3, 5, 48], [48]], dtype);
    }

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void RmsNormLayerUsesTheFusedOp(DType dtype)
    {
        var layer = new RMSNorm(48, 1e-6, dtype);
        layer.Scale.SetData(new Generator(3).Normal([48], 0, 0.5, dtype));
        var x = new Tensor(new Generator(4).Normal([2, 7, 48], 0, 2, dtype));
        var expected = CompositeRmsNorm(x, layer.Scale, 1e-6).ToDoubleArray();
        TestUtil.AssertClose(expected, layer.Forward(x).ToDoubleArray(), dtype == DType.Float64 ? 1e-12 : 1e-5);
    }

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void LayerNormMatchesComposite(DType dtype)
    {
        AssertFusedMatchesComposite(
            xs => xs[0].LayerNorm(xs[1], xs[2], 1e-5),
            xs => CompositeLayerNorm(xs[0], xs[1], xs[2], 1e-5),
            [[4, 6, 40], [40], [40]], dtype);
        var layer = new LayerNorm(40, 1e-5, dtype);
        layer.Weight.SetData(new Generator(5).Normal([40], 1, 0.3, dtype));
        layer.Bias.SetData(new Generator(6).Normal([40], 0, 0.3, dtype));
        var x = new Tensor(new Generator(7).Normal([3, 40], 0, 2, dtype));
        var expected = CompositeLayerNorm(x, layer.Weight, layer.Bias, 1e-5).ToDoubleArray();
        TestUtil.AssertClose(expected, layer.Forward(x).ToDoubleArray(), dtype == DType.Float64 ? 1e-12 : 1e-5);
    }

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void GeluMatchesComposite(DType dtype)
    {
        AssertFusedMatchesComposite(xs => Activations.Gelu(xs[0]), xs => CompositeGelu(xs[0]), [[5, 300]], dtype);
        AssertFusedMatchesComposite(xs => Activations.GeluTanh(xs[0]), xs => CompositeGeluTanh(xs[0]), [[5, 300]], dtype);
    }

    /// <summary>Second derivatives go through the differentiable form of the fused backward.</summary>
    [Fact]
    public void SecondDerivativesMatchComposite()
    {
        var rng = new Generator(21);
        var x = new Tensor(rng.Normal([3, 16], 0, 1.5, DType.Float64), requiresGrad: true);
        var w = new Tensor(rng.Normal([16], 1, 0.3, DType.Float64), requiresGrad: true);
        var b = new Tensor(rng.Normal([16], 0, 0.3, DType.Float64), requiresGrad: true);
        (Func<Tensor, Tensor> Fused, Func<Tensor, Tensor> Composite)[] pairs =
        [
            (t => t.RmsNorm(w, 1e-6), t => CompositeRmsNorm(t, w - 1.0, 1e-6)),
            (t => t.LayerNorm(w, b, 1e-5), t => CompositeLayerNorm(t, w, b, 1e-5)),
            (t => t.Gelu(), CompositeGelu),
            (t => t.Gelu(tanhApproximation: true), CompositeGeluTanh),
        ];
        foreach (var (fused, composite) in pairs)
        {
            double[] SecondOrder(Func<Tensor, Tensor> f)
            {
                var y = (f(x) * f(x)).Sum();
                var gx = Gradients.Of([y], [x], createGraph: true)[0];
                return Gradients.Of([(gx * gx).Sum()], [x, w], allowUnused: true).SelectMany(g => g.ToDoubleArray()).ToArray();
            }
            TestUtil.AssertClose(SecondOrder(composite), SecondOrder(fused), 1e-9);
        }
    }
}
