// The arrays BufferScope recycles, in buckets by dtype and exact length: a training step asks for the same
// sizes every time, so exact buckets reuse every array without over-allocating. Returned arrays are
// cleared when rented again, because NDArray.Zeros relies on fresh storage being zero.
namespace Engine.Tensors;

public static class BufferPool
{
    private static readonly Dictionary<(DType, int), Stack<Array>> Buckets = [];
    private static readonly Lock Gate = new();
    private static long _retainedBytes;

    /// <summary>The pool stops keeping returned arrays beyond this many bytes (they are left to the GC).</summary>
    public static long MaxRetainedBytes { get; set; } = 1L << 30;

    /// <summary>Bytes held by the pool, waiting to be rented again.</summary>
    public static long RetainedBytes
    {
        get
        {
            lock (Gate) return _retainedBytes;
        }
    }

    internal static Array Rent(DType dtype, int length)
    {
        Array? array = null;
        lock (Gate)
        {
            if (Buckets.TryGetValue((dtype, length), out var bucket) && bucket.Count > 0)
            {
                array = bucket.Pop();
                _retainedBytes -= (long)length * dtype.SizeInBytes();
            }
        }
        if (array is null) return NewArray(dtype, length);
        Array.Clear(array);
        return array;
    }

    internal static void Return(Array array)
    {
        var dtype = array switch
        {
            float[] => DType.Float32,
            double[] => DType.Float64,
            _ => DType.Int64,
        };
        long bytes = (long)array.Length * dtype.SizeInBytes();
        lock (Gate)
        {
            if (_retainedBytes + bytes > MaxRetainedBytes) return;
            if (!Buckets.TryGetValue((dtype, array.Length), out var bucket))
                Buckets[(dtype, array.Length)] = bucket = new Stack<Array>();
            bucket.Push(array);
            _retainedBytes += bytes;
        }
    }

    /// <summary>Drops every retained array (for example after training, to give the memory back).</summary>
    public static void Clear()
    {
        lock (Gate)
        {
            Buckets.Clear();
            _retainedBytes = 0;
        }
    }

    internal static Array NewArray(DType dtype, int length) => dtype switch
    {
        DType.Float32 => new float[length],
        DType.Float64 => new double[length],
        DType.Int64 => new long[length],
        _ => throw new EngineException($"storage: unknown dtype {dtype}"),
    };
}
