// Views share storage with their base and never copy: reshape/view, permute, slice, select, expand,
// squeeze/unsqueeze and contiguous, checked for values, strides and aliasing.
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;
using static Engine.Tensors.Tests.ArrayGen;

namespace Engine.Tensors.Tests;

public class ViewTests
{
    private static NDArray Iota(params int[] shape) => NDArray.Arange(0, ShapeMath.NumElements(shape), 1, DType.Float64).Reshape(shape);

    [Fact]
    public void ReshapeOfContiguousIsAViewThatSharesStorage()
    {
        var a = Iota(2, 3, 4);
        var r = a.Reshape(4, -1);
        Assert.Equal([4, 6], r.ShapeCopy());
        Assert.Same(a.Storage, r.Storage);
        r[3, 5] = -1;
        Assert.Equal(-1, a[1, 2, 3]);
        Assert.Equal([2, 12], a.Reshape(2, -1).ShapeCopy());
        Assert.Equal([24], a.Flatten().ShapeCopy());
        Assert.Equal(Flat(a), Flat(a.Reshape(3, 2, 2, 2)));
    }

    [Fact]
    public void ReshapeOfTransposeCopiesAndViewThrows()
    {
        var a = Iota(3, 4);
        var t = a.MT();
        var r = t.Reshape(12);
        Assert.NotSame(a.Storage, r.Storage);
        Assert.Equal([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11], Flat(r));
        Throws(() => t.View(12), "view", "[12]", "[4, 3]");
    }

    [Fact]
    public void ViewOfSplittableStridedArraySucceeds()
    {
        // Columns 0..1 of a [3, 4] array: each row is contiguous, rows are 4 apart.
        var a = Iota(3, 4);
        var s = a.Slice(1, 0, 2);
        var v = s.View(3, 2, 1);
        Assert.Same(a.Storage, v.Storage);
        Assert.Equal(Flat(s), Flat(v));
        var split = a.Permute(1, 0).Slice(0, 0, 4).View(2, 2, 3);
        Assert.Equal(Flat(a.Permute(1, 0)), Flat(split));
        Throws(() => s.View(6), "view", "[6]", "[3, 2]");
    }

    [Property(MaxTest = 40)]
    public Property ReshapeKeepsRowMajorValuesForAnyLayout() => Prop.ForAll(
        (from c in Case(SmallShape(), DType.Float64)
         from cut in Gen.Choose(0, 4)
         select (c, cut)).ToArbitrary(),
        t =>
        {
            var x = Make(t.c);
            var shape = t.c.Shape;
            int cut = Math.Min(t.cut, shape.Length);
            int[] target = [ShapeMath.NumElements(shape.AsSpan(0, cut)), -1];
            var r = x.Reshape(target);
            Assert.Equal(Flat(x), Flat(r));
            var back = r.Reshape(shape);
            Assert.Equal(Flat(x), Flat(back));
            // Reshape is a view exactly when View succeeds; then the storage is shared.
            NDArray? v = null;
            try { v = x.View(target); } catch (EngineException) { }
            if (v is not null)
            {
                Assert.Same(x.Storage, r.Storage);
                Assert.Equal(Flat(x), Flat(v));
                if (x.Size > 0)
                {
                    v[new int[v.Rank]] = 12345;
                    Assert.Equal(12345, Flat(x)[0]);
                }
            }
            else Assert.NotSame(x.Storage, r.Storage);
        });

    [Fact]
    public void PermuteTransposeAndMTAreViews()
    {
        var a = Iota(2, 3, 4);
        var p = a.Permute(2, 0, 1);
        Assert.Equal([4, 2, 3], p.ShapeCopy());
        Assert.Equal([1, 12, 4], p.Strides.ToArray());
        Assert.Equal(a[1, 2, 3], p[3, 1, 2]);
        var t = a.Transpose(0, 2);
        Assert.Equal(a[1, 0, 3], t[3, 0, 1]);
        var m = a.MT();
        Assert.Equal([2, 4, 3], m.ShapeCopy());
        m[1, 3, 2] = 99;
        Assert.Equal(99, a[1, 2, 3]);
        Assert.Same(a.Storage, p.Storage);
        Assert.False(m.IsContiguous);
        Assert.Equal([4, 2, 3], a.Permute(-1, 0, 1).ShapeCopy());
    }

