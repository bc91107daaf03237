// The GPU backend's convolution primitives as ILGPU kernels: im2col/col2im (Kernels/Im2ColKernels.cs),
// which read their input through its strides, and Griffin's causal depthwise conv forward and backward
// (Kernels/TemporalConvKernels.cs), which reads dense copies of its operands (the small weights and, for
// a view, u and g). The composites of DeviceComposites stay as the tests' independent oracle.
using Engine.Tensors.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Engine.Tensors.Gpu;

public sealed partial class GpuBackend
{
    /// <summary>im2col of the padded image x [N, C, H, W]: [N, C, KH·KW, OH, OW].</summary>
    public NDArray Unfold(NDArray x, UnfoldGeometry g)
    {
        var cols = New([x.Shape[0], x.Shape[1], g.Taps, g.OutHeight, g.OutWidth], x.DType);
        if (cols.Size == 0) return cols;
        var s = ShapeOf(g, x.Shape[1], x.Shape[2], x.Shape[3], x.Offset, x.Strides[0], x.Strides[1], x.Strides[2], x.Strides[3]);
        if (x.DType == DType.Float32) K.Unfold<float>()(cols.Size, V<float>(x), V<float>(cols), s);
        else K.Unfold<double>()(cols.Size, V<double>(x), V<double>(cols), s);
        return cols;
    }

    /// <summary>col2im, the adjoint of Unfold: cols [N, C, KH·KW, OH, OW] summed into [N, C, height, width].</summary>
    public NDArray Fold(NDArray cols, int height, int width, UnfoldGeometry g)
    {
        var image = New([cols.Shape[0], cols.Shape[1], height, width], cols.DType);
        if (image.Size == 0) return image;
        var s = ShapeOf(g, cols.Shape[1], height, width, cols.Offset, cols.Strides[0], cols.Strides[1], cols.Strides[3], cols.Strides[4]);
        s.TapStride = cols.Strides[2];
        if (cols.DType == DType.Float32) K.Fold<float, F32>()(image.Size, V<float>(cols), V<float>(image), s);
        else K.Fold<double, F64>()(image.Size, V<double>(cols), V<double>(image), s);
        return image;
    }

    private static Im2ColShape ShapeOf(UnfoldGeometry g, int channels, int height, int width, int offset,
        int sampleStride, int channelStride, int rowStride, int columnStride) => new()
    {
        Channels = channels, Height = height, Width = width,
        KernelHeight = g.KernelHeight, KernelWidth = g.KernelWidth, Stride = g.Stride, Dilation = g.Dilation,
        OutHeight = g.OutHeight, OutWidth = g.OutWidth,
        Offset = offset, SampleStride = sampleStride, ChannelStride = channelStride, RowStride = rowStride, ColumnStride = columnStride,
    };

    /// <summary>Causal depthwise conv of u [B, T, E] with taps w [K, E], bias [E] and reach [B, T] (int64;
    /// a host array is copied to the device).</summary>
    public NDArray CausalConvForward(NDArray u, NDArray w, NDArray bias, NDArray reach)
    {
        var y = New(u.Shape, u.DType);
        if (y.Size == 0) return y;
        var (uc, wc, bc, rc) = (u.Contiguous(), OnDevice(w).Contiguous(), OnDevice(bias).Contiguous(), OnDevice(reach).Contiguous());
        var s = ConvShapeOf(u, w);
        if (u.DType == DType.Float32)
            K.ConvForward<float, F32>()(y.Size, Dense<float>(uc), Dense<float>(wc), Dense<float>(bc), Dense<long>(rc), V<float>(y), s);
        else
            K.ConvForward<double, F64>()(y.Size, Dense<double>(uc), Dense<double>(wc), Dense<double>(bc), Dense<long>(rc), V<double>(y), s);
        return y;
    }

    /// <summary>[du, dw, dbias] of CausalConvForward for the output gradient grad; dw and dbias are
    /// deterministic sums over fixed chunks of rows.</summary>
    public NDArray[] CausalConvBackward(NDArray u, NDArray w, NDArray reach, NDArray grad)
    {
        var du = New(u.Shape, u.DType);
        var dw = NDArray.Zeros(w.Shape, u.DType, _device.Device);
        var dbias = NDArray.Zeros([u.Shape[2]], u.DType, _device.Device);
        if (du.Size == 0) return [du, dw, dbias];
        var (uc, wc, rc, gc) = (u.Contiguous(), OnDevice(w).Contiguous(), OnDevice(reach).Contiguous(), OnDevice(grad).Contiguous());
        var s = ConvShapeOf(u, w);
        int chunks = (s.Rows + TemporalConvKernels.RowsPerChunk - 1) / TemporalConvKernels.RowsPerChunk;
        int width = (s.Taps + 1) * s.Channels;
        var partials = New([chunks, width], u.DType);
        if (u.DType == DType.Float32)
        {
            K.ConvInputGradient<float, F32>()(du.Size, Dense<float>(gc), Dense<float>(wc), Dense<long>(rc), V<float>(du), s);
            K.ConvTapPartials<float, F32>()(chunks * width, Dense<float>(uc), Dense<float>(gc), Dense<long>(rc), V<float>(partials), s);
            K.ConvTapTotals<float, F32>()(width, V<float>(partials), V<float>(dw), V<float>(dbias), s, chunks);
        }
        else
        {
            K.ConvInputGradient<double, F64>()(du.Size, Dense<double>(gc), Dense<double>(wc), Dense<long>(rc), V<double>(du), s);
            K.ConvTapPartials<double, F64>()(chunks * width, Dense<double>(uc), Dense<double>(gc), Dense<long>(rc), V<double>(partials), s);
            K.ConvTapTotals<double, F64>()(width, V<double>(partials), V<double>(dw), V<double>(dbias), s, chunks);
        }
        ReleaseScratch(partials);
        return [du, dw, dbias];
    }

    private static ConvShape ConvShapeOf(NDArray u, NDArray w) => new()
    {
        Time = u.Shape[1], Channels = u.Shape[2], Taps = w.Shape[0], Rows = u.Shape[0] * u.Shape[1],
    };
}
