// CPU backend against the reference backend for elementwise ops: every unary op, every binary op
// with NumPy broadcasting, where and masked-fill, on random shapes and non-contiguous layouts.
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;
using static Engine.Tensors.Tests.ArrayGen;

namespace Engine.Tensors.Tests;

public class ElementwiseAgreementTests
{
    public static TheoryData<UnaryOp> UnaryOps() => new(Enum.GetValues<UnaryOp>());

    public static TheoryData<BinaryOp> BinaryOps() => new(Enum.GetValues<BinaryOp>());

    private static (double Low, double High) Domain(UnaryOp op) =>
        op is UnaryOp.Log or UnaryOp.Sqrt ? (0.01, 5) : op == UnaryOp.Exp ? (-20, 20) : (-6, 6);

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void UnaryAgrees(UnaryOp op)
    {
        var (low, high) = Domain(op);
        Check(Prop.ForAll(Case(DType.Float32, DType.Float64).ToArbitrary(), c =>
        {
            var x = Make(c, low, high);
            var (r, cpu) = Both(() => x.Unary(op));
            AssertAgree(r, cpu);
            Assert.Equal(x.ShapeCopy(), cpu.ShapeCopy());
        }));
    }

    [Fact]
    public void UnaryOpsMatchTheirDefinitions()
    {
        var x = NDArray.FromArray(new[] { -2.0, -0.5, 0, 0.5, 2 });
        Assert.Equal([2, 0.5, 0, 0.5, 2], Flat(x.Abs()));
        Assert.Equal([2, 0.5, 0, -0.5, -2], Flat(-x));
        Assert.Equal([-1, -1, 0, 1, 1], Flat(x.Sign()));
        Assert.Equal([.. new[] { -2.0, -0.5, 0, 0.5, 2 }.Select(v => 1 / (1 + Math.Exp(-v)))], Flat(x.Sigmoid()), new ToleranceComparer(1e-15));
        Assert.Equal([.. new[] { -2.0, -0.5, 0, 0.5, 2 }.Select(Math.Tanh)], Flat(x.Tanh()), new ToleranceComparer(1e-15));
        Assert.Equal([.. new[] { -2.0, -0.5, 0, 0.5, 2 }.Select(Math.Sin)], Flat(x.Sin()), new ToleranceComparer(1e-15));
        Assert.Equal([.. new[] { -2.0, -0.5, 0, 0.5, 2 }.Select(Math.Cos)], Flat(x.Cos()), new ToleranceComparer(1e-15));
        Assert.Equal([.. new[] { -2.0, -0.5, 0, 0.5, 2 }.Select(Math.Exp)], Flat(x.Exp()), new ToleranceComparer(1e-15));
        var p = NDArray.FromArray(new[] { 0.25, 1, 4 });
        Assert.Equal([0.5, 1, 2], Flat(p.Sqrt()));
        Assert.Equal([Math.Log(0.25), 0, Math.Log(4)], Flat(p.Log()), new ToleranceComparer(1e-15));
    }

    /// <summary>Inputs for a binary op: an output shape and two operands that broadcast to it.</summary>
    private static Gen<(ArrayCase A, ArrayCase B)> BinaryCases(params DType[] dtypes) =>
        from shape in Shape()
        from sa in BroadcastableTo(shape)
        from sb in BroadcastableTo(shape)
        from swap in Gen.Elements(false, true)
        from la in Layouts
        from lb in Layouts
        from seedA in Seeds
        from seedB in Seeds
        from dtype in Gen.Elements(dtypes)
        // One operand usually keeps the full shape; the other is broadcast.
        let a = swap ? sa : shape
        let b = swap ? shape : sb
        select (new ArrayCase(a, la, seedA, dtype), new ArrayCase(b, lb, seedB, dtype));

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void BinaryAgreesWithBroadcasting(BinaryOp op)
    {
        bool floatOnly = op is BinaryOp.Div or BinaryOp.Pow;
        DType[] dtypes = floatOnly ? [DType.Float32, DType.Float64] : [DType.Float32, DType.Float64, DType.Int64];
        bool compare = op >= BinaryOp.Eq;
        Check(Prop.ForAll(BinaryCases(dtypes).ToArbitrary(), t =>
        {
            // Comparisons get coarse values so that ties occur; div and pow keep the right side away from 0.
            double quantum = compare || t.A.DType == DType.Int64 ? 0.5 : 0;
            var a = op == BinaryOp.Pow ? Make(t.A, 0.1, 4) : Make(t.A, -4, 4, quantum);
            var b = op switch
            {
                BinaryOp.Div => Make(t.B, 0.25, 4),
                BinaryOp.Pow => Make(t.B, -3, 3),
                _ => Make(t.B, -4, 4, quantum),
            };
            var (r, cpu) = Both(() => a.Binary(op, b));
            if (compare) AssertExact(r, cpu);
            else AssertAgree(r, cpu);
            Assert.Equal(ShapeMath.Broadcast("test", a.Shape, b.Shape), cpu.ShapeCopy());
        }));
    }

