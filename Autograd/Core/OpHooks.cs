// Forward hooks on ops: observers called with each recorded op's name, inputs and output. K-FAC uses
// them (with tensor gradient hooks) to capture layer inputs and per-example output gradients.
namespace Engine.Autograd;

public delegate void OpObserver(string op, IReadOnlyList<Tensor> inputs, Tensor output);

public static class OpHooks
{
    [ThreadStatic] private static List<OpObserver>? _observers;

    /// <summary>Calls observer after every op on this thread until the returned handle is disposed.</summary>
    public static IDisposable Observe(OpObserver observer)
    {
        (_observers ??= []).Add(observer);
        return new Removal(observer);
    }

    internal static void Notify(string op, Tensor[] inputs, Tensor output)
    {
        if (_observers is null || _observers.Count == 0) return;
        foreach (var observer in _observers.ToArray()) observer(op, inputs, output);
    }

    private sealed class Removal(OpObserver observer) : IDisposable
    {
        public void Dispose() => _observers?.Remove(observer);
    }
}
