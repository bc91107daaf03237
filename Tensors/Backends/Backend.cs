// Chooses the backend that runs a kernel. The CPU backend is the default; tests switch to the scalar
// reference backend for a scope to use it as the oracle.
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

    internal static IBackend For(string op, NDArray a)
    {
        if (a.Device.Kind != DeviceKind.Cpu)
            throw EngineException.ForOp(op, $"no backend for device {a.Device}");
        return Current;
    }

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
