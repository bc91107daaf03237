// The fused CPU kernels (RMSNorm, LayerNorm, GeLU; forward and backward) against the scalar reference
// backend on every layout, rows that span several row blocks, and wide and narrow rows; the same bits
// for any thread count; the float32 exact-GeLU error bound against the double formula; unfold/fold
// (im2col) against their definition; bad arguments.
using Xunit;
using static Engine.Tensors.Tests.ArrayGen;

namespace Engine.Tensors.Tests;

[Collection(ThreadSettingCollection.Name)]
public class FusedKernelTests
{
    public static TheoryData<DType> FloatTypes() => new(DType.Float32, DType.Float64);

    // 70 rows of 300: three row blocks, the last one partial, and rows longer than a vector; [1] and
    // [2, 1] are the degenerate one-element rows.
    private static readonly int[][] Shapes = [[7, 10, 300], [3, 37], [1], [2, 1], [5, 4, 9]];

    private static (double Atol, double Rtol) Tolerance(DType dtype) => dtype == DType.Float32 ? (2e-5, 2e-4) : (1e-12, 1e-10);

    private static void AssertAgree(NDArray reference, NDArray cpu)
    {
        var (atol, rtol) = Tolerance(reference.DType);
        AssertClose(reference, cpu, atol, rtol);
    }

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void NormsMatchReferenceOnEveryLayout(DType dtype)
    {
        int seed = 0;
        foreach (var shape in Shapes)
            foreach (var layout in new[] { Layout.Contiguous, Layout.Permuted, Layout.Strided, Layout.Expanded })
            {
                seed++;
                int n = shape[^1];
                // An expanded x repeats whole rows: a row of equal values has no variance to normalise.
                var x = layout == Layout.Expanded ? Make([n], Layout.Contiguous, seed, dtype, -3, 3).Expand(shape) : Make(shape, layout, seed, dtype, -3, 3);
                var w = Make([n], Layout.Strided, seed + 100, dtype, 0.5, 2);
                var b = Make([n], Layout.Contiguous, seed + 200, dtype, -1, 1);
                var g = Make(shape, layout == Layout.Expanded ? Layout.Contiguous : Layout.Expanded, seed + 300, dtype, -1, 1);
                foreach (var kind in new[] { NormKind.Rms, NormKind.Layer })
                {
                    var (reference, cpu) = Both(() => kind == NormKind.Rms ? x.RmsNorm(w, 1e-5) : x.LayerNorm(w, b, 1e-5));
                    AssertAgree(reference, cpu);
                    NDArray[] referenceGrads, cpuGrads;
                    using (Backend.Use(Backend.Reference)) referenceGrads = x.NormBackward(kind, w, 1e-5, g);
                    using (Backend.Use(Backend.Cpu)) cpuGrads = x.NormBackward(kind, w, 1e-5, g);
                    Assert.Equal(kind == NormKind.Rms ? 2 : 3, cpuGrads.Length);
                    // The weight and bias gradients sum over rows, so their error grows with the row count.
                    var rowSums = NDArray.Full([n], x.Size / n, dtype);
                    AssertAgree(referenceGrads[0], cpuGrads[0]);
                    for (int i = 1; i < cpuGrads.Length; i++)
                        AssertClose(referenceGrads[i], cpuGrads[i], Tolerance(dtype).Atol, Tolerance(dtype).Rtol, rowSums);
                }
            }
    }

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void GeluMatchesReferenceOnEveryLayout(DType dtype)
    {
        int seed = 0;
        foreach (var shape in Shapes.Append([3, 700]))
            foreach (var layout in new[] { Layout.Contiguous, Layout.Permuted, Layout.Strided, Layout.Expanded })
                foreach (bool tanh in new[] { false, true })
                {
                    seed++;
                    var x = Make(shape, layout, seed, dtype, -6, 6);
                    var g = Make(shape, Layout.Strided, seed + 50, dtype, -2, 2);
                    var (reference, cpu) = Both(() => x.Gelu(tanh));
                    AssertAgree(reference, cpu);
                    var (referenceGrad, cpuGrad) = Both(() => x.GeluBackward(g, tanh));
                    AssertAgree(referenceGrad, cpuGrad);
                }
    }

