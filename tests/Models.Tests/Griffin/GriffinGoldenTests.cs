// Golden tests. Sources of the expected values: the published RMSNorm case (recurrentgemma
// `jax/layers_test.py`, specs/griffin.md §1.4); bf16 multipliers from §1.2; RoPE and Conv1D values
// derived by hand from the formulas of §1.7/§1.9; the full tiny model of §5.2 against
// ScalarGriffinReference, an independent float64 loop implementation of the spec.
using Engine.Autograd;
using Engine.Models.Griffin;
using Engine.Nn;
using Engine.Tensors;

namespace Engine.Models.Tests.Griffin;

public sealed class GriffinGoldenTests
{
    [Fact]
    public void RmsNormMatchesThePublishedReferenceValue()
    {
        var norm = new RMSNorm(2, 1e-6);
        var y = norm.Forward(Tensor.FromArray(new[] { 0.1f, 0.2f }, 2)).ToFloatArray();
        Assert.Equal(0.6324429f, y[0], 6);
        Assert.Equal(1.2648858f, y[1], 6);
    }

    [Theory]
    [InlineData(2560, 50.5)]
    [InlineData(4096, 64.0)]
    [InlineData(24, 4.90625)]
    public void EmbeddingMultiplierIsSqrtWidthRoundedToBFloat16(int width, double expected)
    {
        var embedder = new Embedder(3, width, scaleBySqrtDim: true, new Generator(0), DType.Float32);
        Assert.Equal(expected, embedder.InputScale);
    }

    [Fact]
    public void RopeRotatesSplitHalvesOfTheFirstHalfOfEachHead()
    {
        // hd = 8: dims 0..3 rotate (pairs (0,2) at frequency 1 and (1,3) at 10000^(-1/2)), dims 4..7 pass.
        var q = Enumerable.Range(1, 8).Select(i => i / 8.0).ToArray();
        var rotated = Rope.Apply(Tensor.FromArray(q, 1, 1, 1, 8), Tensor.FromArray(new[] { 3.0 }, 1, 1)).ToDoubleArray();
        double a0 = 3.0, a1 = 3.0 * 0.01;
        double[] expected =
        [
            q[0] * Math.Cos(a0) - q[2] * Math.Sin(a0), q[1] * Math.Cos(a1) - q[3] * Math.Sin(a1),
            q[2] * Math.Cos(a0) + q[0] * Math.Sin(a0), q[3] * Math.Cos(a1) + q[1] * Math.Sin(a1),
            q[4], q[5], q[6], q[7],
        ];
        for (int i = 0; i < 8; i++) Assert.Equal(expected[i], rotated[i], 12);
    }

    [Fact]
    public void ConvNeverLooksAcrossADocumentStartAndItsPrefillStateIsZeroedBeforeIt()
    {
        // Vector C of §5.3: E = 2, T = 6, segment positions 0 1 2 3 0 1.
        var conv = new Conv1D(2, new Generator(0), DType.Float64);
        TinyGriffin.Fill(conv);
        var w = conv.W.ToDoubleArray();
        var b = conv.B.ToDoubleArray();
        var u = new double[12];
        for (int t = 0; t < 6; t++)
            for (int c = 0; c < 2; c++) u[t * 2 + c] = (float)Math.Sin(0.5 * t + 0.3 * c + 0.1);
        var layout = new SegmentLayout(TinyGriffin.Row([0, 1, 2, 3, 0, 1]), DType.Float64);
        var input = Tensor.FromArray(u, 1, 6, 2);
        var y = conv.Forward(input, layout).ToDoubleArray();
        for (int c = 0; c < 2; c++)
        {
            double U(int t) => u[t * 2 + c];
            double W(int k) => w[k * 2 + c];
            Assert.Equal(b[c] + W(3) * U(0), y[0 * 2 + c], 12);
            Assert.Equal(b[c] + W(3) * U(3) + W(2) * U(2) + W(1) * U(1) + W(0) * U(0), y[3 * 2 + c], 12);
            Assert.Equal(b[c] + W(3) * U(4), y[4 * 2 + c], 12);
            Assert.Equal(b[c] + W(3) * U(5) + W(2) * U(4), y[5 * 2 + c], 12);
        }
        var state = conv.PrefillState(input.Data, layout).ToDoubleArray();
        Assert.Equal(new[] { 0.0, 0.0, u[8], u[9], u[10], u[11] }, state);
    }

