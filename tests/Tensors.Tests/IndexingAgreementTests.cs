// CPU backend against the reference backend for matmul (1-D operands, broadcast batches, transposed
// operands), gather, scatter-add, index-select, one-hot, cat/stack/split/pad and copies into views.
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;
using static Engine.Tensors.Tests.ArrayGen;

namespace Engine.Tensors.Tests;

public class IndexingAgreementTests
{
    private static Gen<(int M, int K, int N)> MatrixDims =>
        Gen.Frequency(
            (6, from m in Gen.Choose(1, 6) from k in Gen.Choose(1, 6) from n in Gen.Choose(1, 6) select (m, k, n)),
            (1, Gen.Elements((33, 65, 17), (64, 65, 33), (1, 1000, 3), (7, 3, 1000))));

    [Property(MaxTest = 50)]
    public Property MatMulAgrees() => Prop.ForAll(
        (from d in MatrixDims
         from batch in SmallShape(0, 2)
         from ba in BroadcastableTo(batch)
         from bb in BroadcastableTo(batch)
         from kind in Gen.Choose(0, 3)  // 0: matrices, 1: vector @ matrix, 2: matrix @ vector, 3: vector @ vector
         from transposeB in Gen.Elements(false, true)
         from la in Layouts
         from lb in Layouts
         from seed in Seeds
         from dtype in Gen.Elements(DType.Float32, DType.Float64)
         select (d, ba, bb, kind, transposeB, la, lb, seed, dtype)).ToArbitrary(),
        t =>
        {
            var (m, k, n) = t.d;
            int[] shapeA = t.kind is 1 or 3 ? [k] : [.. t.ba, m, k];
            int[] shapeB = t.kind is 2 or 3 ? [k] : t.transposeB ? [.. t.bb, n, k] : [.. t.bb, k, n];
            var a = Make(shapeA, t.la, t.seed, t.dtype);
            var b = Make(shapeB, t.lb, t.seed + 1, t.dtype);
            if (t.transposeB && b.Rank >= 2) b = b.MT();
            var (r, cpu) = Both(() => a.MatMul(b));
            NDArray scale;
            using (Backend.Use(Backend.Reference)) scale = a.ToDType(DType.Float64).Abs().MatMul(b.ToDType(DType.Float64).Abs());
            var (atol, rtol) = Tol(t.dtype);
            AssertClose(r, cpu, atol, rtol, scale);
        });

    [Fact]
    public void MatMulShapesAndValues()
    {
        var a = NDArray.FromArray(new[] { 1.0, 2, 3, 4, 5, 6 }, 2, 3);
        var b = NDArray.FromArray(new[] { 1.0, 0, 0, 1, 1, 1 }, 3, 2);
        Assert.Equal([4, 5, 10, 11], Flat(a.MatMul(b)));
        Assert.Equal([14, 32], Flat(a.MatMul(NDArray.FromArray(new[] { 1.0, 2, 3 }))));
        Assert.Equal([9, 12, 15], Flat(NDArray.FromArray(new[] { 1.0, 2 }).MatMul(a)));
        var dot = NDArray.FromArray(new[] { 1.0, 2, 3 }).MatMul(NDArray.FromArray(new[] { 4.0, 5, 6 }));
        Assert.Equal(0, dot.Rank);
        Assert.Equal(32, dot.Item());
        Assert.Equal([14, 32, 32, 77], Flat(a.MatMul(a.MT())));
        var batch = NDArray.Ones([4, 1, 2, 3]).MatMul(NDArray.Ones([5, 3, 7]));
        Assert.Equal([4, 5, 2, 7], batch.ShapeCopy());
        Assert.All(Flat(batch), v => Assert.Equal(3, v));
        Assert.Equal([2, 0], NDArray.Ones([2, 3]).MatMul(NDArray.Ones([3, 0])).ShapeCopy());
        Assert.All(Flat(NDArray.Ones([2, 0]).MatMul(NDArray.Ones([0, 3]))), v => Assert.Equal(0, v));
    }

