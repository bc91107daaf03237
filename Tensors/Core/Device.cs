// Where a tensor's storage lives. The CPU is always present; GPU devices are added by the GPU backend.
namespace Engine.Tensors;

public enum DeviceKind
{
    Cpu,
    Gpu,
}

public readonly record struct Device(DeviceKind Kind, int Index = 0)
{
    public static readonly Device Cpu = new(DeviceKind.Cpu);

    public override string ToString() => Kind == DeviceKind.Cpu ? "cpu" : $"gpu:{Index}";
}