    /// <summary>float32 exact GeLU uses a polynomial erf (A&amp;S 7.1.26, |error| &lt;= 1.5e-7): over a fine
    /// grid it stays within 3e-7·max(1, |x|) of the double formula, forward and backward.</summary>
    [Fact]
    public void Float32ExactGeluIsWithinItsErrorBound()
    {
        var grid = NDArray.Linspace(-10, 10, 20001, DType.Float64);
        var x32 = grid.ToDType(DType.Float32);
        var exact = Flat(x32.ToDType(DType.Float64).Gelu(false));
        var exactGrad = Flat(x32.ToDType(DType.Float64).GeluBackward(NDArray.OnesLike(grid), false));
        var fast = Flat(x32.Gelu(false));
        var fastGrad = Flat(x32.GeluBackward(NDArray.OnesLike(x32), false));
        var xs = Flat(x32);
        for (int i = 0; i < xs.Length; i++)
        {
            double bound = 3e-7 * Math.Max(1, Math.Abs(xs[i]));
            Assert.True(Math.Abs(fast[i] - exact[i]) <= bound, $"gelu({xs[i]}) = {fast[i]}, expected {exact[i]}");
            Assert.True(Math.Abs(fastGrad[i] - exactGrad[i]) <= bound, $"gelu'({xs[i]}) = {fastGrad[i]}, expected {exactGrad[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(FloatTypes))]
    public void BitIdenticalForAnyThreadCount(DType dtype)
    {
        var x = Make([1000, 256], Layout.Contiguous, 5, dtype, -3, 3);
        var g = Make([1000, 256], Layout.Contiguous, 6, dtype, -1, 1);
        var w = Make([256], Layout.Contiguous, 7, dtype, 0.5, 2);
        var b = Make([256], Layout.Contiguous, 8, dtype, -1, 1);
        NDArray[] Run() =>
        [
            x.RmsNorm(w, 1e-6), x.LayerNorm(w, b, 1e-5), x.Gelu(true), x.Gelu(false), x.GeluBackward(g, true),
            .. x.NormBackward(NormKind.Rms, w, 1e-6, g), .. x.NormBackward(NormKind.Layer, w, 1e-5, g),
        ];
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1;
            var one = Run();
            Parallelism.MaxThreads = 3;
            var three = Run();
            for (int i = 0; i < one.Length; i++) AssertExact(one[i], three[i]);
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    /// <summary>Unfold copies each patch element from where the definition says, fold is its adjoint
    /// (⟨unfold x, c⟩ = ⟨x, fold c⟩), and fold's sums do not depend on the thread count.</summary>
    [Fact]
    public void UnfoldMatchesItsDefinitionAndFoldIsItsAdjoint()
    {
        var geometry = new UnfoldGeometry(KernelHeight: 3, KernelWidth: 2, Stride: 2, Dilation: 2, OutHeight: 7, OutWidth: 9);
        var x = Make([2, 3, 19, 20], Layout.Strided, 41, DType.Float64);
        var cols = x.Unfold2d(geometry);
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++)
                for (int tap = 0; tap < 6; tap++)
                    for (int oh = 0; oh < 7; oh++)
                        for (int ow = 0; ow < 9; ow++)
                            Assert.Equal(x[n, c, oh * 2 + tap / 2 * 2, ow * 2 + tap % 2 * 2], cols[n, c, tap, oh, ow]);
        var c2 = Make([2, 3, 6, 7, 9], Layout.Permuted, 42, DType.Float64);
        double left = (cols * c2).Sum([0, 1, 2, 3, 4]).Item(), right = (x * c2.Fold2d(19, 20, geometry)).Sum([0, 1, 2, 3]).Item();
        Assert.Equal(left, right, 1e-10 * Math.Abs(left) + 1e-12);
        var dense = new UnfoldGeometry(3, 3, 1, 1, 62, 62);
        var many = Make([8, 16, 3, 3, 3844], Layout.Contiguous, 43, DType.Float32).Reshape(8, 16, 9, 62, 62);
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1;
            var one = many.Fold2d(64, 64, dense);
            Parallelism.MaxThreads = 3;
            AssertExact(one, many.Fold2d(64, 64, dense));
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    [Fact]
    public void BadArgumentsNameTheProblem()
    {
        var x = NDArray.Zeros([4, 3]);
        Throws(() => x.RmsNorm(NDArray.Ones([4]), 1e-6), "rms_norm", "[3]");
        Throws(() => x.LayerNorm(NDArray.Ones([3]), NDArray.Zeros([3], DType.Float64), 1e-5), "layer_norm", "dtypes differ");
        Throws(() => x.RmsNorm(NDArray.Ones([3]), -1), "eps");
        Throws(() => NDArray.Scalar(1).RmsNorm(NDArray.Ones([1]), 1e-6), "rank");
        Throws(() => x.GeluBackward(NDArray.Zeros([3, 4]), true), "gelu_backward", "[3, 4]");
        Throws(() => NDArray.Zeros([2], DType.Int64).Gelu(false), "gelu", "float");
        Throws(() => NDArray.Zeros([1, 1, 4, 4]).Unfold2d(new UnfoldGeometry(3, 3, 1, 1, 3, 2)), "unfold2d", "does not fit");
    }
}
