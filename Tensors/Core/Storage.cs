// A flat, typed buffer shared by every view of it. Views never copy; they point into a Storage.
namespace Engine.Tensors;

public sealed class Storage
{
    private readonly Array _data;

    public DType DType { get; }
    public Device Device { get; }
    public int Length { get; }

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
        Array data = dtype switch
        {
            DType.Float32 => new float[length],
            DType.Float64 => new double[length],
            DType.Int64 => new long[length],
            _ => throw new EngineException($"storage: unknown dtype {dtype}"),
        };
        return new Storage(data, dtype, length);
    }

    /// <summary>Wraps an existing array without copying it.</summary>
    public static Storage Wrap<T>(T[] data) where T : unmanaged => new(data, DTypeInfo.Of<T>(), data.Length);

    /// <summary>The backing array. Throws a clear error when T does not match the dtype.</summary>
    public T[] Array<T>() where T : unmanaged =>
        _data as T[] ?? throw new EngineException($"storage holds {DType.Name()}, not {typeof(T).Name}");

    public double GetAsDouble(int index) => DType switch
    {
        DType.Float32 => ((float[])_data)[index],
        DType.Float64 => ((double[])_data)[index],
        _ => ((long[])_data)[index],
    };

    public void SetFromDouble(int index, double value)
    {
        switch (DType)
        {
            case DType.Float32: ((float[])_data)[index] = (float)value; break;
            case DType.Float64: ((double[])_data)[index] = value; break;
            default: ((long[])_data)[index] = (long)value; break;
        }
    }
}
