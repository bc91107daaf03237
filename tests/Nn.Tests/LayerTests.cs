// Linear, Embedding, RMSNorm, LayerNorm and Dropout: hand-derived values, float64 gradient checks and
// shape errors.
using Engine.Autograd;
using Engine.Tensors;
using Xunit;

namespace Engine.Nn.Tests;

public class LayerTests
{
    [Fact]
    public void LinearComputesXTimesWPlusB()
    {
        var layer = new Linear(2, 3, new Generator(1), dtype: DType.Float64);
        layer.Weight.SetData(NDArray.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3));
        layer.Bias!.SetData(NDArray.FromArray(new double[] { 0.5, -1, 2 }, 3));
        // [1, -1] @ [[1,2,3],[4,5,6]] = [-3, -3, -3], plus the bias.
        var y = layer.Forward(Tensor.FromArray(new double[] { 1, -1 }, 1, 2));
        Assert.Equal(new double[] { -2.5, -4, -1 }, y.ToDoubleArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LinearGradients(bool bias)
    {
        var layer = new Linear(3, 4, new Generator(2), bias, DType.Float64);
        Assert.Equal(bias ? 16 : 12, layer.ParameterCount);
        TestUtil.AssertLayerGradients(layer, TestUtil.RandomLeaf([2, 5, 3], 3));
    }

    [Fact]
    public void LinearShapeErrorNamesLayerAndShapes()
    {
        var layer = new Linear(3, 4, new Generator(2));
        var error = Assert.Throws<EngineException>(() => layer.Forward(Tensor.Zeros([2, 5])));
        Assert.Contains("Linear", error.Message);
        Assert.Contains("[2, 5]", error.Message);
        Assert.Contains("[3, 4]", error.Message);
    }

    [Fact]
    public void EmbeddingLooksUpRowsForIdsOfAnyShape()
    {
        var layer = new Embedding(3, 2, new Generator(1), DType.Float64);
        layer.Weight.SetData(NDArray.FromArray(new double[] { 0, 1, 10, 11, 20, 21 }, 3, 2));
        var y = layer.Forward(Tensor.FromArray(new long[] { 2, 0, 1, 2 }, 2, 2));
        Assert.Equal([2, 2, 2], y.Shape.ToArray());
        Assert.Equal(new double[] { 20, 21, 0, 1, 10, 11, 20, 21 }, y.ToDoubleArray());
    }

    [Fact]
    public void EmbeddingGradientsAccumulateRepeatedIds()
    {
        var layer = new Embedding(4, 3, new Generator(1), DType.Float64);
        var ids = Tensor.FromArray(new long[] { 3, 1, 3, 0, 3 }, 5);
        TestUtil.AssertGradients(_ => layer.Forward(ids), [layer.Weight]);
        layer.Forward(ids).Sum().Backward();
        Assert.Equal(new double[] { 1, 1, 1, 1, 1, 1, 0, 0, 0, 3, 3, 3 }, layer.Weight.Grad!.ToDoubleArray());
    }

    [Fact]
    public void EmbeddingRejectsBadIds()
    {
        var layer = new Embedding(4, 3, new Generator(1));
        Assert.Contains("Embedding", Assert.Throws<EngineException>(() => layer.Forward(Tensor.FromArray(new long[] { 4 }, 1))).Message);
        Assert.Contains("int64", Assert.Throws<EngineException>(() => layer.Forward(Tensor.Zeros([2]))).Message);
    }

    [Fact]
    public void RmsNormMatchesRecurrentGemmaPublishedCheck()
    {
        // RecurrentGemma jax/layers_test.py test_rmsnorm: x = [0.1, 0.2], scale = 0.
        var y = new RMSNorm(2).Forward(Tensor.FromArray(new float[] { 0.1f, 0.2f }, 1, 2));
        TestUtil.AssertClose([0.6324429, 1.2648858], y.ToDoubleArray(), 1e-6);
    }

    [Fact]
    public void RmsNormScaleActsAsOnePlusGain()
    {
        var layer = new RMSNorm(2, eps: 0, dtype: DType.Float64);
        layer.Scale.SetData(NDArray.FromArray(new double[] { 1, -0.5 }, 2));
        // rms([3, 4]) = sqrt(12.5); y = x / rms * (1 + scale).
        var y = layer.Forward(Tensor.FromArray(new double[] { 3, 4 }, 2));
        double rms = Math.Sqrt(12.5);
        TestUtil.AssertClose([3 / rms * 2, 4 / rms * 0.5], y.ToDoubleArray(), 1e-12);
    }

    [Fact]
    public void NormGradients()
    {
        var rms = new RMSNorm(5, dtype: DType.Float64);
        rms.Scale.SetData(new Generator(9).Normal([5], dtype: DType.Float64));
        TestUtil.AssertLayerGradients(rms, TestUtil.RandomLeaf([3, 5], 1));
        var ln = new LayerNorm(5, dtype: DType.Float64);
        ln.Weight.SetData(new Generator(8).Normal([5], dtype: DType.Float64));
        ln.Bias.SetData(new Generator(7).Normal([5], dtype: DType.Float64));
        TestUtil.AssertLayerGradients(ln, TestUtil.RandomLeaf([2, 3, 5], 2));
    }

    [Fact]
    public void LayerNormValues()
    {
        // x = [1, 2, 3]: mean 2, population variance 2/3.
        var y = new LayerNorm(3, eps: 0, dtype: DType.Float64).Forward(Tensor.FromArray(new double[] { 1, 2, 3 }, 3));
        double s = Math.Sqrt(2.0 / 3);
        TestUtil.AssertClose([-1 / s, 0, 1 / s], y.ToDoubleArray(), 1e-12);
        Assert.Contains("LayerNorm", Assert.Throws<EngineException>(() => new LayerNorm(4).Forward(Tensor.Zeros([2, 3]))).Message);
        Assert.Contains("RMSNorm", Assert.Throws<EngineException>(() => new RMSNorm(4).Forward(Tensor.Zeros([2, 3]))).Message);
    }

    [Fact]
    public void DropoutKeepsAboutOneMinusPAndRescales()
    {
        var dropout = new Dropout(0.25, new Generator(5));
        var y = dropout.Forward(Tensor.Ones([100, 100])).ToFloatArray();
        int kept = y.Count(v => v != 0);
        Assert.All(y, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.75) < 1e-6));
        Assert.InRange(kept / 10000.0, 0.73, 0.77);
    }

    [Fact]
    public void DropoutIsSeededAndIdentityInEval()
    {
        var a = new Dropout(0.5, new Generator(11)).Forward(Tensor.Ones([64])).ToFloatArray();
        var b = new Dropout(0.5, new Generator(11)).Forward(Tensor.Ones([64])).ToFloatArray();
        Assert.Equal(a, b);
        var dropout = new Dropout(0.5, new Generator(11));
        dropout.Eval();
        var x = Tensor.Ones([8]);
        Assert.Same(x, dropout.Forward(x));
    }

    [Fact]
    public void DropoutGradientsUseTheSameMask()
    {
        // A fresh generator per call keeps the mask fixed across the finite-difference evaluations.
        TestUtil.AssertGradients(xs => new Dropout(0.3, new Generator(7)).Forward(xs[0]), [TestUtil.RandomLeaf([4, 6], 2)]);
    }
}
