// Losses: values derived by hand from the definitions (PyTorch semantics for ignore index, label
// smoothing and reductions), float64 gradient checks and input validation.
using Engine.Autograd;
using Engine.Nn.Functional;
using Engine.Tensors;
using Xunit;

namespace Engine.Nn.Tests;

public class LossTests
{
    private static readonly double[] LogitsData = [1, 2, 3, 1, 1, 1];

    private static Tensor Logits() => Tensor.FromArray((double[])LogitsData.Clone(), 2, 3);

    private static double LogSumExp(params double[] v) => Math.Log(v.Sum(Math.Exp));

    [Fact]
    public void CrossEntropyIsMeanNegativeLogLikelihood()
    {
        double row0 = LogSumExp(1, 2, 3) - 3, row1 = Math.Log(3);
        var loss = Losses.CrossEntropy(Logits(), Tensor.FromArray(new long[] { 2, 0 }, 2));
        Assert.Equal((row0 + row1) / 2, loss.Item(), 12);
        var sum = Losses.CrossEntropy(Logits(), Tensor.FromArray(new long[] { 2, 0 }, 2), reduction: Reduction.Sum);
        Assert.Equal(row0 + row1, sum.Item(), 12);
    }

    [Fact]
    public void CrossEntropyIgnoresTargetsAndAveragesOverTheRest()
    {
        var targets = Tensor.FromArray(new long[] { 2, -100 }, 2);
        Assert.Equal(LogSumExp(1, 2, 3) - 3, Losses.CrossEntropy(Logits(), targets).Item(), 12);
        var none = Losses.CrossEntropy(Logits(), targets, reduction: Reduction.None).ToDoubleArray();
        Assert.Equal(0, none[1]);
        var custom = Losses.CrossEntropy(Logits(), Tensor.FromArray(new long[] { 7, 1 }, 2), ignoreIndex: 7);
        Assert.Equal(Math.Log(3), custom.Item(), 12);
    }

    [Fact]
    public void CrossEntropyLabelSmoothing()
    {
        // Per target: (1 - e) * nll + e * mean_c(-log p_c).
        const double e = 0.1;
        double lse = LogSumExp(1, 2, 3);
        double row0 = (1 - e) * (lse - 3) + e * (3 * lse - 6) / 3;
        double row1 = Math.Log(3);
        var loss = Losses.CrossEntropy(Logits(), Tensor.FromArray(new long[] { 2, 1 }, 2), labelSmoothing: e);
        Assert.Equal((row0 + row1) / 2, loss.Item(), 12);
    }

    [Fact]
    public void CrossEntropyGradients()
    {
        var targets = Tensor.FromArray(new long[] { 0, 4, -100, 2, 1, 3 }, 2, 3);
        TestUtil.AssertGradients(xs => Losses.CrossEntropy(xs[0], targets, labelSmoothing: 0.2), [TestUtil.RandomLeaf([2, 3, 5], 1)]);
        TestUtil.AssertGradients(xs => Losses.CrossEntropy(xs[0], targets, reduction: Reduction.None), [TestUtil.RandomLeaf([2, 3, 5], 2)]);
    }

    [Fact]
    public void CrossEntropyValidatesTargets()
    {
        Assert.Contains("cross_entropy", Assert.Throws<EngineException>(() => Losses.CrossEntropy(Logits(), Tensor.FromArray(new long[] { 3, 0 }, 2))).Message);
        Assert.Contains("[2]", Assert.Throws<EngineException>(() => Losses.CrossEntropy(Logits(), Tensor.FromArray(new long[] { 0 }, 1))).Message);
        Assert.Throws<EngineException>(() => Losses.CrossEntropy(Logits(), Tensor.FromArray(new long[] { -100, -100 }, 2)));
        Assert.Throws<EngineException>(() => Losses.CrossEntropy(Logits(), Tensor.FromArray(new double[] { 0, 1 }, 2)));
    }

    [Fact]
    public void NllPicksTheTargetLogProbability()
    {
        var logProbs = Tensor.FromArray(new double[] { -0.1, -2.3, -1.2, -0.4 }, 2, 2);
        Assert.Equal((2.3 + 1.2) / 2, Losses.Nll(logProbs, Tensor.FromArray(new long[] { 1, 0 }, 2)).Item(), 12);
        var targets = Tensor.FromArray(new long[] { 1, -100, 0 }, 3);
        TestUtil.AssertGradients(xs => Losses.Nll(xs[0].LogSoftmax(-1), targets), [TestUtil.RandomLeaf([3, 4], 3)]);
    }

    [Fact]
    public void MseValuesAndGradients()
    {
        var loss = Losses.Mse(Tensor.FromArray(new double[] { 1, 2 }, 2), Tensor.FromArray(new double[] { 0, 4 }, 2));
        Assert.Equal(2.5, loss.Item(), 12);
        TestUtil.AssertGradients(xs => Losses.Mse(xs[0], xs[1]), [TestUtil.RandomLeaf([3, 4], 4), TestUtil.RandomLeaf([3, 4], 5)]);
        Assert.Contains("mse", Assert.Throws<EngineException>(() => Losses.Mse(Tensor.Zeros([2]), Tensor.Zeros([3]))).Message);
    }

    [Fact]
    public void KlDivMatchesDefinition()
    {
        // Rows p = [0.5, 0.5, 0] and [0.2, 0.3, 0.5] against q = uniform; a zero target contributes 0.
        double[] p = [0.5, 0.5, 0, 0.2, 0.3, 0.5];
        double logQ = Math.Log(1.0 / 3);
        double total = p.Where(v => v > 0).Sum(v => v * (Math.Log(v) - logQ));
        var input = Tensor.Full([2, 3], logQ, DType.Float64);
        var target = Tensor.FromArray(p, 2, 3);
        Assert.Equal(total / 2, Losses.KlDiv(input, target).Item(), 12);
        Assert.Equal(total, Losses.KlDiv(input, target, Reduction.Sum).Item(), 12);
        Assert.Equal(total / 6, Losses.KlDiv(input, target, Reduction.Mean).Item(), 12);
    }

    [Fact]
    public void KlDivGradients()
    {
        var targetProbs = new Tensor(new Generator(6).Uniform([3, 4], 0.1, 1, DType.Float64)).Softmax(-1).Detach();
        targetProbs.RequiresGrad = true;
        TestUtil.AssertGradients(xs => Losses.KlDiv(xs[0].LogSoftmax(-1), xs[1]), [TestUtil.RandomLeaf([3, 4], 7), targetProbs]);
    }
}
