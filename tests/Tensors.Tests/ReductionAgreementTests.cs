// CPU backend against the reference backend for reductions: sum/max/min over random axis subsets,
// argmax/argmin (first index on ties), cumsum, mean/var, softmax, log-softmax and logsumexp.
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;
using static Engine.Tensors.Tests.ArrayGen;

namespace Engine.Tensors.Tests;

public class ReductionAgreementTests
{
    /// <summary>An input and a subset of its axes (some written negative); empty means every axis.</summary>
    private static Gen<(ArrayCase Case, int[] Axes, bool KeepDim)> AxesCases(params DType[] dtypes) =>
        from c in Case(dtypes)
        from mask in Gen.Choose(0, 15)
        from neg in Gen.Choose(0, 15)
        from keep in Gen.Elements(false, true)
        let rank = c.Shape.Length
        let axes = Enumerable.Range(0, rank).Where(d => (mask >> d & 1) == 1).Select(d => (neg >> d & 1) == 1 ? d - rank : d).ToArray()
        select (c, axes, keep);

    private static Gen<(ArrayCase Case, int Axis)> AxisCases(params DType[] dtypes) =>
        from c in Case(Shape(minRank: 1), dtypes)
        from axis in Gen.Choose(-c.Shape.Length, c.Shape.Length - 1)
        select (c, axis);

    /// <summary>Sum of |x| over the axes (float64, reference), the scale of rounding error in a sum.</summary>
    private static NDArray AbsSum(NDArray x, int[] axes, bool keepDim)
    {
        using (Backend.Use(Backend.Reference)) return x.ToDType(DType.Float64).Abs().Sum(axes, keepDim);
    }

    [Property(MaxTest = 50)]
    public Property ReduceAgrees() => Prop.ForAll(
        (from t in AxesCases(DType.Float32, DType.Float64, DType.Int64)
         from op in Gen.Elements(ReduceOp.Sum, ReduceOp.Max, ReduceOp.Min)
         select (t.Case, t.Axes, t.KeepDim, op)).ToArbitrary(),
        t =>
        {
            var x = Make(t.Case, -5, 5);
            var (r, cpu) = Both(() => x.Reduce(t.op, t.Axes, t.KeepDim));
            int[] sorted = ShapeMath.NormalizeAxes("test", t.Axes, x.Rank);
            Assert.Equal(ShapeMath.ReducedShape(x.Shape, sorted, t.KeepDim), cpu.ShapeCopy());
            if (t.op != ReduceOp.Sum || x.DType == DType.Int64) AssertExact(r, cpu);
            else
            {
                var (atol, rtol) = Tol(x.DType);
                AssertClose(r, cpu, atol, rtol, AbsSum(x, t.Axes, t.KeepDim));
            }
        });

    [Fact]
    public void ReduceValuesAndShapes()
    {
        var x = NDArray.Arange(0, 24, 1, DType.Float64).Reshape(2, 3, 4);
        Assert.Equal(276, x.Sum().Item());
        Assert.Equal([60, 66, 72, 78], Flat(x.Sum(0, 1)));
        Assert.Equal([1, 1, 4], x.Sum([0, -2], keepDim: true).ShapeCopy());
        Assert.Equal([3, 7, 11, 15, 19, 23], Flat(x.Max([2])));
        Assert.Equal([0, 1, 2, 3], Flat(x.Min([1, 0])));
        Assert.Equal([], x.Max([]).ShapeCopy());
        Assert.Equal(23, x.Max([]).Item());
        Assert.Equal([0, 0], Flat(NDArray.Zeros([2, 0]).Sum(1)));
        Assert.Equal(5, NDArray.Scalar(5).Sum().Item());
        // A contiguous view that starts inside its storage.
        Assert.Equal(210, x.Select(0, 1).Sum().Item());
        Assert.Equal(86, x.Select(0, 1).Select(0, 2).Sum().Item());
        Assert.Equal(5, NDArray.Arange(0, 6, 1, DType.Int64).Slice(0, 5, 6).Sum().Item());
    }

    [Property(MaxTest = 40)]
    public Property ArgMaxArgMinAgreeAndPickTheFirstTie() => Prop.ForAll(
        (from t in AxisCases(DType.Float32, DType.Float64, DType.Int64)
         from keep in Gen.Elements(false, true)
         select (t.Case, t.Axis, keep)).ToArbitrary(),
        t =>
        {
            // Values on a grid of 0.5 so that ties are common.
            var x = Make(t.Case, -2, 2, 0.5);
            foreach (var max in new[] { true, false })
            {
                var (r, cpu) = Both(() => max ? x.ArgMax(t.Axis, t.keep) : x.ArgMin(t.Axis, t.keep));
                Assert.Equal(DType.Int64, cpu.DType);
                AssertExact(r, cpu);
                // The chosen index holds the extreme, and no earlier index does.
                int a = t.Axis < 0 ? t.Axis + x.Rank : t.Axis;
                var picked = x.Gather(a, t.keep ? cpu : cpu.Unsqueeze(a));
                var extreme = max ? x.Max([a], keepDim: true) : x.Min([a], keepDim: true);
                AssertExact(extreme, picked);
                var first = x.Binary(BinaryOp.Eq, extreme.BroadcastTo(x.Shape)).ToDType(DType.Float64).ArgMax(a, keepDim: true);
                AssertExact(first, t.keep ? cpu : cpu.Unsqueeze(a));
            }
        });

