// Shared test helpers: FsCheck generators for shapes and layouts, finite arrays built from a seed with the
// engine's own Philox Generator, runs of one computation on both backends, and tolerance checks.
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Engine.Tensors.Tests;

/// <summary>How an input array is laid out in its storage: dense, or one of the view kinds.</summary>
public enum Layout
{
    Contiguous,
    Permuted,
    Strided,
    Expanded,
}

/// <summary>A generated input: logical shape, layout, value seed and dtype.</summary>
public sealed record ArrayCase(int[] Shape, Layout Layout, int Seed, DType DType)
{
    public override string ToString() => $"{DType.Name()} {ShapeMath.Format(Shape)} {Layout} seed {Seed}";
}

public static class ArrayGen
{
    /// <summary>Larger shapes that reach the vectorised rows (1000, 33x65) and the thread-parallel path
    /// (more than Parallelism.MinParallelWork = 32768 elements).</summary>
    public static readonly int[][] LargeShapes = [[1000], [33, 65], [40000], [3, 11000], [2, 129, 131]];

    public static Gen<int[]> SmallShape(int minRank = 0, int maxRank = 4) =>
        from rank in Gen.Choose(minRank, maxRank)
        from dims in Gen.ArrayOf(Gen.Choose(1, 6), rank)
        select dims;

    /// <summary>Mostly small shapes (rank minRank..4, dims 1..6), sometimes a large one.</summary>
    public static Gen<int[]> Shape(int minRank = 0)
    {
        var large = LargeShapes.Where(s => s.Length >= minRank).ToArray();
        return Gen.Frequency((7, SmallShape(minRank)), (1, Gen.Elements(large)));
    }

    public static Gen<Layout> Layouts => Gen.Elements(Enum.GetValues<Layout>());

    public static Gen<int> Seeds => Gen.Choose(0, int.MaxValue - 1);

    public static Gen<ArrayCase> Case(Gen<int[]> shape, params DType[] dtypes) =>
        from s in shape
        from layout in Layouts
        from seed in Seeds
        from dtype in Gen.Elements(dtypes)
        select new ArrayCase(s, layout, seed, dtype);

    public static Gen<ArrayCase> Case(params DType[] dtypes) => Case(Shape(), dtypes);

    /// <summary>Turns a shape into one that broadcasts to it: some axes become 1, some leading axes go.</summary>
    public static Gen<int[]> BroadcastableTo(int[] shape) =>
        from drop in Gen.Choose(0, shape.Length)
        from ones in Gen.ArrayOf(Gen.Elements(false, false, true), shape.Length)
        select shape.Skip(drop).Select((d, i) => ones[i + drop] ? 1 : d).ToArray();

    /// <summary>Finite values in [low, high) from a Philox stream; quantum &gt; 0 rounds them to multiples
    /// of it (so ties and equal values occur). Negative zero is normalised to +0.</summary>
    public static double[] Values(int seed, int n, double low, double high, double quantum = 0)
    {
        var u = new Generator((ulong)seed).Uniform([n], low, high, DType.Float64).ToArray<double>();
        if (quantum > 0)
            for (int i = 0; i < n; i++) u[i] = Math.Round(u[i] / quantum) * quantum + 0.0;
        return u;
    }

    /// <summary>A dense array of the given shape and dtype; int64 values are floored.</summary>
    public static NDArray Dense(int[] shape, int seed, DType dtype, double low = -3, double high = 3, double quantum = 0)
    {
        var v = Values(seed, ShapeMath.NumElements(shape), low, high, quantum);
        NDArray a = dtype switch
        {
            DType.Float32 => NDArray.FromArray(v.Select(x => (float)x).ToArray(), shape),
            DType.Float64 => NDArray.FromArray(v, shape),
            _ => NDArray.FromArray(v.Select(x => (long)Math.Floor(x)).ToArray(), shape),
        };
        return shape.Length == 0 ? a.Reshape() : a;
    }

    public static NDArray Make(ArrayCase c, double low = -3, double high = 3, double quantum = 0) =>
        Make(c.Shape, c.Layout, c.Seed, c.DType, low, high, quantum);

