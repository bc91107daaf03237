// K-FAC (Optim/Kfac) with the model on a GPU device: the same K-FAC steps of a small MLP and of a tiny conv
// net, from the same initial parameters and batch, give the CPU's losses, adaptive coefficients and final
// parameters. Forward, backward and the factor contributions run on the device; factors, inverses and the
// step's vectors stay on the CPU in float64 (Optim/Kfac/KfacOptimizer.cs).
//
// Tolerances. In float64 the two runs differ only in the order of additions inside the device's GEMM and
// reductions (about 1e-16 relative per operation); the damped inverses (λ ≥ 1e-2 against factors of order
// 1) and the quadratic model's 2 x 2 solve amplify that by at most a few orders of magnitude over four
// steps, so 1e-9 relative leaves a wide margin while still catching any real divergence (a dropped term
// or a wrong device copy changes values at 1e-3 or more). In float32 the same reordering costs about 1e-7
// per operation, amplified the same way: 1e-4. (Observed on ilgpu-cpu: 1e-16 in float64, 5e-7 in float32.)
using Engine.Autograd;
using Engine.Nn;
using Engine.Optim.Kfac;
using Engine.Tensors;
using Xunit;

namespace Engine.Gpu.Tests;

public class KfacDeviceTests
{
    private const int Steps = 4;

    private sealed record Run(List<KfacStepResult> Results, List<double[]> Parameters);

    private static Sequential Mlp(DType dtype) =>
        new(new Linear(4, 8, new Generator(1), dtype: dtype), new Activation(t => t.Tanh()), new Linear(8, 3, new Generator(2), dtype: dtype));

    private static Sequential ConvNet(DType dtype) =>
        new(new Conv2d(1, 2, (3, 3), new Generator(1), padding: (1, 1), dtype: dtype), new Activation(t => t.Tanh()),
            new Activation(t => t.Reshape(t.Dim(0), -1)), new Linear(2 * 4 * 4, 3, new Generator(2), dtype: dtype));

    private static Run Train(Func<DType, Sequential> build, int[] inputShape, DType dtype, Device device, KfacOptions options)
    {
        var model = build(dtype);
        model.To(device);
        var rng = new Generator(7);
        var x = new Tensor(rng.Normal(inputShape, dtype: dtype).To(device));
        var labels = NDArray.FromArray(Enumerable.Range(0, inputShape[0]).Select(i => (long)(i % 3)).ToArray(), inputShape[0]);
        var loss = RegisteredLoss.SoftmaxCrossEntropy(new Tensor(labels.To(device)));
        var kfac = new KfacOptimizer(model, options);
        var results = new List<KfacStepResult>();
        for (int step = 0; step < Steps; step++) results.Add(kfac.Step(() => model.Forward(x), loss));
        Assert.All(model.Parameters(), p => Assert.Equal(device, p.Device));
        return new(results, [.. model.Parameters().Select(p => p.Data.ToDoubleArray())]);
    }

    private static void AssertSame(Run cpu, Run gpu, double tolerance)
    {
        static bool Close(double e, double a, double tolerance) => Math.Abs(e - a) <= tolerance * (1 + Math.Abs(e)) || (double.IsNaN(e) && double.IsNaN(a));
        for (int i = 0; i < cpu.Results.Count; i++)
        {
            var (e, a) = (cpu.Results[i], gpu.Results[i]);
            Assert.Equal(e.BurnIn, a.BurnIn);
            foreach (var (name, ev, av) in new[] { ("loss", e.Loss, a.Loss), ("learning rate", e.LearningRate, a.LearningRate),
                         ("momentum", e.Momentum, a.Momentum), ("damping", e.Damping, a.Damping), ("rho", e.Rho, a.Rho) })
                Assert.True(Close(ev, av, tolerance), $"step {i}: {name} {av} on {TestDevice.Name}, {ev} on the cpu");
        }
        Assert.True(cpu.Results[^1].Loss < cpu.Results[0].Loss, $"the cpu run should learn: {cpu.Results[0].Loss} -> {cpu.Results[^1].Loss}");
        for (int p = 0; p < cpu.Parameters.Count; p++)
            for (int k = 0; k < cpu.Parameters[p].Length; k++)
                Assert.True(Close(cpu.Parameters[p][k], gpu.Parameters[p][k], tolerance),
                    $"parameter {p}[{k}]: {gpu.Parameters[p][k]} on {TestDevice.Name}, {cpu.Parameters[p][k]} on the cpu");
    }

    /// <summary>Adaptive learning rate, momentum and damping (the exact quadratic model through Jacobian
    /// products on the device, Levenberg–Marquardt every 2 steps), sampled Fisher (targets drawn on the CPU
    /// from the device's outputs), an L2 term.</summary>
    private static readonly KfacOptions Adaptive = new()
    {
        AdaptiveLearningRate = true, AdaptiveMomentum = true, AdaptiveDamping = true, Damping = 0.1, BurnInSteps = 1,
        DampingAdaptationInterval = 2, L2Regularization = 1e-3, Seed = 3,
    };

    /// <summary>Fixed learning rate and momentum with the norm constraint, exact Fisher, exact inverses.</summary>
    private static readonly KfacOptions Fixed = new()
    {
        LearningRate = 0.1, Momentum = 0.5, Damping = 0.05, NormConstraint = 1e-2, BurnInSteps = 1,
        Estimation = FisherEstimation.Exact, ExactInverses = true,
    };

    [Fact]
    public void MlpStepsMatchTheCpuInFloat64() =>
        AssertSame(Train(Mlp, [12, 4], DType.Float64, Device.Cpu, Adaptive), Train(Mlp, [12, 4], DType.Float64, TestDevice.Device, Adaptive),
            TestDevice.IsCuda ? 1e-6 : 1e-9);

    [Fact]
    public void MlpStepsMatchTheCpuInFloat32() =>
        AssertSame(Train(Mlp, [12, 4], DType.Float32, Device.Cpu, Fixed), Train(Mlp, [12, 4], DType.Float32, TestDevice.Device, Fixed), 1e-4);

    [Fact]
    public void ConvNetStepsMatchTheCpuInFloat64() =>
        AssertSame(Train(ConvNet, [6, 1, 4, 4], DType.Float64, Device.Cpu, Adaptive),
            Train(ConvNet, [6, 1, 4, 4], DType.Float64, TestDevice.Device, Adaptive), TestDevice.IsCuda ? 1e-6 : 1e-9);

    [Fact]
    public void AModelSplitOverDevicesIsAClearError()
    {
        var model = Mlp(DType.Float32);
        var kfac = new KfacOptimizer(model);
        ((Linear)model[2]).To(TestDevice.Device);
        var x = new Tensor(NDArray.Ones([2, 4]));
        var e = Assert.Throws<EngineException>(() => kfac.Step(() => model.Forward(x), RegisteredLoss.SoftmaxCrossEntropy(new Tensor(NDArray.Zeros([2], DType.Int64)))));
        Assert.Contains("split over devices", e.Message);
        Assert.Contains(TestDevice.Name, e.Message);
    }
}