    [Fact]
    public void BinaryOpsMatchTheirDefinitions()
    {
        var a = NDArray.FromArray(new[] { 1.0, 2, 3 });
        var b = NDArray.FromArray(new[] { 2.0, 2, 1 }).Reshape(3, 1);
        Assert.Equal([3, 4, 5, 3, 4, 5, 2, 3, 4], Flat(a + b));
        Assert.Equal([-1, 0, 1, -1, 0, 1, 0, 1, 2], Flat(a - b));
        Assert.Equal([0.5, 1, 1.5, 0.5, 1, 1.5, 1, 2, 3], Flat(a / b));
        Assert.Equal([1, 4, 9, 1, 4, 9, 1, 2, 3], Flat(a.Pow(b)));
        Assert.Equal([0, 1, 0, 0, 1, 0, 1, 0, 0], Flat(a.Binary(BinaryOp.Eq, b)));
        Assert.Equal([1, 0, 1, 1, 0, 1, 0, 1, 1], Flat(a.Binary(BinaryOp.Ne, b)));
        Assert.Equal([1, 0, 0, 1, 0, 0, 0, 0, 0], Flat(a.Binary(BinaryOp.Lt, b)));
        Assert.Equal([1, 1, 0, 1, 1, 0, 1, 0, 0], Flat(a.Binary(BinaryOp.Le, b)));
        Assert.Equal([0, 0, 1, 0, 0, 1, 0, 1, 1], Flat(a.Binary(BinaryOp.Gt, b)));
        Assert.Equal([0, 1, 1, 0, 1, 1, 1, 1, 1], Flat(a.Binary(BinaryOp.Ge, b)));
        Assert.Equal([2, 2, 3, 2, 2, 3, 1, 2, 3], Flat(a.Maximum(b)));
        Assert.Equal([1, 2, 2, 1, 2, 2, 1, 1, 1], Flat(a.Minimum(b)));
        Assert.Equal([1, 0, -1], Flat(2 - a));
        Assert.Equal([2, 1, 2.0 / 3], Flat(2 / a));
        Assert.Equal([2, 4, 6], Flat(2 * a));
        Assert.Equal([5, 6, 7], Flat(a + 4));
    }

    [Property(MaxTest = 40)]
    public Property WhereAgrees() => Prop.ForAll(
        (from t in BinaryCases(DType.Float32, DType.Float64, DType.Int64)
         from cs in BroadcastableTo(t.A.Shape)
         from cseed in Seeds
         from cdtype in Gen.Elements(DType.Float32, DType.Int64, DType.Float64)
         select (t.A, t.B, C: new ArrayCase(cs, Layout.Contiguous, cseed, cdtype))).ToArbitrary(),
        t =>
        {
            var a = Make(t.A);
            var b = Make(t.B);
            var cond = Make(t.C, 0, 2, 1);
            var (r, cpu) = Both(() => NDArray.Where(cond, a, b));
            AssertExact(r, cpu);
            int[] shape = ShapeMath.Broadcast("test", cond.Shape, a.Shape, b.Shape);
            var c = Flat(cond.BroadcastTo(shape));
            var av = Flat(a.BroadcastTo(shape));
            var bv = Flat(b.BroadcastTo(shape));
            Assert.Equal(c.Select((v, i) => v != 0 ? av[i] : bv[i]).ToArray(), Flat(cpu));
        });

    [Property(MaxTest = 40)]
    public Property MaskedFillAgrees() => Prop.ForAll(
        (from c in Case(DType.Float32, DType.Float64, DType.Int64)
         from ms in BroadcastableTo(c.Shape)
         from mseed in Seeds
         select (c, ms, mseed)).ToArbitrary(),
        t =>
        {
            var x = Make(t.c);
            var mask = Dense(t.ms, t.mseed, DType.Int64, 0, 2);
            var (r, cpu) = Both(() => x.MaskedFill(mask, -9));
            AssertExact(r, cpu);
            var m = Flat(mask.BroadcastTo(x.Shape));
            var xv = Flat(x);
            Assert.Equal(m.Select((v, i) => v != 0 ? -9 : xv[i]).ToArray(), Flat(cpu));
        });

    [Property(MaxTest = 30)]
    public Property ScalarOperandsBroadcastBothWays() => Prop.ForAll(
        Case(DType.Float32, DType.Float64).ToArbitrary(),
        c =>
        {
            var x = Make(c);
            var s = NDArray.Scalar(1.5, c.DType);
            var (r1, c1) = Both(() => x * s);
            var (r2, c2) = Both(() => s - x);
            AssertAgree(r1, c1);
            AssertAgree(r2, c2);
            Assert.Equal(Flat(x).Select(v => c.DType == DType.Float32 ? (double)(float)(1.5f - (float)v) : 1.5 - v).ToArray(), Flat(c2));
        });
}

/// <summary>Compares doubles within a relative tolerance (for Assert.Equal on sequences).</summary>
public sealed class ToleranceComparer(double rtol) : IEqualityComparer<double>
{
    public bool Equals(double x, double y) => x == y || Math.Abs(x - y) <= rtol * Math.Max(Math.Abs(x), Math.Abs(y));

    public int GetHashCode(double obj) => 0;
}
