// The fused CPU softmax / log-softmax against the composite definition it replaces (the reference
// backend's), on LM-sized rows, masked (-inf) entries, fully masked rows, huge logits and every axis;
// and the same bits for any thread count.
using Xunit;
using static Engine.Tensors.Tests.ArrayGen;

namespace Engine.Tensors.Tests;

[Collection(ThreadSettingCollection.Name)]
public class SoftmaxKernelTests
{
    public static TheoryData<DType> FloatTypes() => new(DType.Float32, DType.Float64);

    private static void AssertFusedMatchesComposite(NDArray x, int axis)
    {
        var (reference, cpu) = Both(() => x.Softmax(axis));
        AssertAgree(reference, cpu);
        var (referenceLog, cpuLog) = Both(() => x.LogSoftmax(axis));
        AssertAgree(referenceLog, cpuLog, referenceLog.Abs());
    }

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void LargeRowsOnEveryAxisAndLayout(DType dtype)
    {
        foreach (var layout in new[] { Layout.Contiguous, Layout.Permuted, Layout.Strided })
        {
            var x = Make([17, 300, 259], layout, 3, dtype, -8, 8);
            for (int axis = 0; axis < 3; axis++) AssertFusedMatchesComposite(x, axis);
        }
    }

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void MaskedRowsAndHugeLogits(DType dtype)
    {
        var values = Values(5, 64 * 300, -3, 3);
        for (int col = 0; col < 300; col++)
        {
            values[col] = double.NegativeInfinity;  // row 0: fully masked
            if (col > 10) values[300 + col] = double.NegativeInfinity;  // row 1: causal-style mask
            values[600 + col] = 1000 + col;  // row 2: would overflow exp without the max shift
        }
        var x = NDArray.FromArray(values, 64, 300).ToDType(dtype);
        AssertFusedMatchesComposite(x, -1);
        var softmax = x.Softmax(-1);
        Assert.Equal(1, softmax.Sum([1])[2], 1e-5);
        Assert.All(Flat(softmax.Slice(0, 1, 2).Slice(1, 11, 300)), v => Assert.Equal(0, v));
    }

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void BitIdenticalForAnyThreadCount(DType dtype)
    {
        var x = Make([4096, 256], Layout.Contiguous, 9, dtype, -5, 5);
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1;
            var one = Flat(x.LogSoftmax(-1));
            var oneSoft = Flat(x.Softmax(-1));
            Parallelism.MaxThreads = 2;
            Assert.Equal(one, Flat(x.LogSoftmax(-1)));
            Assert.Equal(oneSoft, Flat(x.Softmax(-1)));
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }
}
