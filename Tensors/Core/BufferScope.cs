// Buffer recycling for training steps. Inside `using (BufferScope.Begin())`, every storage allocated on
// this thread comes from BufferPool (GPU storages from their device's caching allocator) and goes back to
// it when the scope ends, so a steady-state step reuses the previous step's arrays instead of allocating
// (and later collecting) new ones.
// The rule: an array allocated inside a scope dies with it, unless Keep() was called on it. A dead storage
// has no buffer any more, so a view or tensor that outlives the scope cannot see the recycled memory: any
// access throws an EngineException that says so. Parameters and optimizer state must therefore be
// allocated outside the scope (optimizers create their state under Suspend() and update it in place).
namespace Engine.Tensors;

public sealed class BufferScope : IDisposable
{
    [ThreadStatic] private static BufferScope? t_current;

    private readonly BufferScope? _outer;
    private readonly bool _recycles;
    private List<Storage>? _owned;
    private bool _disposed;

    private BufferScope(BufferScope? outer, bool recycles)
    {
        _outer = outer;
        _recycles = recycles;
    }

    /// <summary>Starts a scope on this thread: storages allocated until Dispose are recycled then.</summary>
    public static BufferScope Begin() => t_current = new BufferScope(t_current, recycles: true);

    /// <summary>Until Dispose, allocations on this thread are ordinary, long-lived arrays even inside a scope.</summary>
    public static BufferScope Suspend() => t_current = new BufferScope(t_current, recycles: false);

    /// <summary>True while a recycling scope is the innermost scope on this thread.</summary>
    public static bool IsActive => t_current is { _recycles: true };

    /// <summary>Exempts array's storage from recycling by the scope that allocated it, so it outlives the scope.</summary>
    public static NDArray Keep(NDArray array)
    {
        for (var scope = t_current; scope is not null; scope = scope._outer)
            if (scope._owned is not null && scope._owned.Remove(array.Storage))
                break;
        return array;
    }

    /// <summary>Called by Storage.Allocate: the pooled buffer when a recycling scope is active, else null.</summary>
    internal static Array? Rent(DType dtype, int length)
    {
        var scope = t_current;
        if (scope is not { _recycles: true } || length == 0) return null;
        return BufferPool.Rent(dtype, length);
    }

    internal static void Track(Storage storage) => (t_current!._owned ??= []).Add(storage);

    public void Dispose()
    {
        if (_disposed) return;
        if (t_current != this)
            throw new EngineException("buffer scope: scopes must be disposed in the reverse order of Begin/Suspend, on the thread that began them");
        _disposed = true;
        t_current = _outer;
        if (_owned is null) return;
        foreach (var storage in _owned)
            storage.ReleaseToPool();
        _owned = null;
    }
}
