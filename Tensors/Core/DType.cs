// Element types a tensor can hold: float32 and float64 for values, int64 for indices.
namespace Engine.Tensors;

public enum DType
{
    Float32,
    Float64,
    Int64,
}

public static class DTypeInfo
{
    public static int SizeInBytes(this DType dtype) => dtype switch
    {
        DType.Float32 => 4,
        DType.Float64 => 8,
        DType.Int64 => 8,
        _ => throw new EngineException($"unknown dtype {(int)dtype}"),
    };

    public static bool IsFloating(this DType dtype) => dtype is DType.Float32 or DType.Float64;

    public static string Name(this DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Int64 => "int64",
        _ => $"dtype({(int)dtype})",
    };

    public static DType Of<T>() =>
        typeof(T) == typeof(float) ? DType.Float32
        : typeof(T) == typeof(double) ? DType.Float64
        : typeof(T) == typeof(long) ? DType.Int64
        : throw new EngineException($"type {typeof(T).Name} is not a tensor element type (float, double or long)");
}
