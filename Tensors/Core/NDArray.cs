// NDArray: a strided view over a Storage. Shape, strides (in elements) and an offset say which storage
// elements the view holds. Values only: gradients live one layer up, in Autograd.
namespace Engine.Tensors;

public sealed partial class NDArray
{
    private readonly int[] _shape;
    private readonly int[] _strides;

    public Storage Storage { get; }
    public int Offset { get; }
    public ReadOnlySpan<int> Shape => _shape;
    public ReadOnlySpan<int> Strides => _strides;
    public int Rank => _shape.Length;
    public int Size { get; }
    public DType DType => Storage.DType;
    public Device Device => Storage.Device;

    /// <summary>Builds a view; the caller vouches that every index stays inside the storage.</summary>
    internal NDArray(Storage storage, int[] shape, int[] strides, int offset)
    {
        Storage = storage;
        _shape = shape;
        _strides = strides;
        Offset = offset;
        Size = ShapeMath.NumElements(shape);
    }

    internal int[] ShapeArray => _shape;
    internal int[] StridesArray => _strides;

    public int Dim(int axis) => _shape[ShapeMath.NormalizeAxis("dim", axis, Rank)];

    public int[] ShapeCopy() => (int[])_shape.Clone();

    public string ShapeString => ShapeMath.Format(_shape);

    /// <summary>True when the elements are laid out densely in row-major order.</summary>
    public bool IsContiguous
    {
        get
        {
            if (Size == 0) return true;
            int expected = 1;
            for (int i = Rank - 1; i >= 0; i--)
            {
                if (_shape[i] == 1) continue;
                if (_strides[i] != expected) return false;
                expected *= _shape[i];
            }
            return true;
        }
    }

    /// <summary>The contiguous span of this array's elements. Only valid when IsContiguous.</summary>
    public Span<T> Span<T>() where T : unmanaged
    {
        if (!IsContiguous) throw new EngineException($"span: array of shape {ShapeString} is not contiguous; call Contiguous() first");
        return Storage.Array<T>().AsSpan(Offset, Size);
    }

    public int StorageIndex(ReadOnlySpan<int> index)
    {
        if (index.Length != Rank)
            throw new EngineException($"index: expected {Rank} indices for shape {ShapeString}, got {index.Length}");
        int pos = Offset;
        for (int i = 0; i < Rank; i++)
        {
            int k = index[i] < 0 ? index[i] + _shape[i] : index[i];
            if (k < 0 || k >= _shape[i])
                throw new EngineException($"index: index {index[i]} is out of range for axis {i} of size {_shape[i]} (shape {ShapeString})");
            pos += k * _strides[i];
        }
        return pos;
    }

    /// <summary>Reads or writes one element, converting through double.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public double this[params int[] index]
    {
        get => Storage.GetAsDouble(StorageIndex(index));
        set => Storage.SetFromDouble(StorageIndex(index), value);
    }

    /// <summary>The single value of a one-element array.</summary>
    public double Item()
    {
        if (Size != 1) throw new EngineException($"item: array of shape {ShapeString} has {Size} elements, not 1");
        return Storage.GetAsDouble(Offset + LinearToOffset(0));
    }

    /// <summary>The storage offset (relative to Offset) of the element at row-major position linear.</summary>
    internal int LinearToOffset(int linear)
    {
        int pos = 0;
        for (int i = Rank - 1; i >= 0; i--)
        {
            int d = _shape[i];
            pos += linear % d * _strides[i];
            linear /= d;
        }
        return pos;
    }

    /// <summary>The elements in row-major order, copied to a new .NET array (from the device if need be).</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        if (DTypeInfo.Of<T>() != DType)
            throw new EngineException($"to-array: array holds {DType.Name()}, asked for {typeof(T).Name}; convert with ToDType first");
        return To(Device.Cpu).Contiguous().Span<T>().ToArray();
    }

    /// <summary>The same view (shape, strides, offset) over a copy of the whole storage on device; tests use
    /// it to give kernels non-contiguous layouts on a GPU.</summary>
    public NDArray WithStorageOn(Device device)
    {
        if (device == Device) return this;
        var whole = new NDArray(Storage, [Storage.Length], [1], 0).To(device);
        return new NDArray(whole.Storage, ShapeCopy(), (int[])_strides.Clone(), Offset);
    }

    /// <summary>This array on device: itself when it is already there, otherwise a contiguous copy.</summary>
    public NDArray To(Device device)
    {
        if (device == Device) return this;
        if (device.Kind == DeviceKind.Gpu) Gpu.GpuDevice.Get(device);
        if (Device.Kind == DeviceKind.Cpu)
        {
            var host = Contiguous();
            var onDevice = Empty(_shape, DType, device);
            Gpu.GpuTransfer.Upload(host, onDevice);
            return onDevice;
        }
        var source = Contiguous();
        var result = Empty(_shape, DType);
        Gpu.GpuTransfer.Download(source, result);
        return device.Kind == DeviceKind.Cpu ? result : result.To(device);
    }

    public float[] ToFloatArray() => ToDType(DType.Float32).ToArray<float>();
    public double[] ToDoubleArray() => ToDType(DType.Float64).ToArray<double>();
    public long[] ToLongArray() => ToDType(DType.Int64).ToArray<long>();

    public override string ToString() => NDArrayFormatter.Format(this);
}