    /// <summary>An array with the given logical shape whose storage layout is the given view kind.</summary>
    public static NDArray Make(int[] shape, Layout layout, int seed, DType dtype, double low = -3, double high = 3, double quantum = 0)
    {
        var rng = new Random(seed);
        int rank = shape.Length;
        switch (layout)
        {
            case Layout.Permuted:
            {
                int[] perm = Enumerable.Range(0, rank).OrderBy(_ => rng.Next()).ToArray();
                var inverse = new int[rank];
                for (int i = 0; i < rank; i++) inverse[perm[i]] = i;
                var stored = Dense(perm.Select(p => shape[p]).ToArray(), seed, dtype, low, high, quantum);
                return stored.Permute(inverse);
            }
            case Layout.Strided:
            {
                // Every axis is read with step 2 from a base twice as large plus one.
                var view = Dense(shape.Select(d => 2 * d + 1).ToArray(), seed, dtype, low, high, quantum);
                for (int d = 0; d < rank; d++) view = view.Slice(d, 1, 2 * shape[d] + 1, 2);
                return view;
            }
            case Layout.Expanded:
            {
                int drop = rng.Next(rank + 1);
                var small = shape.Skip(drop).Select(d => rng.Next(2) == 0 ? 1 : d).ToArray();
                return Dense(small, seed, dtype, low, high, quantum).Expand(shape);
            }
            default:
                return Dense(shape, seed, dtype, low, high, quantum);
        }
    }

    /// <summary>Runs f once on the reference backend and once on the CPU backend.</summary>
    public static (NDArray Reference, NDArray Cpu) Both(Func<NDArray> f)
    {
        NDArray reference, cpu;
        using (Backend.Use(Backend.Reference)) reference = f();
        using (Backend.Use(Backend.Cpu)) cpu = f();
        return (reference, cpu);
    }

    /// <summary>The values in row-major order, read one by one through the indexer (no backend involved).</summary>
    public static double[] Flat(NDArray a)
    {
        var result = new double[a.Size];
        var index = new int[a.Rank];
        for (int i = 0; i < a.Size; i++)
        {
            int rest = i;
            for (int d = a.Rank - 1; d >= 0; d--)
            {
                index[d] = rest % a.Shape[d];
                rest /= a.Shape[d];
            }
            result[i] = a[index];
        }
        return result;
    }

    public static void AssertSameShape(NDArray expected, NDArray actual)
    {
        Assert.Equal(expected.ShapeString, actual.ShapeString);
        Assert.Equal(expected.DType, actual.DType);
    }

    /// <summary>Bit-for-bit equal values (NaN matches NaN; +0 matches -0).</summary>
    public static void AssertExact(NDArray expected, NDArray actual)
    {
        AssertSameShape(expected, actual);
        var e = Flat(expected);
        var a = Flat(actual);
        for (int i = 0; i < e.Length; i++)
            if (!(e[i] == a[i] || (double.IsNaN(e[i]) && double.IsNaN(a[i]))))
                Assert.Fail($"element {i} of {actual.ShapeString}: expected {e[i]:R}, got {a[i]:R}");
    }

    /// <summary>|actual - expected| &lt;= atol + rtol * (|expected| + scale[i]); scale (same shape) accounts
    /// for cancellation in sums of many terms.</summary>
    public static void AssertClose(NDArray expected, NDArray actual, double atol, double rtol, NDArray? scale = null)
    {
        AssertSameShape(expected, actual);
        var e = Flat(expected);
        var a = Flat(actual);
        var s = scale is null ? new double[e.Length] : Flat(scale.BroadcastTo(expected.Shape));
        for (int i = 0; i < e.Length; i++)
        {
            if (double.IsNaN(e[i]) && double.IsNaN(a[i])) continue;
            if (e[i] == a[i]) continue;
            double tol = atol + rtol * (Math.Abs(e[i]) + s[i]);
            if (!(Math.Abs(a[i] - e[i]) <= tol))
                Assert.Fail($"element {i} of {actual.ShapeString}: expected {e[i]:R}, got {a[i]:R} (diff {Math.Abs(a[i] - e[i]):E3}, tol {tol:E3})");
        }
    }

    /// <summary>Tolerances for one elementwise op in the given dtype.</summary>
    public static (double Atol, double Rtol) Tol(DType dtype) => dtype == DType.Float32 ? (1e-5, 1e-4) : (1e-12, 1e-12);

    public static void AssertAgree(NDArray reference, NDArray cpu, NDArray? scale = null)
    {
        if (reference.DType == DType.Int64) AssertExact(reference, cpu);
        else
        {
            var (atol, rtol) = Tol(reference.DType);
            AssertClose(reference, cpu, atol, rtol, scale);
        }
    }

    /// <summary>Checks a property built inside a [Theory] with the suite's usual number of cases.</summary>
    public static void Check(Property property, int maxTest = 40) =>
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), property);

    /// <summary>Asserts that action throws EngineException whose message contains every fragment.</summary>
    public static EngineException Throws(Action action, params string[] fragments)
    {
        var e = Assert.Throws<EngineException>(action);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
        return e;
    }
}
