// Factories: empty, zeros, ones, full, arange, linspace, eye, and arrays wrapped from .NET arrays.
namespace Engine.Tensors;

public sealed partial class NDArray
{
    public static NDArray Empty(ReadOnlySpan<int> shape, DType dtype = DType.Float32) => Empty(shape, dtype, Device.Cpu);

    /// <summary>A zero-filled contiguous array on device.</summary>
    public static NDArray Empty(ReadOnlySpan<int> shape, DType dtype, Device device)
    {
        ShapeMath.Validate("empty", shape);
        var s = shape.ToArray();
        return new NDArray(Storage.Allocate(dtype, ShapeMath.NumElements(s), device), s, ShapeMath.ContiguousStrides(s), 0);
    }

    public static NDArray Zeros(ReadOnlySpan<int> shape, DType dtype = DType.Float32) => Empty(shape, dtype);

    public static NDArray Zeros(ReadOnlySpan<int> shape, DType dtype, Device device) => Empty(shape, dtype, device);

    public static NDArray Ones(ReadOnlySpan<int> shape, DType dtype = DType.Float32) => Full(shape, 1.0, dtype);

    public static NDArray Ones(ReadOnlySpan<int> shape, DType dtype, Device device) => Full(shape, 1.0, dtype, device);

    public static NDArray Full(ReadOnlySpan<int> shape, double value, DType dtype = DType.Float32) => Full(shape, value, dtype, Device.Cpu);

    public static NDArray Full(ReadOnlySpan<int> shape, double value, DType dtype, Device device)
    {
        var result = Empty(shape, dtype, device);
        result.Fill(value);
        return result;
    }

    public static NDArray Scalar(double value, DType dtype = DType.Float32) => Full([], value, dtype);

    /// <summary>Zeros of a's shape and dtype, on a's device.</summary>
    public static NDArray ZerosLike(NDArray a) => Zeros(a.Shape, a.DType, a.Device);

    /// <summary>Ones of a's shape and dtype, on a's device.</summary>
    public static NDArray OnesLike(NDArray a) => Ones(a.Shape, a.DType, a.Device);

    /// <summary>Values start, start+step, ... strictly below end (above end for a negative step).</summary>
    public static NDArray Arange(double start, double end, double step = 1, DType dtype = DType.Float32)
    {
        if (step == 0 || !double.IsFinite(step)) throw EngineException.ForOp("arange", $"step must be finite and non-zero, got {step}");
        if (!double.IsFinite(start) || !double.IsFinite(end)) throw EngineException.ForOp("arange", $"bounds must be finite, got {start} and {end}");
        double count = Math.Ceiling((end - start) / step);
        if (count > int.MaxValue) throw EngineException.ForOp("arange", $"{count} elements is too many");
        int n = Math.Max(0, (int)count);
        var result = Empty([n], dtype);
        for (int i = 0; i < n; i++) result.Storage.SetFromDouble(i, start + i * step);
        return result;
    }

    public static NDArray Arange(int end, DType dtype = DType.Float32) => Arange(0, end, 1, dtype);

    /// <summary>count evenly spaced values from start to end, both included.</summary>
    public static NDArray Linspace(double start, double end, int count, DType dtype = DType.Float32)
    {
        if (count < 0) throw EngineException.ForOp("linspace", $"count must be non-negative, got {count}");
        var result = Empty([count], dtype);
        double step = count > 1 ? (end - start) / (count - 1) : 0;
        for (int i = 0; i < count; i++) result.Storage.SetFromDouble(i, i == count - 1 && count > 1 ? end : start + i * step);
        return result;
    }

    public static NDArray Eye(int n, int? m = null, DType dtype = DType.Float32)
    {
        int cols = m ?? n;
        var result = Zeros([n, cols], dtype);
        for (int i = 0; i < Math.Min(n, cols); i++) result.Storage.SetFromDouble(i * cols + i, 1);
        return result;
    }

    /// <summary>Wraps data (no copy) as an array of the given shape; no shape means 1-D.</summary>
    public static NDArray FromArray<T>(T[] data, params int[] shape) where T : unmanaged
    {
        int[] s = shape.Length == 0 ? [data.Length] : shape;
        ShapeMath.Validate("from-array", s);
        if (ShapeMath.NumElements(s) != data.Length)
            throw EngineException.ForOp("from-array", $"{data.Length} values do not fill shape {ShapeMath.Format(s)}");
        return new NDArray(Storage.Wrap(data), (int[])s.Clone(), ShapeMath.ContiguousStrides(s), 0);
    }

    /// <summary>Builds a 2-D array from rows (copied).</summary>
    public static NDArray FromRows(double[][] rows, DType dtype = DType.Float32)
    {
        int cols = rows.Length == 0 ? 0 : rows[0].Length;
        var result = Empty([rows.Length, cols], dtype);
        for (int i = 0; i < rows.Length; i++)
        {
            if (rows[i].Length != cols) throw EngineException.ForOp("from-rows", $"row {i} has {rows[i].Length} values, row 0 has {cols}");
            for (int j = 0; j < cols; j++) result.Storage.SetFromDouble(i * cols + j, rows[i][j]);
        }
        return result;
    }

    public void Fill(double value)
    {
        if (Device.Kind == DeviceKind.Gpu)
        {
            Gpu.GpuBackend.For(Device).Fill(this, value);
            return;
        }
        switch (DType)
        {
            case DType.Float32: FillTyped((float)value); break;
            case DType.Float64: FillTyped(value); break;
            default: FillTyped((long)value); break;
        }
    }

    private void FillTyped<T>(T value) where T : unmanaged
    {
        if (IsContiguous)
        {
            Span<T>().Fill(value);
            return;
        }
        var data = Storage.Array<T>();
        for (int i = 0; i < Size; i++) data[Offset + LinearToOffset(i)] = value;
    }
}