    [Property(MaxTest = 40)]
    public Property CumSumAgrees() => Prop.ForAll(
        AxisCases(DType.Float32, DType.Float64, DType.Int64).ToArbitrary(),
        t =>
        {
            var x = Make(t.Case, -5, 5);
            var (r, cpu) = Both(() => x.CumSum(t.Axis));
            AssertAgree(r, cpu, x.DType == DType.Int64 ? null : AbsSum(x, [t.Axis], true));
            // The last entry along the axis is the sum, up to the rounding of n sequential additions.
            int a = t.Axis < 0 ? t.Axis + x.Rank : t.Axis;
            var last = cpu.Select(a, x.Shape[a] - 1).ToDType(DType.Float64);
            var sum = x.ToDType(DType.Float64).Sum([a], false);
            double eps = x.DType == DType.Float32 ? 6e-8 : x.DType == DType.Float64 ? 1.2e-16 : 0;
            AssertClose(sum, last, 1e-12, x.Shape[a] * eps, AbsSum(x, [a], false));
        });

    [Fact]
    public void CumSumValues()
    {
        var x = NDArray.FromArray(new long[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal([1, 3, 6, 4, 9, 15], Flat(x.CumSum(1)));
        Assert.Equal([1, 2, 3, 5, 7, 9], Flat(x.CumSum(-2)));
        Assert.Equal([1, 4, 3, 9, 6, 15], Flat(x.MT().CumSum(0)));
    }

    [Property(MaxTest = 40)]
    public Property MeanAndVarAgree() => Prop.ForAll(
        AxesCases(DType.Float32, DType.Float64).ToArbitrary(),
        t =>
        {
            var x = Make(t.Case, -5, 5);
            var scale = AbsSum(x, t.Axes, t.KeepDim);
            int[] sorted = ShapeMath.NormalizeAxes("test", t.Axes, x.Rank);
            int count = sorted.Aggregate(1, (n, a) => n * x.Shape[a]);
            var (rm, cm) = Both(() => x.Mean(t.Axes, t.KeepDim));
            var (atol, rtol) = Tol(x.DType);
            AssertClose(rm, cm, atol, rtol, scale / count);
            var (rv, cv) = Both(() => x.Var(t.Axes, t.KeepDim));
            // Squared deviations are at most 100, so the sum's error scales with 100 * count.
            AssertClose(rv, cv, atol, rtol * 100, NDArray.Full(rv.Shape, 100, rv.DType));
            Assert.All(Flat(cv), v => Assert.True(v >= 0));
        });

    [Fact]
    public void MeanAndVarValues()
    {
        var x = NDArray.FromArray(new[] { 1.0, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal([2, 5], Flat(x.Mean([1])));
        Assert.Equal(3.5, x.Mean([]).Item());
        Assert.Equal([2.25, 2.25, 2.25], Flat(x.Var([0])));
        Assert.Equal([4.5, 4.5, 4.5], Flat(x.Var([0], ddof: 1)));
        Assert.Equal([1, 3], x.Var([0], keepDim: true).ShapeCopy());
        Assert.Equal(17.5 / 6, x.Var([0, 1]).Item(), 1e-15);
    }

    [Property(MaxTest = 40)]
    public Property SoftmaxFamilyAgrees() => Prop.ForAll(
        AxisCases(DType.Float32, DType.Float64).ToArbitrary(),
        t =>
        {
            var x = Make(t.Case, -30, 30);
            var (atol, rtol) = Tol(x.DType);
            var (rs, cs) = Both(() => x.Softmax(t.Axis));
            AssertClose(rs, cs, atol, rtol);
            var (rl, cl) = Both(() => x.LogSoftmax(t.Axis));
            AssertClose(rl, cl, atol, rtol, NDArray.Full([], 60, x.DType));
            var (re, ce) = Both(() => x.LogSumExp([t.Axis], keepDim: true));
            AssertClose(re, ce, atol, rtol, NDArray.Full([], 30, x.DType));
            // Softmax rows sum to one; exp(log-softmax) is softmax.
            int a = t.Axis < 0 ? t.Axis + x.Rank : t.Axis;
            double eps = x.DType == DType.Float32 ? 6e-8 : 1.2e-16;
            AssertClose(NDArray.Ones(ShapeMath.ReducedShape(x.Shape, [a], false), x.DType), cs.Sum(a), 10 * eps + x.Shape[a] * eps, 0);
            AssertClose(cs, cl.Exp(), atol, rtol);
        });
}
