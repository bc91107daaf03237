// `engine reproduce ... --device`: the reproductions that train neural models (griffin, dks, irl) read the
// device like `engine train --device`; the tabular and small-RL ones accept cpu and refuse any other
// device with one line naming the reproduction and why. The smoke run trains two DKS arms (SGD and K-FAC)
// on ILGPU's CPU accelerator and gets the CPU's curves, with every matmul on the device.
using Engine.Autograd;
using Engine.Tensors;
using Engine.Training.Dks.Reproduce;
using Xunit;

namespace Engine.Training.Tests.Cli;

[Collection("Console")]
public class ReproduceDeviceTests
{
    [Theory]
    [InlineData("convex-mdp", "ilgpu-cpu")]
    [InlineData("skills", "cuda")]
    [InlineData("priors", "ilgpu-cpu")]
    [InlineData("iwpla", "ilgpu-cpu")]
    public void CpuOnlyReproductionsRefuseOtherDevicesInOneLine(string name, string device)
    {
        var (code, _, stderr) = CliCapture.Run(["reproduce", name, "--device", device]);
        Assert.Equal(2, code);
        var first = stderr.Split('\n')[0];
        Assert.StartsWith($"engine: reproduce {name}: --device {device} is not supported: ", first);
        Assert.Contains("runs on the cpu only", first);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [InlineData("convex-mdp")]
    [InlineData("priors")]
    public void CpuOnlyReproductionsAcceptDeviceCpu(string name)
    {
        var (code, stdout, stderr) = CliCapture.Run(["reproduce", name, "--device", "cpu", "--help"]);
        Assert.True(code == 0, stderr);
        Assert.Contains("usage: engine reproduce " + name, stdout);
    }

    [Theory]
    [InlineData("griffin")]
    [InlineData("dks")]
    [InlineData("irl")]
    public void NeuralReproductionsTakeTheDeviceLikeTrain(string name)
    {
        var (helpCode, help, _) = CliCapture.Run(["reproduce", name, "--help"]);
        Assert.Equal(0, helpCode);
        Assert.Contains("--device", help);
        var (code, _, stderr) = CliCapture.Run(["reproduce", name, "--device", "tpu"]);
        Assert.Equal(2, code);
        Assert.Contains("unknown device 'tpu'; expected cpu, cuda or ilgpu-cpu", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void CudaWithoutADriverIsTheOneLineError()
    {
        bool hasCuda;
        try
        {
            Device.Parse("cuda");
            hasCuda = true;
        }
        catch (EngineException)
        {
            hasCuda = false;
        }
        if (hasCuda) return; // this machine has a GPU: the error cannot happen here
        var (code, _, stderr) = CliCapture.Run(["reproduce", "griffin", "--smoke", "--device", "cuda"]);
        Assert.Equal(2, code);
        Assert.Equal("engine: device: cuda was requested, but no CUDA device or driver was found on this machine; use --device cpu or ilgpu-cpu",
            stderr.Trim());
    }

    /// <summary>Three classes of 2 x 2 pooled images (the generated data of DksReproduceSmokeTests, smaller).</summary>
    private static ImageDataset Data()
    {
        var rng = new Generator(3);
        (NDArray, NDArray) Make(int n)
        {
            var images = rng.Uniform([n, 4, 4], 0, 1, DType.Float32);
            var labels = NDArray.FromArray(Enumerable.Range(0, n).Select(i => (long)(i % 3)).ToArray(), n);
            return (images, labels);
        }
        var (trainImages, trainLabels) = Make(32);
        var (testImages, testLabels) = Make(12);
        return DksReproduceCommand.Prepare(trainImages, trainLabels, testImages, testLabels, classes: 3);
    }

    [Fact]
    public void DksArmsTrainOnTheDeviceWithTheCpusCurves()
    {
        var data = Data();
        var config = new DksExperimentConfig
        {
            Steps = 3, KfacSteps = 3, BatchSize = 8, Depth = 2, Width = 6, EvalEvery = 3,
            Kfac = new DksExperimentConfig().Kfac with { BurnInSteps = 1, InverseUpdatePeriod = 1 },
        };
        // Shallow nets keep the device run to a few seconds on ILGPU's CPU accelerator; the TAT arms differ
        // only in their activation, which the device runs like any other op.
        Arm[] arms = [DksExperimentConfig.DefaultArms[0], new("shallow+kfac", NetworkKind.Shallow, OptimizerKind.Kfac)];
        var cpu = DksExperiment.Run(config, data, arms, _ => { });
        var device = Device.Parse("ilgpu-cpu");
        int onDevice = 0, elsewhere = 0;
        IReadOnlyList<ArmResult> gpu;
        void Count(string op, IReadOnlyList<Tensor> inputs, Tensor output)
        {
            if (op != "matmul") return;
            if (output.Device == device) onDevice++;
            else elsewhere++;
        }
        using (OpHooks.Observe(Count))
            gpu = DksExperiment.Run(config with { Device = device }, data, arms, _ => { });
        Assert.True(onDevice > 0 && elsewhere == 0, $"{onDevice} matmuls on {device}, {elsewhere} elsewhere");
        for (int a = 0; a < arms.Length; a++)
        {
            Assert.Equal(cpu[a].Curve.Count, gpu[a].Curve.Count);
            for (int i = 0; i < cpu[a].Curve.Count; i++)
            {
                var (e, g) = (cpu[a].Curve[i], gpu[a].Curve[i]);
                // float32 networks: the device's GEMM adds in another order (about 1e-7 relative per op).
                Assert.True(Math.Abs(e.TrainLoss - g.TrainLoss) <= 1e-4 * Math.Abs(e.TrainLoss) || (double.IsNaN(e.TrainLoss) && double.IsNaN(g.TrainLoss)),
                    $"{arms[a].Name} step {e.Step}: train loss {g.TrainLoss} on {device}, {e.TrainLoss} on the cpu");
                Assert.Equal(e.TestAccuracy, g.TestAccuracy);
            }
        }
    }
}
