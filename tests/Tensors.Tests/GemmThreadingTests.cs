// Tests that the packed GEMM gives bit-identical results for any thread count, and that NDArray.MatMul on
// non-contiguous (transposed, sliced, broadcast) operands matches the scalar reference backend. These
// change Parallelism.MaxThreads, so they run alone, in their own non-parallel collection.
using Engine.Tensors;
using Xunit;

namespace Engine.Tensors.Tests;

[CollectionDefinition(nameof(ThreadCountCollection), DisableParallelization = true)]
public sealed class ThreadCountCollection;

[Collection(nameof(ThreadCountCollection))]
public class GemmThreadingTests
{
    [Theory]
    [InlineData(257, 199, 300, 0, 0)]
    [InlineData(131, 400, 271, 1, 1)]
    [InlineData(600, 37, 290, 0, 1)]
    [InlineData(40, 500, 333, 2, 6)]
    public void ResultsAreBitIdenticalForOneAndTwoThreads(int m, int n, int k, int layoutA, int layoutB)
    {
        foreach (var isa in GemmTests.SupportedIsas)
        {
            Assert.Equal(Product(m, n, k, layoutA, layoutB, isa, 1, x => (float)x), Product(m, n, k, layoutA, layoutB, isa, 2, x => (float)x));
            Assert.Equal(Product(m, n, k, layoutA, layoutB, isa, 1, x => x), Product(m, n, k, layoutA, layoutB, isa, 2, x => x));
        }
    }

    /// <summary>A short, very wide, deep product: two NC-wide column panels, more KC slices of packed B than
    /// one shared group holds in double (so the slices are packed and used in groups), and too few rows for
    /// the threads (so C is also cut into column parts). Any thread count, even more threads than cores,
    /// gives the same bits, and they match the naive product.</summary>
    [Fact]
    public void WideDeepProductSpansPanelsSliceGroupsAndColumnParts()
    {
        const int m = 13, n = 4100, k = 700;
        var rng = new Random(11);
        var A = GemmLayouts.Make(0, m, k, 0, out int lengthA);
        var B = GemmLayouts.Make(0, k, n, 0, out int lengthB);
        double[] a = GemmLayouts.Random(lengthA, rng, x => x), b = GemmLayouts.Random(lengthB, rng, x => x);
        var (product, magnitude) = GemmLayouts.Naive(m, n, k, a, A, b, B);
        double[] single = Multiply(a, A, b, B, 1);
        for (int i = 0; i < single.Length; i++)
            Assert.True(Math.Abs(single[i] - product[i]) <= 2 * k * 2.220446049250313e-16 * magnitude[i], $"element {i}: {single[i]} vs {product[i]}");
        foreach (int threads in new[] { 2, 3, 5 })
            Assert.Equal(single, Multiply(a, A, b, B, threads));

        double[] Multiply(double[] a, MatrixView A, double[] b, MatrixView B, int threads)
        {
            var c = new double[m * n];
            int saved = Parallelism.MaxThreads;
            try
            {
                Parallelism.MaxThreads = threads;
                Gemm.Multiply(m, n, k, a, A, b, B, c, new MatrixView(0, n, 1));
            }
            finally
            {
                Parallelism.MaxThreads = saved;
            }
            return c;
        }
    }

    [Fact]
    public void MatMulOnNonContiguousInputsMatchesReferenceBackend()
    {
        var rng = new Random(5);
        var cases = new (NDArray A, NDArray B)[]
        {
            (RandomArray(rng, 40, 50).Transpose(0, 1), RandomArray(rng, 40, 35)),
            (RandomArray(rng, 50, 40), RandomArray(rng, 30, 40).Transpose(0, 1)),
            (RandomArray(rng, 80, 50).Slice(0, 1, 80, 2).Slice(1, 3, 50), RandomArray(rng, 47, 31)),
            (RandomArray(rng, 3, 20, 33), RandomArray(rng, 1, 33, 30).Expand(3, 33, 30)),
            (RandomArray(rng, 2, 1, 12, 40).Expand(2, 3, 12, 40), RandomArray(rng, 3, 30, 40).Transpose(1, 2)),
            (RandomArray(rng, 64), RandomArray(rng, 5, 64, 40)),
        };
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            foreach (var (a, b) in cases)
            {
                NDArray x = a.ToDType(dtype), y = b.ToDType(dtype);
                double[] fast = x.MatMul(y).ToDoubleArray();
                double[] reference;
                using (Backend.Use(Backend.Reference)) reference = x.MatMul(y).ToDoubleArray();
                double tolerance = dtype == DType.Float32 ? 1e-5 : 1e-13;
                Assert.Equal(reference.Length, fast.Length);
                for (int i = 0; i < fast.Length; i++)
                    if (Math.Abs(fast[i] - reference[i]) > tolerance * (1 + Math.Abs(reference[i])))
                        Assert.Fail($"{a.ShapeString} @ {b.ShapeString} {dtype} at {i}: {fast[i]} vs {reference[i]}");
            }
    }

    private static NDArray RandomArray(Random rng, params int[] shape)
    {
        var data = new double[shape.Aggregate(1, (x, y) => x * y)];
        for (int i = 0; i < data.Length; i++) data[i] = rng.NextDouble() * 2 - 1;
        return NDArray.FromArray(data, shape);
    }

    private static T[] Product<T>(int m, int n, int k, int layoutA, int layoutB, GemmIsa isa, int threads, Func<double, T> convert)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        var rng = new Random(m * 7 + n * 13 + k);
        var A = GemmLayouts.Make(layoutA, m, k, 1, out int lengthA);
        var B = GemmLayouts.Make(layoutB, k, n, 2, out int lengthB);
        T[] a = GemmLayouts.Random(lengthA, rng, convert), b = GemmLayouts.Random(lengthB, rng, convert);
        var c = new T[m * n];
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = threads;
            Gemm.Multiply(m, n, k, a, A, b, B, c, new MatrixView(0, n, 1), isa);
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
        return c;
    }
}
