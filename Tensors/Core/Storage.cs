// A flat, typed buffer shared by every view of it. Views never copy; they point into a Storage.
// A storage holds either a .NET array (CPU) or a block of device memory (Tensors/Gpu/GpuBlock).
// Inside a BufferScope the buffer is pooled: when the scope ends the storage is released (its buffer goes
// back to BufferPool, or its block back to the device's caching allocator) and any later access throws,
// so no view can read memory that was handed out again.
using Engine.Tensors.Gpu;

namespace Engine.Tensors;

public sealed class Storage
{
    private Array? _data;
    private GpuBlock? _block;

    public DType DType { get; }
    public Device Device { get; }
    public int Length { get; }

    /// <summary>False once the BufferScope that allocated this storage has ended (or it was freed).</summary>
    public bool IsAlive => _data is not null || _block is not null;

    private Storage(Array data, DType dtype, int length)
    {
        _data = data;
        DType = dtype;
        Device = Device.Cpu;
        Length = length;
    }

    private Storage(GpuBlock block, DType dtype, int length)
    {
        _block = block;
        DType = dtype;
        Device = block.Owner.Device;
        Length = length;
    }

    public static Storage Allocate(DType dtype, int length) => Allocate(dtype, length, Device.Cpu);

    /// <summary>Zero-filled storage on device. Inside a recycling BufferScope it is released when the scope ends.</summary>
    public static Storage Allocate(DType dtype, int length, Device device)
    {
        if (length < 0) throw new EngineException($"storage: negative length {length}");
        if (device.Kind == DeviceKind.Gpu)
        {
            var block = GpuDevice.Get(device).Allocator.Allocate(dtype, length);
            var onDevice = new Storage(block, dtype, length);
            if (BufferScope.IsActive) BufferScope.Track(onDevice);
            return onDevice;
        }
        var pooled = BufferScope.Rent(dtype, length);
        if (pooled is null) return new Storage(BufferPool.NewArray(dtype, length), dtype, length);
        var storage = new Storage(pooled, dtype, length);
        BufferScope.Track(storage);
        return storage;
    }

    /// <summary>Wraps an existing array without copying it.</summary>
    public static Storage Wrap<T>(T[] data) where T : unmanaged => new(data, DTypeInfo.Of<T>(), data.Length);

    /// <summary>The backing array. Throws a clear error when T does not match the dtype, the storage was
    /// released, or it lives on a GPU.</summary>
    public T[] Array<T>() where T : unmanaged =>
        Data as T[] ?? throw new EngineException($"storage holds {DType.Name()}, not {typeof(T).Name}");

    /// <summary>The device memory of a GPU storage.</summary>
    internal GpuBlock Block => _block ?? throw new EngineException(_data is null
        ? ReleasedMessage
        : $"storage: this {DType.Name()} buffer lives on the cpu, not on a gpu");

    public double GetAsDouble(int index)
    {
        if (_block is not null) return _block.ReadAsDouble(DType, index);
        return Data switch
        {
            float[] f => f[index],
            double[] d => d[index],
            var l => ((long[])l)[index],
        };
    }

    public void SetFromDouble(int index, double value)
    {
        if (_block is not null)
        {
            _block.WriteFromDouble(DType, index, value);
            return;
        }
        switch (Data)
        {
            case float[] f: f[index] = (float)value; break;
            case double[] d: d[index] = value; break;
            case var l: ((long[])l)[index] = (long)value; break;
        }
    }

    private Array Data => _data ?? throw new EngineException(_block is not null
        ? $"storage: this {DType.Name()} buffer of {Length} elements lives on {Device}; copy it with To(Device.Cpu) before reading it on the cpu"
        : ReleasedMessage);

    private string ReleasedMessage =>
        $"storage: this {DType.Name()} buffer of {Length} elements was allocated inside a BufferScope that has ended (or was freed), " +
        "and its memory was recycled; keep arrays that must outlive the scope with BufferScope.Keep, or make them outside it";

    /// <summary>Gives a device block back to its allocator now (deterministic release outside scopes);
    /// a CPU storage is left to the garbage collector. Any later access throws.</summary>
    public void Free()
    {
        if (_block is null) return;
        _block.Free();
        _block = null;
    }

    /// <summary>Ends this storage's life and recycles its memory (for BufferScope).</summary>
    internal void ReleaseToPool()
    {
        if (_block is not null)
        {
            Free();
            return;
        }
        var data = Data;
        _data = null;
        BufferPool.Return(data);
    }
}
