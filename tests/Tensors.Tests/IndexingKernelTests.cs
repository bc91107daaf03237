// The CPU gather, scatter-add, cumulative sum and where kernels on sizes that reach their threaded and
// vectorised paths (embedding-sized lookups, long rows, strided and expanded views): they must match the
// reference backend exactly and give the same bits for any thread count.
using Xunit;
using static Engine.Tensors.Tests.ArrayGen;

namespace Engine.Tensors.Tests;

[Collection(ThreadSettingCollection.Name)]
public class IndexingKernelTests
{
    public static TheoryData<DType> AllTypes() => new(DType.Float32, DType.Float64, DType.Int64);

    /// <summary>f on the reference backend, then on the CPU backend with 1, 2 and 3 threads: all bit-identical.</summary>
    private static void AssertMatchesReferenceForAnyThreads(Func<NDArray> f)
    {
        NDArray reference;
        using (Backend.Use(Backend.Reference)) reference = f();
        var expected = Flat(reference);
        int saved = Parallelism.MaxThreads;
        try
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                Parallelism.MaxThreads = threads;
                NDArray cpu;
                using (Backend.Use(Backend.Cpu)) cpu = f();
                AssertSameShape(reference, cpu);
                var actual = Flat(cpu);
                for (int i = 0; i < expected.Length; i++)
                    Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]),
                        $"{threads} thread(s), element {i}: reference {expected[i]:R}, cpu {actual[i]:R}");
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    private static NDArray Ids(int count, int seed, int bound) => Dense([count], seed, DType.Int64, 0, bound);

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void EmbeddingLookupAndItsBackward(DType dtype)
    {
        var table = Make([1000, 130], Layout.Contiguous, 1, dtype);
        var ids = Ids(3000, 2, 1000);
        AssertMatchesReferenceForAnyThreads(() => table.IndexSelect(0, ids));
        // The backward: rows of the gradient added into a zero table; repeated ids accumulate in order.
        var grad = Make([3000, 130], Layout.Strided, 3, dtype);
        var spread = NDArray.SpreadIndex(ids, [3000, 130], 0);
        AssertMatchesReferenceForAnyThreads(() => NDArray.ZerosLike(table).ScatterAdd(0, spread, grad));
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void GatherAndScatterOnStridedViewsAlongEachAxis(DType dtype)
    {
        int[] shape = [6, 70, 90];
        foreach (var layout in new[] { Layout.Permuted, Layout.Strided })
            for (int axis = 0; axis < 3; axis++)
            {
                var x = Make(shape, layout, 10 + axis, dtype);
                int[] indexShape = [5, 60, 80];
                indexShape[axis] = 2 * shape[axis];
                var index = Make(indexShape, Layout.Permuted, 20 + axis, DType.Int64, 0, shape[axis]);
                AssertMatchesReferenceForAnyThreads(() => x.Gather(axis, index));
                var src = Make(indexShape, layout, 30 + axis, dtype);
                AssertMatchesReferenceForAnyThreads(() => x.ScatterAdd(axis, index, src));
            }
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void CumSumAlongEachAxisOfLargeViews(DType dtype)
    {
        foreach (var layout in new[] { Layout.Contiguous, Layout.Permuted, Layout.Strided, Layout.Expanded })
        {
            var x = Make([3, 700, 90], layout, 40, dtype);
            for (int axis = 0; axis < 3; axis++)
                AssertMatchesReferenceForAnyThreads(() => x.CumSum(axis));
        }
        var vector = Make([20000], Layout.Strided, 41, dtype);
        AssertMatchesReferenceForAnyThreads(() => vector.CumSum(0));
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void WhereWithBroadcastAndStridedOperands(DType dtype)
    {
        var cond = Make([1, 4000], Layout.Contiguous, 50, dtype, -1, 1, 1);
        var a = Make([50, 4000], Layout.Strided, 51, dtype);
        var b = Make([50, 1], Layout.Permuted, 52, dtype);
        AssertMatchesReferenceForAnyThreads(() => NDArray.Where(cond, a, b));
        var square = Make([300, 300], Layout.Strided, 53, dtype);
        var scalar = NDArray.Scalar(7, dtype);
        AssertMatchesReferenceForAnyThreads(() => NDArray.Where(square.Binary(BinaryOp.Gt, 0), scalar, square.MT()));
    }

    [Fact]
    public void WherePicksTheFirstBranchForNaNConditions()
    {
        var cond = NDArray.FromArray(new[] { double.NaN, 0.0, -0.0, 2.0 }, 4);
        var picked = NDArray.Where(cond, NDArray.Ones([4], DType.Float64), NDArray.Zeros([4], DType.Float64));
        Assert.Equal([1.0, 0.0, 0.0, 1.0], Flat(picked));
    }

    [Fact]
    public void EmptyInputsGiveEmptyResults()
    {
        var x = NDArray.Ones([0, 5]);
        Assert.Equal([0, 5], x.CumSum(1).ShapeCopy());
        Assert.Equal([0, 5], x.Gather(0, NDArray.Zeros([0, 5], DType.Int64)).ShapeCopy());
        var target = NDArray.Ones([3, 5]);
        Assert.Equal(Flat(target), Flat(target.ScatterAdd(0, NDArray.Zeros([0, 5], DType.Int64), NDArray.Ones([0, 5]))));
    }
}
