// The tiled GEMM beyond one tile: sizes that are not multiples of the tile, every transpose variant
// (the operands are transposed views, never copies) and broadcast batches, in float32 against a
// float64 product computed here.
using Engine.Tensors;
using Xunit;

namespace Engine.Gpu.Tests;

public class GpuGemmTests
{
    [Theory]
    [InlineData(70, 33, 150, false, false)]
    [InlineData(70, 33, 150, true, false)]
    [InlineData(70, 33, 150, false, true)]
    [InlineData(17, 129, 65, true, true)]
    public void MatchesFloat64Product(int m, int k, int n, bool transposeA, bool transposeB)
    {
        var rng = new Generator(21);
        var a = transposeA ? rng.Normal([k, m]).MT() : rng.Normal([m, k]);
        var b = transposeB ? rng.Normal([n, k]).MT() : rng.Normal([k, n]);
        var c = a.WithStorageOn(TestDevice.Device).MatMul(b.WithStorageOn(TestDevice.Device)).ToArray<float>();
        var ad = a.ToDoubleArray();
        var bd = b.ToDoubleArray();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double exact = 0, scale = 0;
                for (int p = 0; p < k; p++)
                {
                    exact += ad[i * k + p] * bd[p * n + j];
                    scale += Math.Abs(ad[i * k + p] * bd[p * n + j]);
                }
                Assert.True(Math.Abs(c[i * n + j] - exact) <= 1e-5 * scale + 1e-6, $"C[{i},{j}] = {c[i * n + j]}, exact {exact}");
            }
    }

    [Fact]
    public void BroadcastBatchesMatchTheCpu()
    {
        var rng = new Generator(22);
        var a = rng.Normal([3, 1, 9, 20]);
        var b = rng.Normal([4, 20, 11]);
        var expected = a.MatMul(b).ToArray<float>();
        var actual = a.To(TestDevice.Device).MatMul(b.To(TestDevice.Device)).ToArray<float>();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"element {i}: {actual[i]} vs {expected[i]}");
    }
}
