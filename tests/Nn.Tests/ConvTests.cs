// Conv1d and Conv2d against naive loops written from the definition (PyTorch cross-correlation with
// zero padding, stride, dilation and groups), plus float64 gradient checks and shape errors.
using Engine.Autograd;
using Engine.Tensors;
using Xunit;

namespace Engine.Nn.Tests;

public class ConvTests
{
    internal static double[] NaiveConv1d(NDArray x, NDArray w, NDArray? b, int stride, int padLeft, int padRight, int dilation, int groups)
    {
        int n = x.Dim(0), length = x.Dim(2), cout = w.Dim(0), cg = w.Dim(1), k = w.Dim(2);
        int outLength = (length + padLeft + padRight - dilation * (k - 1) - 1) / stride + 1;
        var y = new List<double>();
        for (int s = 0; s < n; s++)
            for (int o = 0; o < cout; o++)
                for (int t = 0; t < outLength; t++)
                {
                    int g = o / (cout / groups);
                    double acc = b is null ? 0 : b[o];
                    for (int c = 0; c < cg; c++)
                        for (int j = 0; j < k; j++)
                        {
                            int pos = t * stride + j * dilation - padLeft;
                            if (pos >= 0 && pos < length) acc += w[o, c, j] * x[s, g * cg + c, pos];
                        }
                    y.Add(acc);
                }
        return [.. y];
    }

    internal static double[] NaiveConv2d(NDArray x, NDArray w, NDArray b, int stride, int padH, int padW, int dilation, int groups)
    {
        int n = x.Dim(0), height = x.Dim(2), width = x.Dim(3), cout = w.Dim(0), cg = w.Dim(1), kh = w.Dim(2), kw = w.Dim(3);
        int outH = (height + 2 * padH - dilation * (kh - 1) - 1) / stride + 1, outW = (width + 2 * padW - dilation * (kw - 1) - 1) / stride + 1;
        var y = new List<double>();
        for (int s = 0; s < n; s++)
            for (int o = 0; o < cout; o++)
                for (int r = 0; r < outH; r++)
                    for (int q = 0; q < outW; q++)
                    {
                        int g = o / (cout / groups);
                        double acc = b[o];
                        for (int c = 0; c < cg; c++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int row = r * stride + i * dilation - padH, col = q * stride + j * dilation - padW;
                                    if (row >= 0 && row < height && col >= 0 && col < width) acc += w[o, c, i, j] * x[s, g * cg + c, row, col];
                                }
                        y.Add(acc);
                    }
        return [.. y];
    }

    [Theory]
    [InlineData(2, 4, 3, 1, 0, 1, 1)]
    [InlineData(2, 4, 3, 2, 1, 1, 1)]
    [InlineData(4, 6, 2, 1, 2, 2, 2)]
    [InlineData(3, 3, 3, 1, 1, 1, 3)]
    public void Conv1dMatchesNaiveLoop(int cin, int cout, int k, int stride, int padding, int dilation, int groups)
    {
        var conv = new Conv1d(cin, cout, k, new Generator(1), stride, padding, dilation, groups, dtype: DType.Float64);
        var x = TestUtil.RandomLeaf([2, cin, 7], 2);
        var expected = NaiveConv1d(x.Data, conv.Weight.Data, conv.Bias!.Data, stride, padding, padding, dilation, groups);
        TestUtil.AssertClose(expected, conv.Forward(x).ToDoubleArray(), 1e-12);
        TestUtil.AssertLayerGradients(conv, x);
    }

    [Fact]
    public void CausalDepthwiseConv1dOnlySeesThePast()
    {
        var conv = new Conv1d(3, 3, 4, new Generator(3), groups: 3, causal: true, dtype: DType.Float64);
        var x = TestUtil.RandomLeaf([1, 3, 6], 4);
        var y = conv.Forward(x);
        Assert.Equal([1, 3, 6], y.Shape.ToArray());
        TestUtil.AssertClose(NaiveConv1d(x.Data, conv.Weight.Data, conv.Bias!.Data, 1, 3, 0, 1, 3), y.ToDoubleArray(), 1e-12);
        // Changing the last step must leave every earlier output unchanged.
        var changed = x.Data.Clone();
        changed[0, 1, 5] = 100;
        var y2 = conv.Forward(new Tensor(changed));
        for (int t = 0; t < 5; t++) Assert.Equal(y.Data[0, 1, t], y2.Data[0, 1, t]);
        TestUtil.AssertLayerGradients(conv, x);
    }

    [Fact]
    public void Conv1dWithoutBias()
    {
        var conv = new Conv1d(2, 2, 2, new Generator(5), bias: false, dtype: DType.Float64);
        Assert.Single(conv.Parameters());
        var x = TestUtil.RandomLeaf([1, 2, 4], 6);
        TestUtil.AssertClose(NaiveConv1d(x.Data, conv.Weight.Data, null, 1, 0, 0, 1, 1), conv.Forward(x).ToDoubleArray(), 1e-12);
    }

    [Theory]
    [InlineData(2, 4, 3, 2, 1, 0, 0, 1, 1)]
    [InlineData(2, 2, 2, 2, 2, 1, 1, 1, 1)]
    [InlineData(4, 6, 3, 3, 1, 2, 1, 2, 2)]
    [InlineData(3, 3, 2, 3, 1, 1, 0, 1, 3)]
    public void Conv2dMatchesNaiveLoop(int cin, int cout, int kh, int kw, int stride, int padH, int padW, int dilation, int groups)
    {
        var conv = new Conv2d(cin, cout, (kh, kw), new Generator(1), stride, (padH, padW), dilation, groups, dtype: DType.Float64);
        var x = TestUtil.RandomLeaf([2, cin, 5, 6], 2);
        var expected = NaiveConv2d(x.Data, conv.Weight.Data, conv.Bias!.Data, stride, padH, padW, dilation, groups);
        TestUtil.AssertClose(expected, conv.Forward(x).ToDoubleArray(), 1e-12);
        TestUtil.AssertLayerGradients(conv, x);
    }

    [Fact]
    public void ConvShapeErrorsNameTheLayer()
    {
        var conv1 = new Conv1d(3, 2, 3, new Generator(1));
        var e1 = Assert.Throws<EngineException>(() => conv1.Forward(Tensor.Zeros([1, 4, 5])));
        Assert.Contains("Conv1d", e1.Message);
        Assert.Contains("[1, 4, 5]", e1.Message);
        Assert.Contains("Conv1d", Assert.Throws<EngineException>(() => conv1.Forward(Tensor.Zeros([1, 3, 2]))).Message);
        var conv2 = new Conv2d(3, 2, (3, 3), new Generator(1));
        Assert.Contains("Conv2d", Assert.Throws<EngineException>(() => conv2.Forward(Tensor.Zeros([1, 3, 5]))).Message);
        Assert.Throws<EngineException>(() => new Conv2d(3, 2, (3, 3), new Generator(1), groups: 2));
    }
}
