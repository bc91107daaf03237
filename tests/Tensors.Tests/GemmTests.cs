// Tests of the packed GEMM (Tensors/Kernels/Gemm): every instruction set against a naive triple loop summed
// in double, over random shapes, transposed, padded, broadcast (zero-stride) and negative-stride layouts of
// A, B and C, in float32 and float64; bit-identical results for 1 and 2 threads; and NDArray.MatMul on
// non-contiguous inputs against the reference backend.
using Engine.Tensors;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace Engine.Tensors.Tests;

/// <summary>One GEMM problem: sizes, a layout for each operand (see GemmLayouts.Make), a storage offset
/// and the seed of its values.</summary>
public sealed record GemmCase(int M, int N, int K, int LayoutA, int LayoutB, int LayoutC, int Offset, int Seed);

public static class GemmCases
{
    public static Arbitrary<GemmCase> Small() => Cases(0, 70).ToArbitrary();

    public static Gen<GemmCase> Cases(int minSize, int maxSize) =>
        from m in Gen.Choose(minSize, maxSize)
        from n in Gen.Choose(minSize, maxSize)
        from k in Gen.Choose(minSize, maxSize)
        from layoutA in Gen.Choose(0, GemmLayouts.Count - 1)
        from layoutB in Gen.Choose(0, GemmLayouts.Count - 1)
        from layoutC in Gen.Choose(0, GemmLayouts.OutputCount - 1)
        from offset in Gen.Choose(0, 5)
        from seed in Gen.Choose(0, int.MaxValue)
        select new GemmCase(m, n, k, layoutA, layoutB, layoutC, offset, seed);
}

/// <summary>Builds strided matrices in flat arrays and the naive reference product.</summary>
public static class GemmLayouts
{
    /// <summary>Layouts usable for inputs: 0 row-major, 1 column-major (a transpose), 2 padded rows,
    /// 3 every row the same (row stride 0), 4 every column the same (column stride 0), 5 both strides 2,
    /// 6 rows in reverse (negative row stride).</summary>
    public const int Count = 7;

    /// <summary>Layouts usable for the output: the first three, which give each element its own slot.</summary>
    public const int OutputCount = 3;

    public static MatrixView Make(int layout, int rows, int cols, int offset, out int length)
    {
        (MatrixView view, length) = layout switch
        {
            0 => (new MatrixView(offset, cols, 1), offset + rows * cols),
            1 => (new MatrixView(offset, 1, rows), offset + rows * cols),
            2 => (new MatrixView(offset, cols + 3, 1), offset + rows * (cols + 3)),
            3 => (new MatrixView(offset, 0, 1), offset + cols),
            4 => (new MatrixView(offset, 1, 0), offset + rows),
            5 => (new MatrixView(offset, 2 * cols, 2), offset + 2 * rows * cols),
            _ => (new MatrixView(offset + Math.Max(0, rows - 1) * cols, -cols, 1), offset + rows * cols),
        };
        length = Math.Max(length, 1);
        return view;
    }

    public static T[] Random<T>(int length, Random rng, Func<double, T> convert)
    {
        var data = new T[length];
        for (int i = 0; i < length; i++) data[i] = convert(rng.NextDouble() * 2 - 1);
        return data;
    }

    /// <summary>The exact-ish product (summed in double) and, per element, the sum of |a||b| that bounds
    /// the rounding error of any summation order.</summary>
    public static (double[] Product, double[] Magnitude) Naive(int m, int n, int k, double[] a, MatrixView A,
        double[] b, MatrixView B)
    {
        var product = new double[m * n];
        var magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++)
                {
                    double term = a[A.At(i, p)] * b[B.At(p, j)];
                    sum += term;
                    abs += Math.Abs(term);
                }
                product[i * n + j] = sum;
                magnitude[i * n + j] = abs;
            }
        return (product, magnitude);
    }
}

public class GemmTests
{
    private const double FloatEpsilon = 1.1920929e-7, DoubleEpsilon = 2.220446049250313e-16;

    /// <summary>The instruction sets this CPU runs (Auto is one of them, so it is left out).</summary>
    public static GemmIsa[] SupportedIsas { get; } = Enum.GetValues<GemmIsa>().Where(isa => isa != GemmIsa.Auto && Gemm.IsSupported(isa)).ToArray();

    public static IEnumerable<object[]> Isas() => SupportedIsas.Select(isa => new object[] { isa });

    [Property(Arbitrary = [typeof(GemmCases)], MaxTest = 150)]
    public void Float32MatchesNaiveLoop(GemmCase test)
    {
        Check(test, SupportedIsas, x => (float)x, x => x, FloatEpsilon);
    }

