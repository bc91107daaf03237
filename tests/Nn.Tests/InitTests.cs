// Initialisers: sample statistics against the formulas (60k draws, so a few percent tolerance),
// determinism per seed, and orthogonality of Orthogonal (Q^T Q = I in float64).
using Engine.Tensors;
using Xunit;

namespace Engine.Nn.Tests;

public class InitTests
{
    private static (double Mean, double Std) Stats(NDArray a)
    {
        var v = a.ToDoubleArray();
        double mean = v.Average();
        return (mean, Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length));
    }

    private static void AssertStd(NDArray a, double expectedStd)
    {
        var (mean, std) = Stats(a);
        Assert.InRange(mean, -0.02 * expectedStd, 0.02 * expectedStd);
        Assert.InRange(std / expectedStd, 0.98, 1.02);
    }

    [Fact]
    public void VarianceScalingInitialisersHaveTheirStd()
    {
        int[] shape = [200, 300];
        AssertStd(Init.XavierUniform(shape, 200, 300, new Generator(1)), Math.Sqrt(2.0 / 500));
        AssertStd(Init.XavierNormal(shape, 200, 300, new Generator(2), gain: 2), 2 * Math.Sqrt(2.0 / 500));
        AssertStd(Init.HeUniform(shape, 200, new Generator(3)), Math.Sqrt(2.0 / 200));
        AssertStd(Init.HeNormal(shape, 200, new Generator(4)), Math.Sqrt(2.0 / 200));
        AssertStd(Init.LecunNormal(shape, 300, new Generator(5)), Math.Sqrt(1.0 / 300));
        AssertStd(Init.Normal(shape, new Generator(6), std: 0.02), 0.02);
        AssertStd(Init.Uniform(shape, new Generator(7), -1, 1), 1 / Math.Sqrt(3));
    }

    [Fact]
    public void InitialisersAreDeterministicPerSeed()
    {
        Assert.Equal(Init.HeNormal([4, 5], 4, new Generator(9)).ToFloatArray(), Init.HeNormal([4, 5], 4, new Generator(9)).ToFloatArray());
        Assert.NotEqual(Init.HeNormal([4, 5], 4, new Generator(9)).ToFloatArray(), Init.HeNormal([4, 5], 4, new Generator(10)).ToFloatArray());
        Assert.Equal(DType.Float64, Init.XavierUniform([2, 2], 2, 2, new Generator(1), dtype: DType.Float64).DType);
    }

    [Theory]
    [InlineData(8, 5)]
    [InlineData(5, 8)]
    [InlineData(6, 6)]
    public void OrthogonalHasOrthonormalRowsOrColumns(int rows, int cols)
    {
        var q = Init.Orthogonal([rows, cols], new Generator(3), gain: 1, dtype: DType.Float64);
        var gram = rows >= cols ? q.MT().MatMul(q) : q.MatMul(q.MT());
        int n = Math.Min(rows, cols);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                Assert.True(Math.Abs(gram[i, j] - (i == j ? 1 : 0)) < 1e-12, $"gram[{i},{j}] = {gram[i, j]}");
    }

    [Fact]
    public void OrthogonalAppliesGainAndFlattensTrailingAxes()
    {
        var q = Init.Orthogonal([3, 2, 2], new Generator(4), gain: 2, dtype: DType.Float64);
        Assert.Equal([3, 2, 2], q.Shape.ToArray());
        var rows = q.Reshape(3, 4);
        var gram = rows.MatMul(rows.MT());
        for (int i = 0; i < 3; i++) Assert.Equal(4, gram[i, i], 10);
        Assert.Throws<EngineException>(() => Init.Orthogonal([3], new Generator(1)));
    }
}
