// The caching device allocator. Device allocations (cudaMalloc) are slow and synchronise the device, so
// released blocks are kept in buckets by rounded size and handed out again; a training step that asks
// for the same sizes every step stops allocating after the first one. Blocks come back deterministically
// through BufferScope or Storage.Free, and late through the finalizer of a block nobody freed.
// When the device is full, the cache is emptied and the request retried once; if it still does not fit,
// the error names the request, what is in use and what the limit is.
using System.Collections.Concurrent;
using ILGPU;
using ILGPU.Runtime;

namespace Engine.Tensors.Gpu;

public sealed class GpuAllocator
{
    private const long Granularity = 512;

    private readonly GpuDevice _device;
    private readonly Dictionary<long, Stack<MemoryBuffer1D<byte, Stride1D.Dense>>> _cache = [];
    private readonly ConcurrentQueue<(MemoryBuffer1D<byte, Stride1D.Dense> Buffer, long Bytes)> _finalized = new();
    private readonly Lock _gate = new();

    // Every buffer handed out stays referenced here until it comes back, so the garbage collector never
    // finalizes (and frees) a buffer behind the allocator's back when its block is finalized.
    private readonly HashSet<MemoryBuffer1D<byte, Stride1D.Dense>> _live = new(ReferenceEqualityComparer.Instance);

    internal GpuAllocator(GpuDevice device) => _device = device;

    /// <summary>Bytes held by live blocks (storages that have not been released).</summary>
    public long BytesInUse { get; private set; }

    /// <summary>Bytes of released blocks kept for reuse.</summary>
    public long BytesCached { get; private set; }

    /// <summary>Device allocations made so far (a steady-state training step makes none).</summary>
    public long DeviceAllocations { get; private set; }

    /// <summary>A cap on BytesInUse + BytesCached below the device's own memory (null: the device's size).</summary>
    public long? LimitBytes { get; set; }

    internal GpuBlock Allocate(DType dtype, int length)
    {
        long requested = (long)length * dtype.SizeInBytes();
        long bytes = Math.Max(Granularity, (requested + Granularity - 1) / Granularity * Granularity);
        lock (_gate)
        {
            DrainFinalized();
            MemoryBuffer1D<byte, Stride1D.Dense> buffer;
            if (_cache.TryGetValue(bytes, out var bucket) && bucket.Count > 0)
            {
                buffer = bucket.Pop();
                BytesCached -= bytes;
            }
            else buffer = AllocateOnDevice(bytes, length, dtype);
            BytesInUse += bytes;
            _live.Add(buffer);
            if (requested > 0) buffer.View.SubView(0, requested).MemSetToZero();
            return new GpuBlock(_device, buffer, bytes);
        }
    }

    private MemoryBuffer1D<byte, Stride1D.Dense> AllocateOnDevice(long bytes, int length, DType dtype)
    {
        long limit = LimitBytes ?? _device.Accelerator.MemorySize;
        if (BytesInUse + BytesCached + bytes > limit) EmptyCache();
        if (BytesInUse + bytes > limit) throw OutOfMemory(bytes, length, dtype, null);
        try
        {
            DeviceAllocations++;
            return _device.Accelerator.Allocate1D<byte>(bytes);
        }
        catch (Exception first) when (first is AcceleratorException or OutOfMemoryException or InvalidOperationException)
        {
            EmptyCache();
            try
            {
                return _device.Accelerator.Allocate1D<byte>(bytes);
            }
            catch (Exception second) when (second is AcceleratorException or OutOfMemoryException or InvalidOperationException)
            {
                throw OutOfMemory(bytes, length, dtype, second);
            }
        }
    }

    private EngineException OutOfMemory(long bytes, int length, DType dtype, Exception? cause) => new(
        $"gpu: out of memory on {_device.Name}: a request for {Mib(bytes)} ({length} {dtype.Name()} elements) does not fit; " +
        $"{Mib(BytesInUse)} in use, limit {Mib(LimitBytes ?? _device.Accelerator.MemorySize)}" +
        (cause is null ? "" : $" ({cause.Message})") +
        "; free arrays you no longer need (BufferScope, Storage.Free) or use a smaller batch");

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024.0):0.###} MiB";

    internal void Return(MemoryBuffer1D<byte, Stride1D.Dense> buffer, long bytes)
    {
        lock (_gate)
        {
            BytesInUse -= bytes;
            _live.Remove(buffer);
            if (!_cache.TryGetValue(bytes, out var bucket)) _cache[bytes] = bucket = new();
            bucket.Push(buffer);
            BytesCached += bytes;
        }
    }

    /// <summary>Called on the finalizer thread: only queues the buffer; the next allocation takes it back.</summary>
    internal void ReturnFromFinalizer(MemoryBuffer1D<byte, Stride1D.Dense> buffer, long bytes) => _finalized.Enqueue((buffer, bytes));

    private void DrainFinalized()
    {
        while (_finalized.TryDequeue(out var item))
        {
            BytesInUse -= item.Bytes;
            _live.Remove(item.Buffer);
            if (!_cache.TryGetValue(item.Bytes, out var bucket)) _cache[item.Bytes] = bucket = new();
            bucket.Push(item.Buffer);
            BytesCached += item.Bytes;
        }
    }

    /// <summary>Gives every cached block back to the device.</summary>
    public void EmptyCache()
    {
        lock (_gate)
        {
            DrainFinalized();
            foreach (var bucket in _cache.Values)
                while (bucket.Count > 0) bucket.Pop().Dispose();
            _cache.Clear();
            BytesCached = 0;
        }
    }
}
