// The differentiable device transfer (Autograd/Ops/DeviceOps.cs) inside real graphs: a small two-layer
// network whose input lives on one device and whose computation runs on the other gives the input and
// weight gradients of the same network computed on the CPU alone, each gradient on its tensor's own
// device; second derivatives flow through the transfers too. (The registry entry "to_device" adds the
// float64 finite-difference checks on random shapes and layouts.)
using Engine.Autograd;
using Engine.Nn.Functional;
using Engine.Tensors;
using Xunit;

namespace Engine.Gpu.Tests;

public class DeviceTransferTests
{
    private sealed record Case(NDArray Input, NDArray W1, NDArray W2, NDArray Labels);

    private static Case Draw()
    {
        var rng = new Generator(11);
        return new(rng.Normal([5, 4], dtype: DType.Float64), rng.Normal([4, 6], dtype: DType.Float64),
            rng.Normal([6, 3], dtype: DType.Float64), NDArray.FromArray(new long[] { 0, 2, 1, 1, 0 }, 5));
    }

    /// <summary>Cross-entropy of tanh(x W1) W2: x and the weights live on inputDevice, the network runs on
    /// computeDevice. Returns the loss and the gradients of x, W1 and W2.</summary>
    private static (double Loss, Tensor[] Grads) Run(Case c, Device inputDevice, Device computeDevice)
    {
        var x = new Tensor(c.Input.To(inputDevice), requiresGrad: true);
        var w1 = new Tensor(c.W1.To(inputDevice), requiresGrad: true);
        var w2 = new Tensor(c.W2.To(inputDevice), requiresGrad: true);
        var hidden = x.To(computeDevice).MatMul(w1.To(computeDevice)).Tanh();
        var loss = Losses.CrossEntropy(hidden.MatMul(w2.To(computeDevice)), new Tensor(c.Labels.To(computeDevice)));
        Assert.Equal(computeDevice, loss.Device);
        loss.Backward();
        return (loss.Item(), [x.Grad!, w1.Grad!, w2.Grad!]);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= TestDevice.Float64Tolerance * (1 + Math.Abs(e[i])),
                $"{what}: element {i} is {a[i]}, {e[i]} on the cpu alone");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GradientsFlowBackAcrossTheTransfer(bool startOnCpu)
    {
        var c = Draw();
        var (cpuLoss, cpuGrads) = Run(c, Device.Cpu, Device.Cpu);
        var (from, to) = startOnCpu ? (Device.Cpu, TestDevice.Device) : (TestDevice.Device, Device.Cpu);
        var (loss, grads) = Run(c, from, to);
        Assert.True(Math.Abs(loss - cpuLoss) <= TestDevice.Float64Tolerance * (1 + Math.Abs(cpuLoss)), $"loss {loss}, {cpuLoss} on the cpu alone");
        string[] names = ["x", "W1", "W2"];
        for (int i = 0; i < grads.Length; i++)
        {
            Assert.Equal(from, grads[i].Device);
            AssertClose(cpuGrads[i], grads[i], $"gradient of {names[i]} ({from} -> {to})");
        }
    }

    [Fact]
    public void SecondDerivativesFlowThroughTransfers()
    {
        // f(x) = Σ sin(x)² computed on the device: ∂f/∂x = sin 2x, and the Hessian-vector product with v is
        // 2 cos(2x) v, both compared with their closed forms on the CPU.
        var values = new Generator(4).Uniform([7], -2, 2, DType.Float64);
        var v = new Generator(5).Uniform([7], -1, 1, DType.Float64);
        var x = new Tensor(values, requiresGrad: true);
        var s = x.To(TestDevice.Device).Sin();
        var f = (s * s).Sum();
        var gradient = Gradients.Of([f], [x], createGraph: true)[0];
        Assert.Equal(Device.Cpu, gradient.Device);
        var hvp = Gradients.Of([(gradient * new Tensor(v)).Sum()], [x])[0];
        var xs = values.ToArray<double>();
        var vs = v.ToArray<double>();
        AssertClose(new Tensor(NDArray.FromArray(xs.Select(t => Math.Sin(2 * t)).ToArray(), 7)), gradient, "first derivative");
        AssertClose(new Tensor(NDArray.FromArray(xs.Select((t, i) => 2 * Math.Cos(2 * t) * vs[i]).ToArray(), 7)), hvp, "Hessian-vector product");
    }

    [Fact]
    public void ATensorAlreadyOnTheDeviceIsItself()
    {
        var x = new Tensor(NDArray.Ones([2]).To(TestDevice.Device), requiresGrad: true);
        Assert.Same(x, x.To(TestDevice.Device));
    }
}
