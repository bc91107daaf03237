// CPU results do not depend on the thread count: reductions, matmul, elementwise ops and copies give
// the same bits with Parallelism.MaxThreads = 1 and 2. MaxThreads is global, so these tests (and the
// RNG tests that change it) share one collection that never runs in parallel with others.
using Xunit;
using static Engine.Tensors.Tests.ArrayGen;

namespace Engine.Tensors.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadSettingCollection
{
    public const string Name = "Parallelism.MaxThreads";
}

[Collection(ThreadSettingCollection.Name)]
public class ThreadDeterminismTests
{
    /// <summary>f's result with 1 thread and with 2, as raw values.</summary>
    private static (double[] One, double[] Two) OneAndTwoThreads(Func<NDArray> f)
    {
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1;
            var one = Flat(f());
            Parallelism.MaxThreads = 2;
            var two = Flat(f());
            return (one, two);
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    private static void AssertBitIdentical(Func<NDArray> f)
    {
        var (one, two) = OneAndTwoThreads(f);
        Assert.Equal(one.Length, two.Length);
        for (int i = 0; i < one.Length; i++)
            Assert.True(BitConverter.DoubleToInt64Bits(one[i]) == BitConverter.DoubleToInt64Bits(two[i]), $"element {i}: {one[i]:R} vs {two[i]:R}");
    }

    public static TheoryData<DType> FloatTypes() => new(DType.Float32, DType.Float64);

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void ReductionsAreBitIdentical(DType dtype)
    {
        var x = Make([64, 33, 40], Layout.Permuted, 1, dtype);
        AssertBitIdentical(() => x.Sum(2));
        AssertBitIdentical(() => x.Sum(0));
        AssertBitIdentical(() => x.Sum(0, 2));
        AssertBitIdentical(() => x.Max([1]));
        AssertBitIdentical(() => x.Sum());
        AssertBitIdentical(() => x.Var([2]));
        AssertBitIdentical(() => x.Softmax(1));
        AssertBitIdentical(() => x.LogSumExp([0]));
        AssertBitIdentical(() => x.ArgMax(2).ToDType(DType.Float64));
    }

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void MatMulIsBitIdentical(DType dtype)
    {
        var a = Make([2, 96, 65], Layout.Contiguous, 2, dtype);
        var b = Make([65, 80], Layout.Contiguous, 3, dtype);
        AssertBitIdentical(() => a.MatMul(b));
        AssertBitIdentical(() => a.MatMul(Make([80, 65], Layout.Strided, 4, dtype).MT()));
    }

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void ElementwiseAndCopiesAreBitIdentical(DType dtype)
    {
        var x = Make([300, 257], Layout.Strided, 5, dtype);
        var y = Make([257], Layout.Contiguous, 6, dtype);
        AssertBitIdentical(() => x.Exp());
        AssertBitIdentical(() => x.Tanh());
        AssertBitIdentical(() => x.Contiguous().Sigmoid());
        AssertBitIdentical(() => x * y);
        AssertBitIdentical(() => x.Binary(BinaryOp.Pow, y.Abs()));
        AssertBitIdentical(() => x.Binary(BinaryOp.Gt, y));
        AssertBitIdentical(() => x.Contiguous());
        AssertBitIdentical(() => x.MT().Contiguous());
        AssertBitIdentical(() => x.ToDType(DType.Float32));
    }
}
