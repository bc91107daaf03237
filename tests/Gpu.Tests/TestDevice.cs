// The device the GPU tests run on: ILGPU's CPU accelerator (configured like an NVIDIA GPU) unless
// ENGINE_TEST_DEVICE names another (bench/gpu/run.sh sets it to cuda), and the tolerances that go with it.
using Engine.Tensors;

namespace Engine.Gpu.Tests;

public static class TestDevice
{
    public static readonly string Name = Environment.GetEnvironmentVariable("ENGINE_TEST_DEVICE") ?? "ilgpu-cpu";

    public static Device Device => Device.Parse(Name);

    /// <summary>On CUDA, ILGPU lowers exp, log and tanh to approximate instructions, so float64 results
    /// there are compared loosely; the CPU accelerator runs .NET's own math.</summary>
    public static bool IsCuda => Name == "cuda";

    /// <summary>Relative/absolute tolerance for float64 values computed on the device.</summary>
    public static double Float64Tolerance => IsCuda ? 1e-5 : 1e-9;

    /// <summary>A copy of x on the test device with the same shape, strides and offset (the whole storage
    /// is uploaded), so non-contiguous layouts reach the kernels as they are.</summary>
    public static NDArray Upload(NDArray x) => x.WithStorageOn(Device);
}