    [Fact]
    public void SliceWithStepNegativeAndClampedBounds()
    {
        var a = Iota(10);
        Assert.Equal([2, 5, 8], Flat(a.Slice(0, 2, 10, 3)));
        Assert.Equal([7, 8], Flat(a.Slice(0, -3, -1)));
        Assert.Equal([0, 1, 2], Flat(a.Slice(0, -100, 3)));
        Assert.Equal([8, 9], Flat(a.Slice(0, 8, 100)));
        Assert.Equal(0, a.Slice(0, 5, 2).Size);
        Assert.Equal(0, a.Slice(0, 20, 30).Size);
        Assert.Equal([1, 5, 9], Flat(a.Slice(0, 1, 10, 4)));
        var s = a.Slice(0, 1, 9, 2);
        s[2] = -7;
        Assert.Equal(-7, a[5]);
        Assert.Same(a.Storage, s.Storage);
        Throws(() => a.Slice(0, 0, 5, 0), "slice", "step", "0");
        Throws(() => a.Slice(0, 0, 5, -1), "slice", "step", "-1");
    }

    [Property(MaxTest = 40)]
    public Property SliceMatchesPythonSemantics() => Prop.ForAll(
        (from n in Gen.Choose(0, 12)
         from start in Gen.Choose(-15, 15)
         from end in Gen.Choose(-15, 15)
         from step in Gen.Choose(1, 4)
         select (n, start, end, step)).ToArbitrary(),
        t =>
        {
            var a = NDArray.Arange(0, t.n, 1, DType.Int64);
            var expected = new List<double>();
            int s = Math.Clamp(t.start < 0 ? t.start + t.n : t.start, 0, t.n);
            int e = Math.Clamp(t.end < 0 ? t.end + t.n : t.end, 0, t.n);
            for (int i = s; i < e; i += t.step) expected.Add(i);
            Assert.Equal(expected.ToArray(), Flat(a.Slice(0, t.start, t.end, t.step)));
        });

    [Fact]
    public void SelectDropsTheAxisAndShares()
    {
        var a = Iota(2, 3, 4);
        var s = a.Select(1, -1);
        Assert.Equal([2, 4], s.ShapeCopy());
        Assert.Equal([8, 9, 10, 11, 20, 21, 22, 23], Flat(s));
        s[1, 0] = 0.5;
        Assert.Equal(0.5, a[1, 2, 0]);
        Assert.Equal(13, a.Select(0, 1).Select(0, 0)[1]);
        Throws(() => a.Select(1, 3), "select", "3", "[2, 3, 4]");
    }

    [Fact]
    public void ExpandAndBroadcastToUseZeroStrides()
    {
        var a = Iota(3, 1);
        var e = a.Expand(2, 3, 4);
        Assert.Equal([2, 3, 4], e.ShapeCopy());
        Assert.Equal([0, 1, 0], e.Strides.ToArray());
        Assert.Same(a.Storage, e.Storage);
        Assert.Equal(2, e[1, 2, 3]);
        Assert.Equal([3, 5], a.Expand(-1, 5).ShapeCopy());
        var b = a.BroadcastTo([3, 2]);
        Assert.Equal([0, 0, 1, 1, 2, 2], Flat(b));
        a[1, 0] = 7;
        Assert.Equal(7, b[1, 1]);
        Throws(() => a.Expand(3, 2, 2), "expand", "[3, 1]", "[3, 2, 2]");
        Throws(() => Iota(3).Expand(4), "expand", "[3]", "[4]");
    }

