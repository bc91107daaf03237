// A block of device memory handed out by GpuAllocator and owned by one Storage. Free() gives it back
// at once (BufferScope does this when a scope ends); a block that is never freed goes back when the
// garbage collector finalizes it, so device memory is never lost, only returned late.
using ILGPU;
using ILGPU.Runtime;

namespace Engine.Tensors.Gpu;

public sealed class GpuBlock
{
    private MemoryBuffer1D<byte, Stride1D.Dense>? _buffer;

    internal GpuDevice Owner { get; }

    /// <summary>Bytes reserved for this block (the request rounded up to the allocator's granularity).</summary>
    internal long Bytes { get; }

    internal GpuBlock(GpuDevice owner, MemoryBuffer1D<byte, Stride1D.Dense> buffer, long bytes)
    {
        Owner = owner;
        _buffer = buffer;
        Bytes = bytes;
    }

    ~GpuBlock()
    {
        if (_buffer is not null) Owner.Allocator.ReturnFromFinalizer(_buffer, Bytes);
    }

    internal MemoryBuffer1D<byte, Stride1D.Dense> Buffer =>
        _buffer ?? throw new EngineException("storage: this device block was freed and its memory recycled");

    /// <summary>The block as elements of T.</summary>
    internal ArrayView<T> View<T>() where T : unmanaged => Buffer.View.AsContiguous().Cast<T>();

    internal void Free()
    {
        var buffer = Buffer;
        _buffer = null;
        GC.SuppressFinalize(this);
        Owner.Allocator.Return(buffer, Bytes);
    }

    internal double ReadAsDouble(DType dtype, int index)
    {
        switch (dtype)
        {
            case DType.Float32:
                var f = new float[1];
                View<float>().SubView(index, 1).CopyToCPU(f);
                return f[0];
            case DType.Float64:
                var d = new double[1];
                View<double>().SubView(index, 1).CopyToCPU(d);
                return d[0];
            default:
                var l = new long[1];
                View<long>().SubView(index, 1).CopyToCPU(l);
                return l[0];
        }
    }

    internal void WriteFromDouble(DType dtype, int index, double value)
    {
        switch (dtype)
        {
            case DType.Float32: View<float>().SubView(index, 1).CopyFromCPU([(float)value]); break;
            case DType.Float64: View<double>().SubView(index, 1).CopyFromCPU([value]); break;
            default: View<long>().SubView(index, 1).CopyFromCPU([(long)value]); break;
        }
    }
}
