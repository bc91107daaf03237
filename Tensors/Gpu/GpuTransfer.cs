// Copies between host memory and a device: the only place data crosses. Both sides are contiguous.
using System.Runtime.InteropServices;
using ILGPU.Runtime;

namespace Engine.Tensors.Gpu;

internal static class GpuTransfer
{
    public static void Upload(NDArray hostContiguous, NDArray device)
    {
        if (device.Size == 0) return;
        switch (device.DType)
        {
            case DType.Float32: Up(hostContiguous.Span<float>(), device); break;
            case DType.Float64: Up(hostContiguous.Span<double>(), device); break;
            default: Up(hostContiguous.Span<long>(), device); break;
        }
    }

    public static void Download(NDArray deviceContiguous, NDArray host)
    {
        if (host.Size == 0) return;
        switch (host.DType)
        {
            case DType.Float32: Down(deviceContiguous, host.Span<float>()); break;
            case DType.Float64: Down(deviceContiguous, host.Span<double>()); break;
            default: Down(deviceContiguous, host.Span<long>()); break;
        }
    }

    private static void Up<T>(Span<T> source, NDArray device) where T : unmanaged =>
        device.Storage.Block.View<T>().SubView(device.Offset, source.Length).CopyFromCPU(ref MemoryMarshal.GetReference(source), source.Length);

    private static void Down<T>(NDArray device, Span<T> target) where T : unmanaged =>
        device.Storage.Block.View<T>().SubView(device.Offset, target.Length).CopyToCPU(ref MemoryMarshal.GetReference(target), target.Length);
}
