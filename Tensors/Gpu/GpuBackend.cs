// The GPU backend: the IBackend contract as ILGPU kernels on one device (Tensors/Gpu/Kernels). Results
// are allocated on the device through its caching allocator. A zero-dimensional CPU array may stand in
// for an operand (a scalar such as the 2 in x * 2): it is uploaded as a one-element array.
using Engine.Tensors.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Engine.Tensors.Gpu;

public sealed partial class GpuBackend : IBackend
{
    private readonly GpuDevice _device;

    internal GpuBackend(GpuDevice device) => _device = device;

    public string Name => _device.Name;

    private GpuKernels K => _device.Kernels;

    /// <summary>The backend of a GPU device.</summary>
    public static GpuBackend For(Device device) => GpuDevice.Get(device).Backend;

    private NDArray OnDevice(NDArray x) => x.Device == _device.Device ? x : x.To(_device.Device);

    private NDArray New(ReadOnlySpan<int> shape, DType dtype) => NDArray.Empty(shape, dtype, _device.Device);

    internal static ArrayView<T> V<T>(NDArray x) where T : unmanaged => x.Storage.Block.View<T>();

    public NDArray Unary(UnaryOp op, NDArray x)
    {
        var y = New(x.Shape, x.DType);
        if (y.Size == 0) return y;
        var l = Layouts.Merged(x.Shape, x)[0];
        if (x.DType == DType.Float32) K.Unary<float, F32>()(y.Size, V<float>(x), V<float>(y), (int)op, l);
        else K.Unary<double, F64>()(y.Size, V<double>(x), V<double>(y), (int)op, l);
        return y;
    }

    public NDArray Binary(BinaryOp op, NDArray a, NDArray b, int[] outShape)
    {
        a = OnDevice(a);
        b = OnDevice(b);
        var y = New(outShape, a.DType);
        if (y.Size == 0) return y;
        var l = Layouts.Merged(outShape, a, b);
        switch (a.DType)
        {
            case DType.Float32: K.Binary<float, F32>()(y.Size, V<float>(a), V<float>(b), V<float>(y), (int)op, l[0], l[1]); break;
            case DType.Float64: K.Binary<double, F64>()(y.Size, V<double>(a), V<double>(b), V<double>(y), (int)op, l[0], l[1]); break;
            default: K.Binary<long, I64>()(y.Size, V<long>(a), V<long>(b), V<long>(y), (int)op, l[0], l[1]); break;
        }
        return y;
    }

    public NDArray Where(NDArray cond, NDArray a, NDArray b, int[] outShape)
    {
        cond = OnDevice(cond);
        a = OnDevice(a);
        b = OnDevice(b);
        var y = New(outShape, a.DType);
        if (y.Size == 0) return y;
        var l = Layouts.Merged(outShape, cond, a, b);
        switch (a.DType)
        {
            case DType.Float32: K.Where<float, F32>()(y.Size, V<float>(cond), V<float>(a), V<float>(b), V<float>(y), l[0], l[1], l[2]); break;
            case DType.Float64: K.Where<double, F64>()(y.Size, V<double>(cond), V<double>(a), V<double>(b), V<double>(y), l[0], l[1], l[2]); break;
            default: K.Where<long, I64>()(y.Size, V<long>(cond), V<long>(a), V<long>(b), V<long>(y), l[0], l[1], l[2]); break;
        }
        return y;
    }

    public NDArray Reduce(ReduceOp op, NDArray x, int[] axes)
    {
        var y = New(ShapeMath.ReducedShape(x.Shape, axes, keepDim: true), x.DType);
        if (y.Size == 0) return y;
        var kept = Enumerable.Range(0, x.Rank).Where(d => !axes.Contains(d)).ToArray();
        var outer = Layouts.Axes(x, kept, withOffset: true);
        var inner = Layouts.Axes(x, axes, withOffset: false);
        int innerSize = 1;
        foreach (int a in axes) innerSize *= x.Shape[a];
        var config = new KernelConfig(y.Size, GroupSize(ReduceKernels.GroupSize));
        switch (x.DType)
        {
            case DType.Float32: K.Reduce<float, F32>()(config, V<float>(x), V<float>(y), (int)op, outer, inner, innerSize); break;
            case DType.Float64: K.Reduce<double, F64>()(config, V<double>(x), V<double>(y), (int)op, outer, inner, innerSize); break;
            default: K.Reduce<long, I64>()(config, V<long>(x), V<long>(y), (int)op, outer, inner, innerSize); break;
        }
        return y;
    }

    public NDArray ArgReduce(ReduceOp op, NDArray x, int axis)
    {
        var shape = x.ShapeCopy();
        shape[axis] = 1;
        var y = New(shape, DType.Int64);
        if (y.Size == 0) return y;
        var outer = Layouts.Axes(x, AllBut(x.Rank, axis), withOffset: true);
        int length = x.Shape[axis], stride = x.Strides[axis];
        switch (x.DType)
        {
            case DType.Float32: K.ArgReduce<float, F32>()(y.Size, V<float>(x), V<long>(y), (int)op, outer, length, stride); break;
            case DType.Float64: K.ArgReduce<double, F64>()(y.Size, V<double>(x), V<long>(y), (int)op, outer, length, stride); break;
            default: K.ArgReduce<long, I64>()(y.Size, V<long>(x), V<long>(y), (int)op, outer, length, stride); break;
        }
        return y;
    }

