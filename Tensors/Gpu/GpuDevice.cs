// One opened GPU: an ILGPU context and accelerator (CUDA, or for tests without a GPU ILGPU's CPU
// accelerator with an NVIDIA GPU's warp of 32 threads and, by default, 64-thread groups: see CpuWarps), its caching allocator
// and its compiled kernels. Devices are opened once per kind and live for the process.
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Engine.Tensors.Gpu;

public enum GpuKind
{
    Cuda,
    IlgpuCpu,
}

public sealed class GpuDevice
{
    private static readonly Lock Gate = new();
    private static readonly List<GpuDevice> Opened = [];

    private readonly Context _context;
    private GpuKernels? _kernels;

    public GpuKind Kind { get; }
    public Device Device { get; }
    public Accelerator Accelerator { get; }
    public GpuAllocator Allocator { get; }
    public GpuBackend Backend { get; }
    public string Name => NameOf(Device.Index);

    /// <summary>The compiled kernels; each is compiled on first use.</summary>
    internal GpuKernels Kernels => _kernels ??= new GpuKernels(Accelerator);

    private GpuDevice(GpuKind kind, int index)
    {
        Kind = kind;
        Device = new Device(DeviceKind.Gpu, index);
        _context = kind == GpuKind.Cuda
            ? Context.Create(builder => builder.Cuda().Optimize(OptimizationLevel.O2))
            : Context.Create(builder => builder.CPU(new CPUDevice(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: CpuWarps(), numMultiprocessors: 1)).Optimize(OptimizationLevel.O1));
        if (kind == GpuKind.Cuda)
        {
            var devices = _context.GetCudaDevices();
            if (devices.Count == 0)
            {
                _context.Dispose();
                throw new EngineException("device: cuda was requested, but no CUDA device or driver was found on this machine; use --device cpu or ilgpu-cpu");
            }
            Accelerator = devices[0].CreateAccelerator(_context);
        }
        else Accelerator = _context.GetCPUDevice(0).CreateCPUAccelerator(_context, CPUAcceleratorMode.Parallel);
        Allocator = new GpuAllocator(this);
        Backend = new GpuBackend(this);
    }

    /// <summary>Warps per group on ILGPU's CPU accelerator: 2 by default (64 threads, so cross-warp
    /// combines are exercised while each launch wakes few OS threads — the accelerator runs one thread per
    /// simulated GPU thread); ENGINE_ILGPU_CPU_WARPS=32 gives an NVIDIA GPU's full 1024-thread groups.</summary>
    private static int CpuWarps() =>
        int.TryParse(Environment.GetEnvironmentVariable("ENGINE_ILGPU_CPU_WARPS"), out int warps) && warps is >= 1 and <= 32 ? warps : 2;

    /// <summary>The device of this kind, opened on first use. Throws a clear error when CUDA is absent.</summary>
    public static GpuDevice Open(GpuKind kind)
    {
        lock (Gate)
        {
            foreach (var d in Opened)
                if (d.Kind == kind) return d;
            GpuDevice device;
            try
            {
                device = new GpuDevice(kind, Opened.Count);
            }
            catch (Exception e) when (e is not EngineException)
            {
                throw new EngineException($"device: could not open {KindName(kind)}: {e.Message}");
            }
            Opened.Add(device);
            return device;
        }
    }

    public static GpuDevice Get(Device device)
    {
        lock (Gate)
        {
            if (device.Kind != DeviceKind.Gpu || device.Index >= Opened.Count)
                throw new EngineException($"device: {device.Kind.ToString().ToLowerInvariant()}:{device.Index} is not an opened gpu");
            return Opened[device.Index];
        }
    }

    internal static string NameOf(int index)
    {
        lock (Gate)
            return index < Opened.Count ? $"{KindName(Opened[index].Kind)}:{index}" : $"gpu:{index}";
    }

    private static string KindName(GpuKind kind) => kind == GpuKind.Cuda ? "cuda" : "ilgpu-cpu";

    /// <summary>Waits until every kernel queued on this device has finished (for timing).</summary>
    public void Synchronize() => Accelerator.Synchronize();
}