    [Fact]
    public void RgLruResetsItsStateAndSkipsTheNormalisationAtADocumentStart()
    {
        var lru = new RGLRU(4, 2, new Generator(0), DType.Float64);
        TinyGriffin.Fill(lru);
        var x = new Generator(3).Normal([1, 5, 4], dtype: DType.Float64);
        var layout = new SegmentLayout(TinyGriffin.Row([0, 1, 2, 0, 1]), DType.Float64);
        var (y, last) = lru.Forward(new Tensor(x), layout.ResetMask(), new Tensor(NDArray.Full([1, 4], 5.0, DType.Float64)));
        var gateX = lru.InputGate.Forward(new Tensor(x)).Sigmoid().Data;
        foreach (int t in new[] { 0, 3 })
            for (int c = 0; c < 4; c++) Assert.Equal(x[0, t, c] * gateX[0, t, c], y.Data[0, t, c], 12);
        for (int c = 0; c < 4; c++) Assert.Equal(y.Data[0, 4, c], last.Data[0, c]);
    }

    [Theory]
    [InlineData(DType.Float64, 1e-10)]
    [InlineData(DType.Float32, 1e-5)]
    public void TinyModelLogitsMatchTheIndependentScalarReference(DType dtype, double tolerance)
    {
        var model = TinyGriffin.FilledModel(TinyGriffin.VectorAConfig, dtype);
        Assert.Equal(51, model.NamedParameters().Count());
        var reference = new ScalarGriffinReference(TinyGriffin.VectorAConfig, TinyGriffin.FlatParameters(model));
        var expected = reference.Forward(TinyGriffin.VectorATokens, TinyGriffin.VectorAPositions);
        var logits = model.Forward(TinyGriffin.Row(TinyGriffin.VectorATokens), TinyGriffin.Row(TinyGriffin.VectorAPositions));
        Assert.Equal([1, 15, 32], logits.Shape.ToArray());
        var actual = logits.ToDoubleArray();
        for (int t = 0; t < 15; t++)
            for (int v = 0; v < 32; v++) Assert.True(Math.Abs(expected[t][v] - actual[t * 32 + v]) < tolerance,
                $"logit [{t}, {v}]: expected {expected[t][v]}, got {actual[t * 32 + v]}");
    }

    [Fact]
    public void ScaledEmbeddingOfTheTinyModelUsesTheBFloat16Multiplier()
    {
        var model = TinyGriffin.FilledModel(TinyGriffin.VectorAConfig, DType.Float64);
        var embedded = model.Embedder.Encode(TinyGriffin.Row([5])).ToDoubleArray();
        for (int c = 0; c < 24; c++) Assert.Equal(TinyGriffin.FillValue(0, 5 * 24 + c) * 4.90625, embedded[c], 14);
    }

    [Fact]
    public void TokensAfterADocumentStartDoNotDependOnWhatCameBefore()
    {
        var model = new GriffinModel(TinyGriffin.VectorAConfig, new Generator(7));
        long[] document = [4, 9, 1, 30, 2, 2, 17];
        long[] documentPositions = [0, 1, 2, 3, 4, 5, 6];
        var first = model.Forward(TinyGriffin.Row([1, 2, 3, .. document]), TinyGriffin.Row([0, 1, 2, .. documentPositions]));
        var second = model.Forward(TinyGriffin.Row([20, 21, 22, 23, 24, 25, .. document]), TinyGriffin.Row([5, 6, 7, 8, 9, 10, .. documentPositions]));
        var alone = model.Forward(TinyGriffin.Row(document), TinyGriffin.Row(documentPositions));
        Assert.True(TinyGriffin.MaxAbsDiff(first.Data.Slice(1, 3, 10), alone.Data) < 1e-5);
        Assert.True(TinyGriffin.MaxAbsDiff(second.Data.Slice(1, 6, 13), alone.Data) < 1e-5);
    }
}