    [Property(MaxTest = 40)]
    public Property GatherAgrees() => Prop.ForAll(
        (from c in Case(Shape(minRank: 1), DType.Float32, DType.Float64, DType.Int64)
         from axis in Gen.Choose(0, c.Shape.Length - 1)
         from fractions in Gen.ArrayOf(Gen.Choose(1, 6), c.Shape.Length)
         from seed in Seeds
         select (c, axis, fractions, seed)).ToArbitrary(),
        t =>
        {
            var x = Make(t.c);
            // The index may be shorter than x on every other axis and any length along axis.
            int[] shape = t.c.Shape.Select((d, i) => i == t.axis ? t.fractions[i] : Math.Min(d, t.fractions[i])).ToArray();
            var index = Dense(shape, t.seed, DType.Int64, 0, x.Shape[t.axis]);
            var (r, cpu) = Both(() => x.Gather(t.axis, index));
            AssertExact(r, cpu);
            var iv = Flat(index);
            var at = new int[x.Rank];
            for (int i = 0; i < iv.Length; i++)
            {
                int rest = i;
                for (int d = x.Rank - 1; d >= 0; d--) { at[d] = rest % shape[d]; rest /= shape[d]; }
                var pos = (int[])at.Clone();
                pos[t.axis] = (int)iv[i];
                Assert.Equal(x[pos], cpu[at]);
            }
        });

    [Property(MaxTest = 40)]
    public Property ScatterAddAgreesAndAccumulatesRepeats() => Prop.ForAll(
        (from c in Case(SmallShape(1, 3), DType.Float32, DType.Float64, DType.Int64)
         from axis in Gen.Choose(0, c.Shape.Length - 1)
         from extra in Gen.Choose(1, 6)
         from fractions in Gen.ArrayOf(Gen.Choose(1, 6), c.Shape.Length)
         from seed in Seeds
         select (c, axis, extra, fractions, seed)).ToArbitrary(),
        t =>
        {
            var target = Make(t.c);
            var srcShape = t.c.Shape.Select((d, i) => i == t.axis ? t.extra : d).ToArray();
            var src = Dense(srcShape, t.seed, t.c.DType);
            var indexShape = srcShape.Select((d, i) => Math.Min(d, t.fractions[i])).ToArray();
            var index = Dense(indexShape, t.seed + 1, DType.Int64, 0, target.Shape[t.axis]);
            var (r, cpu) = Both(() => target.ScatterAdd(t.axis, index, src));
            AssertAgree(r, cpu);
            // Expected by brute force in float64.
            var expected = target.ToDType(DType.Float64).Contiguous().Clone();
            var iv = Flat(index);
            var at = new int[target.Rank];
            for (int i = 0; i < iv.Length; i++)
            {
                int rest = i;
                for (int d = target.Rank - 1; d >= 0; d--) { at[d] = rest % indexShape[d]; rest /= indexShape[d]; }
                double v = src[at];
                at[t.axis] = (int)iv[i];
                expected[at] += v;
            }
            AssertClose(expected, cpu.ToDType(DType.Float64), 1e-5, 1e-5);
            // The target itself is untouched.
            Assert.Equal(Flat(Make(t.c)), Flat(target));
        });

    [Fact]
    public void ScatterAddRepeatedIndices()
    {
        var target = NDArray.Zeros([3], DType.Float64);
        var index = NDArray.FromArray(new long[] { 0, 2, 0, 0 });
        var src = NDArray.FromArray(new[] { 1.0, 2, 3, 4 });
        Assert.Equal([8, 0, 2], Flat(target.ScatterAdd(0, index, src)));
    }

    [Property(MaxTest = 40)]
    public Property IndexSelectAgrees() => Prop.ForAll(
        (from c in Case(Shape(minRank: 1), DType.Float32, DType.Int64)
         from axis in Gen.Choose(-c.Shape.Length, c.Shape.Length - 1)
         from count in Gen.Choose(1, 8)
         from seed in Seeds
         select (c, axis, count, seed)).ToArbitrary(),
        t =>
        {
            var x = Make(t.c);
            int a = t.axis < 0 ? t.axis + x.Rank : t.axis;
            var idx = Dense([t.count], t.seed, DType.Int64, 0, x.Shape[a]);
            var (r, cpu) = Both(() => x.IndexSelect(t.axis, idx));
            AssertExact(r, cpu);
            var pieces = Flat(idx).Select(i => x.Slice(a, (int)i, (int)i + 1)).ToArray();
            AssertExact(NDArray.Cat(pieces, a), cpu);
        });

    [Property(MaxTest = 40)]
    public Property OneHotAgrees() => Prop.ForAll(
        (from shape in SmallShape(0, 3)
         from classes in Gen.Choose(1, 7)
         from seed in Seeds
         from dtype in Gen.Elements(DType.Float32, DType.Float64, DType.Int64)
         select (shape, classes, seed, dtype)).ToArbitrary(),
        t =>
        {
            var idx = Dense(t.shape, t.seed, DType.Int64, 0, t.classes);
            var (r, cpu) = Both(() => NDArray.OneHot(idx, t.classes, t.dtype));
            AssertExact(r, cpu);
            Assert.Equal([.. t.shape, t.classes], cpu.ShapeCopy());
            Assert.Equal(t.dtype, cpu.DType);
            Assert.All(Flat(cpu.Sum(-1)), v => Assert.Equal(1, v));
            Assert.Equal(Flat(idx), Flat(cpu.ToDType(DType.Float64).ArgMax(-1)));
        });

