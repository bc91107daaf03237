// Autograd and the optimizers on device tensors, unchanged: a few AdamW steps of a tiny Griffin give the
// CPU backend's losses; and the caching allocator keeps device memory flat over a long training loop.
using Engine.Autograd;
using Engine.Models.Griffin;
using Engine.Nn;
using Engine.Nn.Functional;
using Engine.Optim;
using Engine.Tensors;
using Engine.Tensors.Gpu;
using Xunit;

namespace Engine.Gpu.Tests;

public class GpuTrainingTests
{
    /// <summary>Blocks (recurrent, attention), width 8, 2 heads, window 1: every Griffin op at a tiny size.
    /// Kept this small because ILGPU's CPU accelerator pays per group and per launch.</summary>
    private static readonly GriffinConfig Tiny = new()
    {
        VocabSize = 11,
        Width = 8,
        MlpExpandedWidth = 12,
        NumHeads = 2,
        LruWidth = 8,
        BlockTypes = [TemporalBlockType.Recurrent, TemporalBlockType.Attention],
        AttentionWindowSize = 1,
        EmbeddingsScaleBySqrtDim = true,
        LogitsSoftCap = 30,
    };

    private static List<double> TrainGriffin(Device device, int steps)
    {
        var model = new GriffinModel(Tiny, new Generator(3));
        model.To(device);
        var optimizer = new AdamW([ParamGroup.Of(model, 1e-2, 0.01)]);
        var rng = new Generator(5);
        var tokens = rng.Uniform([1, 7], 0, Tiny.VocabSize).ToDType(DType.Int64);
        // A new document starts at t = 3, so the resets, the conv reach and the attention masks are exercised;
        // documents of 3 tokens against a window of 1 make the window bind too.
        var positions = NDArray.FromArray(new long[] { 0, 1, 2, 0, 1, 2 }, 1, 6);
        var inputs = new Tensor(tokens.Slice(1, 0, 6).To(device));
        var targets = new Tensor(tokens.Slice(1, 1, 7).To(device));
        var segments = new Tensor(positions.To(device));
        var losses = new List<double>();
        for (int i = 0; i < steps; i++)
        {
            using var scope = BufferScope.Begin();
            var loss = Losses.CrossEntropy(model.Forward(inputs, segments), targets);
            optimizer.ZeroGrad();
            loss.Backward();
            GradClip.ClipGlobalNorm(model.Parameters(), 1.0);
            optimizer.Step();
            losses.Add(loss.Item());
            optimizer.ZeroGrad();
        }
        return losses;
    }

    [Fact]
    public void GriffinTrainingStepsMatchTheCpu()
    {
        var cpu = TrainGriffin(Device.Cpu, 2);
        var gpu = TrainGriffin(TestDevice.Device, 2);
        Assert.True(cpu[^1] < cpu[0], $"the CPU run should learn: losses {string.Join(", ", cpu)}");
        for (int i = 0; i < cpu.Count; i++)
            Assert.True(Math.Abs(cpu[i] - gpu[i]) <= 2e-4 * Math.Max(1, Math.Abs(cpu[i])),
                $"step {i}: loss {gpu[i]} on {TestDevice.Name}, {cpu[i]} on the cpu");
    }

    /// <summary>A minimal gradient-descent loop on the device (the gradient 2(w − t) of |w − t|², then a
    /// fused SGD-with-momentum update): each step allocates its temporaries inside a BufferScope, and a
    /// step is only four kernel launches, so 1000 steps stay quick on the CPU accelerator.</summary>
    [Fact]
    public void DeviceMemoryInUseIsFlatOverAThousandSteps()
    {
        var device = TestDevice.Device;
        var allocator = GpuDevice.Get(device).Allocator;
        var w = NDArray.FromArray(new float[] { 3, -2, 1, 4 }).To(device);
        var target = NDArray.FromArray(new float[] { 1, 1, -1, 0 }).To(device);
        var momentum = NDArray.ZerosLike(w);
        var two = NDArray.Scalar(2).To(device);
        double first = Distance(w, target);
        long inUseAfter10 = 0, allocationsAfter10 = 0;
        for (int step = 1; step <= 1000; step++)
        {
            using (BufferScope.Begin())
            {
                var gradient = (w - target) * two;
                OptimizerKernels.SgdUpdate(w, gradient, momentum, new SgdStep(0.01, 0, 0.9, 0, false, step == 1));
            }
            if (step == 10)
            {
                inUseAfter10 = allocator.BytesInUse;
                allocationsAfter10 = allocator.DeviceAllocations;
            }
        }
        Assert.Equal(inUseAfter10, allocator.BytesInUse);
        Assert.Equal(allocationsAfter10, allocator.DeviceAllocations);
        double last = Distance(w, target);
        Assert.True(last < 1e-3 * first, $"the loop should converge: |w - t| {first} then {last}");
    }

    /// <summary>|w − t|₁, computed inside a scope so its temporaries do not stay in use.</summary>
    private static double Distance(NDArray w, NDArray target)
    {
        using var scope = BufferScope.Begin();
        return (w - target).Abs().Sum().Item();
    }
}
