// Where a tensor's storage lives. The CPU is always present; GPU devices are opened by the GPU backend
// (Tensors/Gpu) on first use and numbered in the order they were opened.
using Engine.Tensors.Gpu;

namespace Engine.Tensors;

public enum DeviceKind
{
    Cpu,
    Gpu,
}

public readonly record struct Device(DeviceKind Kind, int Index = 0)
{
    public static readonly Device Cpu = new(DeviceKind.Cpu);

    /// <summary>Parses a device name as the command line spells it: cpu, cuda or ilgpu-cpu (ILGPU's CPU
    /// accelerator configured like an NVIDIA GPU). GPU devices are opened on first use.</summary>
    public static Device Parse(string name) => name switch
    {
        "cpu" => Cpu,
        "cuda" => GpuDevice.Open(GpuKind.Cuda).Device,
        "ilgpu-cpu" => GpuDevice.Open(GpuKind.IlgpuCpu).Device,
        _ => throw new EngineException($"device: unknown device '{name}'; expected cpu, cuda or ilgpu-cpu"),
    };

    public override string ToString() => Kind == DeviceKind.Cpu ? "cpu" : GpuDevice.NameOf(Index);
}
