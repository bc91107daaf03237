// A flat, typed buffer shared by every view of it. Views never copy; they point into a Storage.
// Inside a BufferScope the buffer is pooled: when the scope ends the storage is released (its buffer goes
// back to BufferPool) and any later access throws, so no view can read memory that was handed out again.
namespace Engine.Tensors;

public sealed class Storage
{
    private Array? _data;

    public DType DType { get; }
    public Device Device { get; }
    public int Length { get; }

    /// <summary>False once the BufferScope that allocated this storage has ended.</summary>
    public bool IsAlive => _data is not null;

    private Storage(Array data, DType dtype, int length)
    {
        _data = data;
        DType = dtype;
        Device = Device.Cpu;
        Length = length;
    }

    public static Storage Allocate(DType dtype, int length)
    {
        if (length < 0) throw new EngineException($"storage: negative length {length}");
        var pooled = BufferScope.Rent(dtype, length);
        if (pooled is null) return new Storage(BufferPool.NewArray(dtype, length), dtype, length);
        var storage = new Storage(pooled, dtype, length);
        BufferScope.Track(storage);
        return storage;
    }

    /// <summary>Wraps an existing array without copying it.</summary>
    public static Storage Wrap<T>(T[] data) where T : unmanaged => new(data, DTypeInfo.Of<T>(), data.Length);

    /// <summary>The backing array. Throws a clear error when T does not match the dtype or the storage was released.</summary>
    public T[] Array<T>() where T : unmanaged =>
        Data as T[] ?? throw new EngineException($"storage holds {DType.Name()}, not {typeof(T).Name}");

    public double GetAsDouble(int index) => Data switch
    {
        float[] f => f[index],
        double[] d => d[index],
        var l => ((long[])l)[index],
    };

    public void SetFromDouble(int index, double value)
    {
        switch (Data)
        {
            case float[] f: f[index] = (float)value; break;
            case double[] d: d[index] = value; break;
            case var l: ((long[])l)[index] = (long)value; break;
        }
    }

    private Array Data => _data ?? throw new EngineException(
        $"storage: this {DType.Name()} buffer of {Length} elements was allocated inside a BufferScope that has ended, " +
        "and its memory was recycled; keep arrays that must outlive the scope with BufferScope.Keep, or make them outside it");

    /// <summary>Ends this storage's life and hands back its buffer (for BufferScope).</summary>
    internal Array Release()
    {
        var data = Data;
        _data = null;
        return data;
    }
}
