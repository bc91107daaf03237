// Whether ops record the tape. Inside a NoGrad scope nothing is recorded: used for inference, for
// optimizer updates, and by Backward itself unless a graph of the gradient is asked for.
using Engine.Tensors;

namespace Engine.Autograd;

public static class GradMode
{
    [ThreadStatic] private static int _disabledDepth;

    public static bool IsEnabled => _disabledDepth == 0;

    /// <summary>Turns recording off on this thread until the scope is disposed.</summary>
    public static IDisposable NoGrad()
    {
        _disabledDepth++;
        return new Scope(() => _disabledDepth--);
    }

    /// <summary>Turns recording back on inside a NoGrad scope (used for create-graph backward).</summary>
    public static IDisposable EnableGrad()
    {
        int saved = _disabledDepth;
        _disabledDepth = 0;
        return new Scope(() => _disabledDepth = saved);
    }

    private sealed class Scope(Action onDispose) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) throw new EngineException("grad mode: scope disposed twice");
            _disposed = true;
            onDispose();
        }
    }
}
