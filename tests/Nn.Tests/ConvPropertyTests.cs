// Property tests: random convolution configurations (channels, groups, kernel, stride, padding,
// dilation, input size) must match the naive loops of ConvTests.
using Engine.Tensors;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Engine.Nn.Tests;

public class ConvPropertyTests
{
    private static readonly Arbitrary<int> Seeds = Gen.Choose(0, int.MaxValue - 1).ToArbitrary();

    private static void ForAllSeeds(int cases, Action<int> check) =>
        Prop.ForAll(Seeds, seed => check(seed)).Check(Config.QuickThrowOnFailure.WithMaxTest(cases));

    private static int Pick(Random random, int low, int high) => random.Next(low, high + 1);

    [Fact]
    public void Conv1dMatchesNaiveLoopOnRandomConfigurations() => ForAllSeeds(40, seed =>
    {
        var random = new Random(seed);
        int groups = Pick(random, 1, 3), cin = groups * Pick(random, 1, 2), cout = groups * Pick(random, 1, 2);
        int k = Pick(random, 1, 3), stride = Pick(random, 1, 2), padding = Pick(random, 0, 2), dilation = Pick(random, 1, 2);
        int length = dilation * (k - 1) + 1 + Pick(random, 0, 5);
        var conv = new Conv1d(cin, cout, k, new Generator((ulong)seed), stride, padding, dilation, groups, dtype: DType.Float64);
        var x = TestUtil.RandomLeaf([Pick(random, 1, 2), cin, length], (ulong)seed + 1);
        var expected = ConvTests.NaiveConv1d(x.Data, conv.Weight.Data, conv.Bias!.Data, stride, padding, padding, dilation, groups);
        TestUtil.AssertClose(expected, conv.Forward(x).ToDoubleArray(), 1e-12);
    });

    [Fact]
    public void Conv2dMatchesNaiveLoopOnRandomConfigurations() => ForAllSeeds(30, seed =>
    {
        var random = new Random(seed);
        int groups = Pick(random, 1, 2), cin = groups * Pick(random, 1, 2), cout = groups * Pick(random, 1, 2);
        int kh = Pick(random, 1, 3), kw = Pick(random, 1, 3), stride = Pick(random, 1, 2), dilation = Pick(random, 1, 2);
        int padH = Pick(random, 0, 1), padW = Pick(random, 0, 2);
        int height = dilation * (kh - 1) + 1 + Pick(random, 0, 3), width = dilation * (kw - 1) + 1 + Pick(random, 0, 3);
        var conv = new Conv2d(cin, cout, (kh, kw), new Generator((ulong)seed), stride, (padH, padW), dilation, groups, dtype: DType.Float64);
        var x = TestUtil.RandomLeaf([Pick(random, 1, 2), cin, height, width], (ulong)seed + 1);
        var expected = ConvTests.NaiveConv2d(x.Data, conv.Weight.Data, conv.Bias!.Data, stride, padH, padW, dilation, groups);
        TestUtil.AssertClose(expected, conv.Forward(x).ToDoubleArray(), 1e-12);
    });
}
