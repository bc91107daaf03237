// BufferScope: arrays allocated inside a scope are recycled when it ends, and anything that still points
// at them fails loudly instead of reading memory that was handed out again; Keep and Suspend opt out.
using Xunit;
using static Engine.Tensors.Tests.ArrayGen;

namespace Engine.Tensors.Tests;

public class BufferScopeTests
{
    private static void AssertDead(Action access)
    {
        var error = Assert.Throws<EngineException>(access);
        Assert.Contains("BufferScope", error.Message);
    }

    [Fact]
    public void ArraysAndViewsFromAnEndedScopeThrowOnAccess()
    {
        NDArray inside, view;
        using (BufferScope.Begin())
        {
            inside = NDArray.Ones([40, 50]) * 2.0;
            view = inside.MT().Slice(0, 1, 10);
            Assert.Equal(2, view[0, 0]);
        }
        Assert.False(inside.Storage.IsAlive);
        AssertDead(() => _ = inside[0, 0]);
        AssertDead(() => view.Contiguous());
        AssertDead(() => inside.Add(inside));
    }

    [Fact]
    public void KeptSuspendedAndOutsideArraysSurvive()
    {
        var outside = NDArray.Full([30], 3.0);
        NDArray kept, suspended, derived;
        using (BufferScope.Begin())
        {
            kept = BufferScope.Keep(outside * 2.0);
            using (BufferScope.Suspend()) suspended = outside + 1.0;
            derived = outside.Exp();
        }
        Assert.Equal(6, kept[0]);
        Assert.Equal(4, suspended[0]);
        Assert.Equal(3, outside[0]);
        Assert.False(derived.Storage.IsAlive);
    }

    [Fact]
    public void RecycledBuffersComeBackZeroed()
    {
        for (int round = 0; round < 3; round++)
            using (BufferScope.Begin())
            {
                var zeros = NDArray.Zeros([64, 33]);
                Assert.All(Flat(zeros), v => Assert.Equal(0, v));
                zeros.CopyFrom(NDArray.Full([64, 33], 5.0));
            }
    }

    [Fact]
    public void ResultsInsideAScopeMatchResultsOutside()
    {
        var a = Make([70, 90], Layout.Permuted, 1, DType.Float32);
        var b = Make([90, 40], Layout.Strided, 2, DType.Float32);
        NDArray Compute() => (a.MatMul(b).Tanh() * 3.0).Softmax(-1).Sum([0]);
        var expected = Flat(Compute());
        for (int round = 0; round < 3; round++)
            using (BufferScope.Begin())
                Assert.Equal(expected, Flat(Compute()));
    }

    [Fact]
    public void ScopesMustEndInReverseOrder()
    {
        var outer = BufferScope.Begin();
        var inner = BufferScope.Begin();
        Assert.Throws<EngineException>(outer.Dispose);
        inner.Dispose();
        Assert.True(BufferScope.IsActive);
        outer.Dispose();
        Assert.False(BufferScope.IsActive);
    }
}