    [Property(MaxTest = 40)]
    public Property CatStackSplitPadAgree() => Prop.ForAll(
        (from c in Case(SmallShape(1, 4), DType.Float32, DType.Float64, DType.Int64)
         from axis in Gen.Choose(0, c.Shape.Length - 1)
         from sizes in Gen.ArrayOf(Gen.Choose(0, 4), 3)
         from pads in Gen.ArrayOf(Gen.Choose(0, 2), 2 * c.Shape.Length)
         select (c, axis, sizes, pads)).ToArbitrary(),
        t =>
        {
            var parts = t.sizes.Select((s, i) => Make(t.c.Shape.Select((d, j) => j == t.axis ? s : d).ToArray(), t.c.Layout, t.c.Seed + i, t.c.DType)).ToArray();
            var (rc, cc) = Both(() => NDArray.Cat(parts, t.axis));
            AssertExact(rc, cc);
            var back = cc.Split(t.sizes, t.axis - cc.Rank);
            for (int i = 0; i < parts.Length; i++) AssertExact(parts[i], back[i]);
            Assert.All(back, p => Assert.Same(cc.Storage, p.Storage));

            var same = Enumerable.Range(0, 3).Select(i => Make(t.c with { Seed = t.c.Seed + i })).ToArray();
            var (rs, cs) = Both(() => NDArray.Stack(same, t.axis));
            AssertExact(rs, cs);
            for (int i = 0; i < same.Length; i++) AssertExact(same[i], cs.Select(t.axis, i));

            var x = same[0];
            var (rp, cp) = Both(() => x.Pad(t.pads, -7));
            AssertExact(rp, cp);
            AssertExact(x, NDArray.InteriorOf(cp, t.pads));
            double interior = Flat(x).Count(v => v == -7);
            Assert.Equal(cp.Size - x.Size + interior, Flat(cp).Count(v => v == -7));
        });

    [Property(MaxTest = 40)]
    public Property CopyFromIntoStridedViewsAgrees() => Prop.ForAll(
        (from c in Case(Shape(), DType.Float32, DType.Float64, DType.Int64)
         from dstLayout in Gen.Elements(Layout.Contiguous, Layout.Permuted, Layout.Strided)
         from srcShape in BroadcastableTo(c.Shape)
         from srcType in Gen.Elements(DType.Float32, DType.Float64, DType.Int64)
         select (c, dstLayout, srcShape, srcType)).ToArbitrary(),
        t =>
        {
            var src = Make(t.srcShape, t.c.Layout, t.c.Seed + 1, t.srcType);
            NDArray CopyInto()
            {
                var dst = Make(t.c.Shape, t.dstLayout, t.c.Seed, t.c.DType);
                dst.CopyFrom(src);
                return StorageAsArray(dst);
            }
            var (r, cpu) = Both(CopyInto);
            AssertExact(r, cpu);
            // The view holds src (converted); storage elements outside the view are unchanged.
            var view = Make(t.c.Shape, t.dstLayout, t.c.Seed, t.c.DType);
            var before = Flat(StorageAsArray(view));
            view.CopyFrom(src);
            Assert.Equal(Flat(src.BroadcastTo(t.c.Shape).ToDType(t.c.DType)), Flat(view));
            var covered = new bool[before.Length];
            var at = new int[view.Rank];
            for (int i = 0; i < view.Size; i++)
            {
                int rest = i;
                for (int d = view.Rank - 1; d >= 0; d--) { at[d] = rest % view.Shape[d]; rest /= view.Shape[d]; }
                covered[view.StorageIndex(at)] = true;
            }
            var after = Flat(StorageAsArray(view));
            for (int i = 0; i < before.Length; i++)
                if (!covered[i]) Assert.Equal(before[i], after[i]);
        });

    /// <summary>Every element of x's storage as a float64 vector, read directly (not through the view).</summary>
    private static NDArray StorageAsArray(NDArray x)
    {
        var v = new double[x.Storage.Length];
        for (int i = 0; i < v.Length; i++) v[i] = x.Storage.GetAsDouble(i);
        return NDArray.FromArray(v);
    }
}