    public NDArray CumSum(NDArray x, int axis)
    {
        var y = New(x.Shape, x.DType);
        if (y.Size == 0) return y;
        var lines = LineShape(x.Shape, axis);
        var l = Layouts.Merged(lines, LinesOf(x, lines), LinesOf(y, lines));
        int n = ShapeMath.NumElements(lines), length = x.Shape[axis];
        switch (x.DType)
        {
            case DType.Float32: K.CumSum<float, F32>()(n, V<float>(x), V<float>(y), l[0], l[1], length, x.Strides[axis], y.Strides[axis]); break;
            case DType.Float64: K.CumSum<double, F64>()(n, V<double>(x), V<double>(y), l[0], l[1], length, x.Strides[axis], y.Strides[axis]); break;
            default: K.CumSum<long, I64>()(n, V<long>(x), V<long>(y), l[0], l[1], length, x.Strides[axis], y.Strides[axis]); break;
        }
        return y;
    }

    public NDArray SoftmaxLastAxis(NDArray x, bool log)
    {
        var y = New(x.Shape, x.DType);
        if (y.Size == 0) return y;
        int n = x.Shape[^1];
        var rows = Layouts.Axes(x, AllBut(x.Rank, x.Rank - 1), withOffset: true);
        var config = new KernelConfig(y.Size / n, GroupSize(SoftmaxKernels.GroupSize));
        if (x.DType == DType.Float32) K.Softmax<float, F32>()(config, V<float>(x), V<float>(y), rows, n, x.Strides[^1], log ? 1 : 0);
        else K.Softmax<double, F64>()(config, V<double>(x), V<double>(y), rows, n, x.Strides[^1], log ? 1 : 0);
        return y;
    }

    public void Copy(NDArray src, NDArray dst)
    {
        src = OnDevice(src);
        if (dst.Size == 0) return;
        var l = Layouts.Merged(dst.Shape, src, dst);
        switch (dst.DType)
        {
            case DType.Float32: K.Copy<float>()(dst.Size, V<float>(src), V<float>(dst), l[0], l[1]); break;
            case DType.Float64: K.Copy<double>()(dst.Size, V<double>(src), V<double>(dst), l[0], l[1]); break;
            default: K.Copy<long>()(dst.Size, V<long>(src), V<long>(dst), l[0], l[1]); break;
        }
    }

    /// <summary>Writes value into every element of the (possibly strided) view dst.</summary>
    public void Fill(NDArray dst, double value)
    {
        if (dst.Size == 0) return;
        var l = Layouts.Merged(dst.Shape, dst)[0];
        switch (dst.DType)
        {
            case DType.Float32: K.Fill<float, F32>()(dst.Size, V<float>(dst), value, l); break;
            case DType.Float64: K.Fill<double, F64>()(dst.Size, V<double>(dst), value, l); break;
            default: K.Fill<long, I64>()(dst.Size, V<long>(dst), value, l); break;
        }
    }

    public NDArray Cast(NDArray x, DType dtype)
    {
        var y = New(x.Shape, dtype);
        if (y.Size == 0) return y;
        var l = Layouts.Merged(x.Shape, x)[0];
        int n = y.Size;
        switch (x.DType, dtype)
        {
            case (DType.Float32, DType.Float64): K.Cast<float, F32, double, F64>()(n, V<float>(x), V<double>(y), l); break;
            case (DType.Float32, DType.Int64): K.Cast<float, F32, long, I64>()(n, V<float>(x), V<long>(y), l); break;
            case (DType.Float64, DType.Float32): K.Cast<double, F64, float, F32>()(n, V<double>(x), V<float>(y), l); break;
            case (DType.Float64, DType.Int64): K.Cast<double, F64, long, I64>()(n, V<double>(x), V<long>(y), l); break;
            case (DType.Int64, DType.Float32): K.Cast<long, I64, float, F32>()(n, V<long>(x), V<float>(y), l); break;
            case (DType.Int64, DType.Float64): K.Cast<long, I64, double, F64>()(n, V<long>(x), V<double>(y), l); break;
            default: Copy(x, y); break;
        }
        return y;
    }

    /// <summary>The preferred group size, or the device's largest if that is smaller.</summary>
    private int GroupSize(int preferred) => Math.Min(preferred, _device.Accelerator.MaxNumThreadsPerGroup);

    internal static int[] AllBut(int rank, int axis)
    {
        var axes = new int[rank - 1];
        for (int d = 0, j = 0; d < rank; d++)
            if (d != axis) axes[j++] = d;
        return axes;
    }

    /// <summary>shape with the axis collapsed to 1: one entry per line along the axis.</summary>
    internal static int[] LineShape(ReadOnlySpan<int> shape, int axis)
    {
        var lines = shape.ToArray();
        lines[axis] = 1;
        return lines;
    }

    /// <summary>The view of x's line starts: x's strides over the line shape.</summary>
    internal static NDArray LinesOf(NDArray x, int[] lines) => new(x.Storage, lines, x.StridesArray, x.Offset);
}