    [Fact]
    public void SqueezeAndUnsqueeze()
    {
        var a = Iota(1, 3, 1, 2);
        Assert.Equal([3, 2], a.Squeeze().ShapeCopy());
        Assert.Equal([3, 1, 2], a.Squeeze(0).ShapeCopy());
        Assert.Equal([1, 3, 2], a.Squeeze(-2).ShapeCopy());
        Throws(() => a.Squeeze(1), "squeeze", "[1, 3, 1, 2]");
        var u = Iota(3, 2).Unsqueeze(1);
        Assert.Equal([3, 1, 2], u.ShapeCopy());
        Assert.Equal([3, 2, 1], Iota(3, 2).Unsqueeze(-1).ShapeCopy());
        Assert.Equal(Flat(Iota(3, 2)), Flat(u));
        Assert.True(u.IsContiguous);
        var scalar = NDArray.Scalar(4).Unsqueeze(0);
        Assert.Equal([1], scalar.ShapeCopy());
        Assert.Equal([], NDArray.Ones([1, 1]).Squeeze().ShapeCopy());
        var t = Iota(2, 3).MT().Unsqueeze(0);
        Assert.Equal(Flat(Iota(2, 3).MT()), Flat(t));
        Assert.Same(a.Storage, a.Squeeze().Storage);
    }

    [Fact]
    public void ContiguousReturnsSameObjectOrACopy()
    {
        var a = Iota(3, 4);
        Assert.Same(a, a.Contiguous());
        var row = a.Select(0, 1);
        Assert.Same(row, row.Contiguous());
        var t = a.MT();
        var c = t.Contiguous();
        Assert.NotSame(t, c);
        Assert.NotSame(a.Storage, c.Storage);
        Assert.True(c.IsContiguous);
        Assert.Equal(Flat(t), Flat(c));
        c[0, 0] = 100;
        Assert.Equal(0, a[0, 0]);
        var clone = a.Clone();
        clone[0, 1] = 5;
        Assert.Equal(1, a[0, 1]);
    }

    [Property(MaxTest = 40)]
    public Property ContiguousCopiesOnlyWhenNeeded() => Prop.ForAll(
        Case(SmallShape(), DType.Float32, DType.Int64).ToArbitrary(),
        c =>
        {
            var x = Make(c);
            var y = x.Contiguous();
            Assert.Equal(Flat(x), Flat(y));
            Assert.True(y.IsContiguous);
            if (x.IsContiguous) Assert.Same(x, y);
            else Assert.NotSame(x.Storage, y.Storage);
        });

    [Fact]
    public void WritesThroughChainedViewsReachTheBase()
    {
        var a = NDArray.Zeros([4, 6]);
        var v = a.Slice(1, 1, 6, 2).MT().Unsqueeze(0).Select(0, 0);
        Assert.Equal([3, 4], v.ShapeCopy());
        v.Fill(2);
        Assert.Equal([0, 2, 0, 2, 0, 2], Flat(a.Select(0, 3)));
        Assert.Equal(24, a.Sum().Item());
    }
}

public class ViewEdgeCaseTests
{
    [Fact]
    public void SliceWithAHugeStepKeepsTheFirstElement()
    {
        var x = NDArray.Arange(5);
        Assert.Equal([0f], x.Slice(0, 0, 5, int.MaxValue).ToArray<float>());
    }

    [Fact]
    public void CopyFromAnOverlappingViewOfTheSameStorageReadsTheOldValues()
    {
        var x = NDArray.Arange(0, 24, 1, DType.Float64).Reshape(4, 6);
        x.Slice(0, 1, 4).CopyFrom(x.Slice(0, 0, 3));
        var rows = x.ToArray<double>();
        for (int r = 1; r < 4; r++)
            for (int c = 0; c < 6; c++)
                Assert.Equal((r - 1) * 6 + c, rows[r * 6 + c]);
    }
}
