// Chooses the backend that runs a kernel: the one of the operands' device. On the CPU the CPU backend is
// the default; tests switch to the scalar reference backend for a scope to use it as the oracle.
namespace Engine.Tensors;

public static class Backend
{
    public static readonly IBackend Reference = new ReferenceBackend();
    public static readonly IBackend Cpu = new CpuBackend();

    [ThreadStatic] private static IBackend? _override;

    /// <summary>The backend for arrays on the CPU, on this thread.</summary>
    public static IBackend Current => _override ?? Cpu;

    /// <summary>Runs CPU kernels on this thread with the given backend until the scope is disposed.</summary>
    public static IDisposable Use(IBackend backend)
    {
        var previous = _override;
        _override = backend;
        return new Scope(() => _override = previous);
    }

    /// <summary>The backend of a's device: the current CPU backend, or the GPU backend of a's GPU.</summary>
    internal static IBackend For(string op, NDArray a) => ForDevice(a.Device);

    /// <summary>The backend that runs kernels on device.</summary>
    public static IBackend ForDevice(Device device) =>
        device.Kind == DeviceKind.Cpu ? Current : Gpu.GpuBackend.For(device);

    /// <summary>The backend of the operands' device; a zero-dimensional CPU operand (a scalar) joins the
    /// other operands' device.</summary>
    internal static IBackend For(string op, params NDArray[] operands) => ForDevice(NDArray.DeviceOf(operands));

    private sealed class Scope(Action onDispose) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            onDispose();
        }
    }
}
