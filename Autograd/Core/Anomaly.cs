// Opt-in anomaly detection: while enabled, every forward output and every gradient an op's backward
// produces is checked, and the first NaN or infinity names the op responsible.
using Engine.Tensors;

namespace Engine.Autograd;

public static class Anomaly
{
    [ThreadStatic] private static int _depth;
    [ThreadStatic] private static bool _inBackward;

    public static bool IsEnabled => _depth > 0;

    public static IDisposable Detect()
    {
        _depth++;
        return new Scope();
    }

    /// <summary>Runs an op's backward with forward checks off, so a NaN is blamed on that op, not on
    /// the ops its backward is written with.</summary>
    internal static T InBackward<T>(Func<T> backward)
    {
        bool saved = _inBackward;
        _inBackward = true;
        try { return backward(); }
        finally { _inBackward = saved; }
    }

    internal static void CheckForward(string op, NDArray value)
    {
        if (IsEnabled && !_inBackward && HasNonFinite(value))
            throw new EngineException($"anomaly: op '{op}' produced NaN or infinity in its forward output of shape {value.ShapeString}");
    }

    internal static void CheckBackward(string op, int input, NDArray grad)
    {
        if (IsEnabled && HasNonFinite(grad))
            throw new EngineException($"anomaly: the backward of op '{op}' produced NaN or infinity in the gradient of input {input} (shape {grad.ShapeString})");
    }

    private static bool HasNonFinite(NDArray value)
    {
        if (!value.DType.IsFloating()) return false;
        foreach (double v in value.ToDoubleArray())
            if (!double.IsFinite(v)) return true;
        return false;
    }

    private sealed class Scope : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _depth--;
        }
    }
}
