// The IRL objectives with the model on a GPU device (ILGPU's CPU accelerator): transition batches follow
// the model to its device, online IQLearn draws its samples on the CPU from the device's logits, and the
// losses, gradients and held-out NLL equal the CPU's. A float64 bigram model keeps it to a few kernels.
using Engine.Models.Baselines;
using Engine.Tensors;
using Engine.Training.Irl;
using Xunit;

namespace Engine.Training.Tests.Irl;

public class IrlDeviceTests
{
    private const int Vocab = 6, Pad = 0, Eos = 5;

    private static readonly PromptResponse[] Demonstrations =
    [
        new([1, 2], [3, 4, Eos], true),
        new([2], [4, 4], false),
        new([1, 3, 2], [2, Eos], true),
    ];

    private static (double Loss, double[] Gradient, double HeldOut) Evaluate(Device device, IrlObjective objective)
    {
        var model = new BigramLm(Vocab, new Generator(9), DType.Float64);
        model.To(device);
        var loss = IrlTraining.Loss(model, Demonstrations, objective, Pad, Eos, step: 3, samplerSeed: 4);
        Assert.Equal(device, loss.Device);
        loss.Backward();
        var table = model.Parameters().Single();
        Assert.Equal(device, table.Grad!.Device);
        return (loss.Item(), table.Grad.ToDoubleArray(), IrlTraining.HeldOutNll(model, Demonstrations, Pad));
    }

    /// <summary>Online IQLearn runs the sampler and the offline IQLearn and MLE terms inside it; MLE + entropy
    /// adds the state entropies.</summary>
    public static TheoryData<string> Objectives() => new("iqlearn-online", "mle-entropy");

    [Theory]
    [MemberData(nameof(Objectives))]
    public void LossesAndGradientsOnTheDeviceEqualTheCpus(string name)
    {
        var objective = name switch
        {
            "iqlearn-online" => new IrlObjective(IrlObjectiveKind.IqLearn, Lambda: 0.5, Gamma: 0.9, MixIn: 0.5, ResponseLimit: 4),
            _ => new IrlObjective(IrlObjectiveKind.MleEntropy, EntropyBeta: 0.2),
        };
        var cpu = Evaluate(Device.Cpu, objective);
        var gpu = Evaluate(Device.Parse("ilgpu-cpu"), objective);
        // float64 on both; only the order of additions in the device's reductions differs.
        const double tolerance = 1e-12;
        Assert.True(Math.Abs(cpu.Loss - gpu.Loss) <= tolerance * (1 + Math.Abs(cpu.Loss)), $"{name}: loss {gpu.Loss} on the device, {cpu.Loss} on the cpu");
        Assert.True(Math.Abs(cpu.HeldOut - gpu.HeldOut) <= tolerance * (1 + cpu.HeldOut), $"{name}: held-out NLL {gpu.HeldOut}, {cpu.HeldOut} on the cpu");
        for (int i = 0; i < cpu.Gradient.Length; i++)
            Assert.True(Math.Abs(cpu.Gradient[i] - gpu.Gradient[i]) <= tolerance * (1 + Math.Abs(cpu.Gradient[i])),
                $"{name}: gradient {i} is {gpu.Gradient[i]} on the device, {cpu.Gradient[i]} on the cpu");
    }
}
