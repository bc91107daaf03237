// Factories (zeros, ones, full, scalar, arange, linspace, eye, from-array, from-rows) and dtype
// conversions between float32, float64 and int64.
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;
using static Engine.Tensors.Tests.ArrayGen;

namespace Engine.Tensors.Tests;

public class CreationTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int64)]
    public void ZerosOnesFullScalar(DType dtype)
    {
        var z = NDArray.Zeros([2, 3], dtype);
        Assert.Equal(dtype, z.DType);
        Assert.Equal([2, 3], z.ShapeCopy());
        Assert.All(Flat(z), v => Assert.Equal(0, v));
        Assert.All(Flat(NDArray.Ones([4], dtype)), v => Assert.Equal(1, v));
        Assert.All(Flat(NDArray.Full([3, 1, 2], 7, dtype)), v => Assert.Equal(7, v));
        var s = NDArray.Scalar(2.5, dtype);
        Assert.Equal(0, s.Rank);
        Assert.Equal(1, s.Size);
        Assert.Equal(dtype == DType.Int64 ? 2 : 2.5, s.Item());
        Assert.Equal(0, NDArray.Zeros([3, 0], dtype).Size);
        Assert.True(NDArray.Ones([2, 2], dtype).IsContiguous);
        Assert.Equal(NDArray.ZerosLike(z).ShapeCopy(), z.ShapeCopy());
        Assert.Equal(dtype, NDArray.OnesLike(z).DType);
    }

    [Fact]
    public void FullRoundsToTheDType()
    {
        Assert.Equal((double)(float)0.1, NDArray.Full([1], 0.1, DType.Float32)[0]);
        Assert.Equal(0.1, NDArray.Full([1], 0.1, DType.Float64)[0]);
        Assert.Equal(-3, NDArray.Full([1], -3.7, DType.Int64)[0]);
    }

    [Fact]
    public void Arange()
    {
        Assert.Equal([0, 1, 2, 3, 4], Flat(NDArray.Arange(5)));
        Assert.Equal([2, 4, 6, 8], Flat(NDArray.Arange(2, 9, 2, DType.Int64)));
        Assert.Equal([5, 4, 3, 2, 1], Flat(NDArray.Arange(5, 0, -1, DType.Float64)));
        Assert.Equal([1, 0.5, 0, -0.5], Flat(NDArray.Arange(1, -0.75, -0.5, DType.Float64)));
        Assert.Equal([0, 0.25, 0.5, 0.75], Flat(NDArray.Arange(0, 1, 0.25, DType.Float64)));
        Assert.Equal(0, NDArray.Arange(0, 0).Size);
        Assert.Equal(0, NDArray.Arange(5, 0, 1).Size);
        Assert.Equal(0, NDArray.Arange(0, 5, -1).Size);
        Assert.Equal([0], NDArray.Arange(0).ShapeCopy());
        Assert.Equal(DType.Int64, NDArray.Arange(3, DType.Int64).DType);
        Throws(() => NDArray.Arange(0, 5, 0), "arange", "step");
        Throws(() => NDArray.Arange(0, double.PositiveInfinity), "arange", "finite");
    }

    [Property(MaxTest = 40)]
    public bool ArangeCountMatchesCeil(int start, int end, int step)
    {
        step = step % 7;
        if (step == 0) step = 3;
        start %= 50;
        end %= 50;
        var a = NDArray.Arange(start, end, step, DType.Int64);
        var expected = new List<double>();
        for (long v = start; step > 0 ? v < end : v > end; v += step) expected.Add(v);
        return Flat(a).SequenceEqual(expected);
    }

    [Fact]
    public void Linspace()
    {
        Assert.Equal([0, 0.25, 0.5, 0.75, 1], Flat(NDArray.Linspace(0, 1, 5, DType.Float64)));
        Assert.Equal([3, 1, -1], Flat(NDArray.Linspace(3, -1, 3, DType.Float64)));
        Assert.Equal([2], Flat(NDArray.Linspace(2, 9, 1, DType.Float64)));
        Assert.Equal(0, NDArray.Linspace(0, 1, 0).Size);
        var l = NDArray.Linspace(0.1, 0.7, 7, DType.Float64);
        Assert.Equal(0.7, l[6]);
        Assert.Equal(0.1, l[0]);
        Throws(() => NDArray.Linspace(0, 1, -1), "linspace", "-1");
    }

    [Fact]
    public void Eye()
    {
        Assert.Equal([1, 0, 0, 0, 1, 0, 0, 0, 1], Flat(NDArray.Eye(3)));
        Assert.Equal([1, 0, 0, 0, 0, 1, 0, 0], Flat(NDArray.Eye(2, 4, DType.Int64)));
        Assert.Equal([1, 0, 0, 1, 0, 0], Flat(NDArray.Eye(3, 2, DType.Float64)));
        Assert.Equal([3, 2], NDArray.Eye(3, 2).ShapeCopy());
    }

    [Fact]
    public void FromArrayWrapsWithoutCopy()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        var a = NDArray.FromArray(data, 2, 3);
        Assert.Equal(DType.Float32, a.DType);
        Assert.Equal(6, a[1, 2]);
        data[4] = 50;
        Assert.Equal(50, a[1, 1]);
        a[0, 0] = -1;
        Assert.Equal(-1, data[0]);
        Assert.Equal([6], NDArray.FromArray(data).ShapeCopy());
        Assert.Equal(DType.Int64, NDArray.FromArray(new long[] { 1 }).DType);
        Assert.Equal(DType.Float64, NDArray.FromArray(new double[] { 1 }).DType);
        Throws(() => NDArray.FromArray(data, 4, 2), "from-array", "6", "[4, 2]");
        Throws(() => NDArray.FromArray(new int[] { 1, 2 }), "Int32");
    }

    [Fact]
    public void FromRowsCopies()
    {
        double[][] rows = [[1, 2, 3], [4, 5, 6]];
        var a = NDArray.FromRows(rows, DType.Float64);
        Assert.Equal([2, 3], a.ShapeCopy());
        Assert.Equal([1, 2, 3, 4, 5, 6], Flat(a));
        rows[0][0] = 10;
        Assert.Equal(1, a[0, 0]);
        Assert.Equal([0, 0], NDArray.FromRows([]).ShapeCopy());
        Throws(() => NDArray.FromRows([[1, 2], [3]]), "from-rows", "row 1");
    }

    [Fact]
    public void ToDTypeConvertsBothWays()
    {
        var f64 = NDArray.FromArray(new[] { 1.5, -2.5, 0.1, 3e9, -0.99 });
        var f32 = f64.ToDType(DType.Float32);
        Assert.Equal(DType.Float32, f32.DType);
        Assert.Equal([1.5, -2.5, (float)0.1, 3e9, (float)-0.99], Flat(f32));
        Assert.Equal(Flat(f32), Flat(f32.ToDType(DType.Float64)));
        var i64 = f64.ToDType(DType.Int64);
        Assert.Equal([1, -2, 0, 3e9, 0], Flat(i64));
        Assert.Equal([1, -2, 0, 3e9, 0], Flat(f32.ToDType(DType.Int64)));
        Assert.Equal([1, -2, 0, 3e9, 0], Flat(i64.ToDType(DType.Float64)));
        Assert.Equal([1, -2, 0, 3e9, 0], Flat(i64.ToDType(DType.Float32)));
        Assert.Same(f64, f64.ToDType(DType.Float64));
        Assert.Equal([1, 3], Flat(NDArray.FromArray(new long[] { 1, 2, 3, 4 }).Slice(0, 0, 4, 2).ToDType(DType.Float32)));
    }

    [Property(MaxTest = 40)]
    public Property ToDTypeAgreesAcrossBackendsOnViews() => Prop.ForAll(
        (from c in Case(DType.Float32, DType.Float64, DType.Int64)
         from to in Gen.Elements(DType.Float32, DType.Float64, DType.Int64)
         select (c, to)).ToArbitrary(),
        t =>
        {
            var x = Make(t.c, -1000, 1000);
            var (r, c) = Both(() => x.ToDType(t.to));
            Assert.Equal(t.to, c.DType);
            AssertExact(r, c);
            var expected = Flat(x).Select(v => t.to switch
            {
                DType.Float32 => (float)v,
                DType.Int64 => Math.Truncate(v),
                _ => v,
            });
            Assert.Equal(expected.ToArray(), Flat(c));
        });
}
