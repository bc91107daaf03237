// The fused in-place updates against the unfused NDArray formulas they replace (written out here as
// the reference): same bits in float32 and float64, over several steps, with and without weight decay,
// on sizes that reach the vector loop, its scalar tail and the threaded chunks.
using Engine.Autograd;
using Engine.Tensors;
using Xunit;

namespace Engine.Optim.Tests;

public class FusedUpdateTests
{
    private const int Size = 40003;

    private static NDArray Random(ulong seed, DType dtype, double std = 1) => new Generator(seed).Normal([Size], 0, std, dtype);

    private static void AssertSameBits(NDArray expected, NDArray actual)
    {
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
            Assert.True(BitConverter.DoubleToInt64Bits(e[i]) == BitConverter.DoubleToInt64Bits(a[i]), $"element {i}: {e[i]:R} vs {a[i]:R}");
    }

    /// <summary>Runs three steps of optimizer on one parameter with fixed gradients; returns the values after each.</summary>
    private static List<NDArray> Trajectory(Func<ParamGroup[], Optimizer> make, DType dtype, double weightDecay)
    {
        var p = new Tensor(Random(1, dtype), requiresGrad: true);
        var optimizer = make([new ParamGroup([new("p", p)], 0.01, weightDecay)]);
        var values = new List<NDArray>();
        for (ulong step = 0; step < 3; step++)
        {
            p.Grad = new Tensor(Random(10 + step, dtype, 0.1));
            optimizer.Step();
            values.Add(p.Data.Clone());
        }
        return values;
    }

    private static List<NDArray> UnfusedAdam(DType dtype, double weightDecay, bool decoupled)
    {
        double lr = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        var parameter = Random(1, dtype);
        NDArray m = NDArray.ZerosLike(parameter), v = NDArray.ZerosLike(parameter);
        var values = new List<NDArray>();
        for (int t = 1; t <= 3; t++)
        {
            var g = Random(10 + (ulong)(t - 1), dtype, 0.1);
            if (weightDecay != 0)
            {
                if (decoupled) parameter = parameter * (1 - lr * weightDecay);
                else g = g + parameter * weightDecay;
            }
            m = m + (g - m) * (1 - beta1);
            v = v * beta2 + g * g * (1 - beta2);
            var denominator = v.Sqrt() / Math.Sqrt(1 - Math.Pow(beta2, t)) + eps;
            parameter = parameter - m / denominator * (lr / (1 - Math.Pow(beta1, t)));
            values.Add(parameter);
        }
        return values;
    }

    private static List<NDArray> UnfusedSgd(DType dtype, double weightDecay, double momentum, bool nesterov)
    {
        var parameter = Random(1, dtype);
        NDArray? buffer = null;
        var values = new List<NDArray>();
        for (ulong step = 0; step < 3; step++)
        {
            var grad = Random(10 + step, dtype, 0.1);
            var g = weightDecay != 0 ? grad + parameter * weightDecay : grad;
            if (momentum != 0)
            {
                buffer = buffer is null ? g.Clone() : buffer * momentum + g * 1.0;
                g = nesterov ? g + buffer * momentum : buffer;
            }
            parameter = parameter - g * 0.01;
            values.Add(parameter);
        }
        return values;
    }

    public static TheoryData<DType, double> Cases() => new()
    {
        { DType.Float32, 0 }, { DType.Float32, 0.1 }, { DType.Float64, 0 }, { DType.Float64, 0.1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AdamWMatchesTheUnfusedFormula(DType dtype, double weightDecay)
    {
        var fused = Trajectory(g => new AdamW(g), dtype, weightDecay);
        var reference = UnfusedAdam(dtype, weightDecay, decoupled: true);
        for (int i = 0; i < 3; i++) AssertSameBits(reference[i], fused[i]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AdamMatchesTheUnfusedFormula(DType dtype, double weightDecay)
    {
        var fused = Trajectory(g => new Adam(g), dtype, weightDecay);
        var reference = UnfusedAdam(dtype, weightDecay, decoupled: false);
        for (int i = 0; i < 3; i++) AssertSameBits(reference[i], fused[i]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SgdMatchesTheUnfusedFormula(DType dtype, double weightDecay)
    {
        foreach (var (momentum, nesterov) in new[] { (0.0, false), (0.9, false), (0.9, true) })
        {
            var fused = Trajectory(g => new Sgd(g, momentum, nesterov: nesterov), dtype, weightDecay);
            var reference = UnfusedSgd(dtype, weightDecay, momentum, nesterov);
            for (int i = 0; i < 3; i++) AssertSameBits(reference[i], fused[i]);
        }
    }

    [Fact]
    public void StepUpdatesInPlaceAndExportedStateIsACopy()
    {
        var p = new Tensor(Random(1, DType.Float32), requiresGrad: true) { Grad = new Tensor(Random(2, DType.Float32)) };
        var optimizer = new AdamW([new ParamGroup([new("p", p)], 0.01)]);
        var values = p.Data;
        optimizer.Step();
        Assert.Same(values, p.Data);
        var exported = optimizer.ExportState();
        var saved = exported.Tensors["p.exp_avg"].Clone();
        optimizer.Step();
        AssertSameBits(saved, exported.Tensors["p.exp_avg"]);
    }

    [Fact]
    public void NonContiguousParametersAndGradientsAreHandled()
    {
        var p = new Tensor(new Generator(3).Normal([30, 20]).MT(), requiresGrad: true);
        var expected = p.Data.Clone();
        var grad = NDArray.Ones([20, 30]).Mul(NDArray.Scalar(0.5)).Expand([20, 30]);
        p.Grad = new Tensor(NDArray.Scalar(0.5).Expand([20, 30]));
        new Sgd([new ParamGroup([new("p", p)], 0.1)]).Step();
        AssertSameBits(expected - grad * 0.1, p.Data);
    }

    [Fact]
    public void StepsInsideBufferScopesKeepStateAndMatchStepsWithout()
    {
        List<double[]> Run(bool scoped)
        {
            var p = new Tensor(Random(1, DType.Float32), requiresGrad: true);
            var optimizer = new AdamW([new ParamGroup([new("p", p)], 0.01, 0.1)]);
            var values = new List<double[]>();
            for (int step = 0; step < 3; step++)
            {
                using (scoped ? BufferScope.Begin() : null)
                {
                    optimizer.ZeroGrad();
                    (p * p * 0.5).Sum().Backward();
                    optimizer.Step();
                    optimizer.ZeroGrad();
                }
                values.Add(p.ToDoubleArray());
            }
            return values;
        }
        var plain = Run(scoped: false);
        var scoped = Run(scoped: true);
        for (int i = 0; i < plain.Count; i++) Assert.Equal(plain[i], scoped[i]);
    }
}
