// LR schedules at their key steps and global gradient-norm clipping.
using Engine.Autograd;
using Engine.Tensors;
using Xunit;

namespace Engine.Optim.Tests;

public class ScheduleAndClipTests
{
    [Fact]
    public void WarmupThenCosineToFloor()
    {
        var schedule = new WarmupCosineLr(peak: 1.0, warmupSteps: 4, totalSteps: 14, floor: 0.1);
        Assert.Equal(0.25, schedule.LearningRate(0), 12);
        Assert.Equal(0.75, schedule.LearningRate(2), 12);
        Assert.Equal(1.0, schedule.LearningRate(4), 12);
        // Halfway through the decay the cosine term is 0: floor + (peak - floor) / 2.
        Assert.Equal(0.55, schedule.LearningRate(9), 12);
        Assert.Equal(0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * 0.2)), schedule.LearningRate(6), 12);
        Assert.Equal(0.1, schedule.LearningRate(14), 12);
        Assert.Equal(0.1, schedule.LearningRate(1000), 12);
        Assert.Throws<EngineException>(() => new WarmupCosineLr(1, 10, 5));
    }

    [Fact]
    public void StepDecayAndConstant()
    {
        var schedule = new StepDecayLr(0.1, stepSize: 3, gamma: 0.5);
        Assert.Equal(0.1, schedule.LearningRate(0), 15);
        Assert.Equal(0.1, schedule.LearningRate(2), 15);
        Assert.Equal(0.05, schedule.LearningRate(3), 15);
        Assert.Equal(0.025, schedule.LearningRate(6), 15);
        Assert.Equal(0.3, new ConstantLr(0.3).LearningRate(12345));
    }

    [Fact]
    public void SetLearningRateHonoursGroupScale()
    {
        var a = new Tensor(NDArray.Zeros([1], DType.Float64), requiresGrad: true);
        var b = new Tensor(NDArray.Zeros([1], DType.Float64), requiresGrad: true);
        var optimizer = new Sgd([new ParamGroup([new("a", a)], 1), new ParamGroup([new("b", b)], 1) { LearningRateScale = 0.1 }]);
        optimizer.SetLearningRate(new StepDecayLr(0.2, 1, 0.5).LearningRate(1));
        Assert.Equal(0.1, optimizer.Groups[0].LearningRate, 15);
        Assert.Equal(0.01, optimizer.Groups[1].LearningRate, 15);
    }

    [Fact]
    public void ClippingScalesAllGradientsTogetherAndReturnsThePreClipNorm()
    {
        var a = new Tensor(NDArray.Zeros([2], DType.Float64), requiresGrad: true) { Grad = Tensor.FromArray(new double[] { 3, 0 }, 2) };
        var b = new Tensor(NDArray.Zeros([1], DType.Float64), requiresGrad: true) { Grad = Tensor.FromArray(new double[] { 4 }, 1) };
        var none = new Tensor(NDArray.Zeros([1], DType.Float64), requiresGrad: true);
        double norm = GradClip.ClipGlobalNorm([a, b, none], maxNorm: 1);
        Assert.Equal(5, norm, 15);
        double scale = 1 / (5 + 1e-6);
        Assert.Equal(3 * scale, a.Grad!.ToDoubleArray()[0], 15);
        Assert.Equal(4 * scale, b.Grad!.ToDoubleArray()[0], 15);
        Assert.Null(none.Grad);
        // Under the threshold nothing changes.
        Assert.Equal(5 * scale, GradClip.ClipGlobalNorm([a, b], maxNorm: 10), 12);
        Assert.Equal(3 * scale, a.Grad!.ToDoubleArray()[0], 15);
    }
}