    [Property(Arbitrary = [typeof(GemmCases)], MaxTest = 150)]
    public void Float64MatchesNaiveLoop(GemmCase test)
    {
        Check(test, SupportedIsas, x => x, x => x, DoubleEpsilon);
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void LargerSizesMatchNaiveLoop(GemmIsa isa)
    {
        var sizes = new (int M, int N, int K)[] { (257, 211, 300), (193, 290, 263), (300, 7, 280), (1, 280, 260) };
        for (int t = 0; t < sizes.Length; t++)
        {
            var (m, n, k) = sizes[t];
            Check(new GemmCase(m, n, k, t % GemmLayouts.Count, (t + 1) % 2, t % GemmLayouts.OutputCount, t, t), [isa],
                x => (float)x, x => x, FloatEpsilon);
            Check(new GemmCase(m, n, k, (t + 1) % 2, (t + 3) % GemmLayouts.Count, 0, 1, t), [isa], x => x, x => x, DoubleEpsilon);
        }
    }

    /// <summary>The Vector512 kernels are part of every run above, emulated in software where the CPU has
    /// no AVX-512, so they are checked against the naive loop on any machine.</summary>
    [Fact]
    public void Vector512KernelsAreAlwaysChecked()
    {
        Assert.Contains(GemmIsa.Avx512, SupportedIsas);
        Check(new GemmCase(13, 70, 600, 1, 0, 0, 3, 5), [GemmIsa.Avx512], x => (float)x, x => x, FloatEpsilon);
        Check(new GemmCase(13, 40, 450, 0, 1, 0, 4, 6), [GemmIsa.Avx512], x => x, x => x, DoubleEpsilon);
    }

    [Fact]
    public void EmptyAndDegenerateSizes()
    {
        var c = new float[] { 7, 7, 7, 7 };
        Gemm.Multiply(2, 2, 0, [], new MatrixView(0, 0, 0), [], new MatrixView(0, 0, 0), c, new MatrixView(0, 2, 1));
        Assert.Equal(new float[] { 0, 0, 0, 0 }, c);
        Gemm.Multiply(0, 3, 5, [], new MatrixView(0, 5, 1), new float[15], new MatrixView(0, 3, 1), [], new MatrixView(0, 3, 1));
        var one = new double[1];
        Gemm.Multiply(1, 1, 1, [3.0], new MatrixView(0, 1, 1), [-2.0], new MatrixView(0, 1, 1), one, new MatrixView(0, 1, 1));
        Assert.Equal(-6.0, one[0]);
    }

    [Fact]
    public void ViewsOutsideTheirArrayAreRejected()
    {
        var c = new float[4];
        var ex = Assert.Throws<EngineException>(() =>
            Gemm.Multiply(2, 2, 2, new float[3], new MatrixView(0, 2, 1), new float[4], new MatrixView(0, 2, 1), c, new MatrixView(0, 2, 1)));
        Assert.Contains("gemm", ex.Message);
    }

    [Fact]
    public void UnsupportedInstructionSetsAreRejected()
    {
        foreach (var isa in Enum.GetValues<GemmIsa>().Where(isa => !Gemm.IsSupported(isa)))
            Assert.Throws<EngineException>(() =>
                Gemm.Multiply(1, 1, 1, [1f], new MatrixView(0, 1, 1), [1f], new MatrixView(0, 1, 1), new float[1], new MatrixView(0, 1, 1), isa));
    }

    private static void Check<T>(GemmCase test, GemmIsa[] isas, Func<double, T> convert, Func<T, double> toDouble, double epsilon)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        var rng = new Random(test.Seed);
        var A = GemmLayouts.Make(test.LayoutA, test.M, test.K, test.Offset, out int lengthA);
        var B = GemmLayouts.Make(test.LayoutB, test.K, test.N, test.Offset + 1, out int lengthB);
        T[] a = GemmLayouts.Random(lengthA, rng, convert), b = GemmLayouts.Random(lengthB, rng, convert);
        var C = GemmLayouts.Make(test.LayoutC, test.M, test.N, test.Offset + 2, out int lengthC);
        var (product, magnitude) = GemmLayouts.Naive(test.M, test.N, test.K, Array.ConvertAll(a, x => toDouble(x)), A,
            Array.ConvertAll(b, x => toDouble(x)), B);
        double bound = 2 * Math.Sqrt(test.K + 1) * epsilon;
        T sentinel = convert(12345);
        var written = new bool[lengthC];
        for (int i = 0; i < test.M; i++)
            for (int j = 0; j < test.N; j++) written[C.At(i, j)] = true;
        foreach (var isa in isas)
        {
            var c = Enumerable.Repeat(sentinel, lengthC).ToArray();
            Gemm.Multiply(test.M, test.N, test.K, a, A, b, B, c, C, isa);
            for (int i = 0; i < test.M; i++)
                for (int j = 0; j < test.N; j++)
                {
                    double got = toDouble(c[C.At(i, j)]), want = product[i * test.N + j];
                    if (Math.Abs(got - want) > bound * magnitude[i * test.N + j] + epsilon * Math.Abs(want))
                        Assert.Fail($"{test} {isa} at ({i},{j}): got {got}, want {want}");
                }
            for (int i = 0; i < lengthC; i++)
                if (!written[i]) Assert.Equal(sentinel, c[i]);
        }
    }
}
