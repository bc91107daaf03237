// The fused kernels of one device (norms, GeLU, im2col/col2im, causal conv), compiled on first use and cached per
// element type like the rest of GpuKernels.
using Engine.Tensors.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Engine.Tensors.Gpu;

internal sealed partial class GpuKernels
{
    public Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, Strided, NormParams> NormForward<T, M>()
        where T : unmanaged where M : struct, INum<T> =>
        Get<Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, Strided, NormParams>, M>("norm",
            a => a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, Strided, NormParams>(NormKernels.Forward<T, M>));

    public Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, Strided, Strided, NormParams> NormBackwardRows<T, M>()
        where T : unmanaged where M : struct, INum<T> =>
        Get<Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, Strided, Strided, NormParams>, M>("norm_rows",
            a => a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, Strided, Strided, NormParams>(NormKernels.BackwardRows<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, Strided, Strided, NormParams, int> NormColumnPartials<T, M>()
        where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, Strided, Strided, NormParams, int>, M>("norm_partials",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, Strided, Strided, NormParams, int>(NormKernels.ColumnPartials<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int> NormColumnTotals<T, M>()
        where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int>, M>("norm_totals",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int>(NormKernels.ColumnTotals<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, Strided, GeluParams> GeluForward<T, M>() where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, Strided, GeluParams>, M>("gelu",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, Strided, GeluParams>(GeluKernels.Forward<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, Strided, Strided, GeluParams> GeluBackward<T, M>() where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, Strided, Strided, GeluParams>, M>("gelu_backward",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, Strided, Strided, GeluParams>(GeluKernels.Backward<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, Im2ColShape> Unfold<T>() where T : unmanaged =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, Im2ColShape>, T>("unfold",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, Im2ColShape>(Im2ColKernels.Unfold));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, Im2ColShape> Fold<T, M>() where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, Im2ColShape>, M>("fold",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, Im2ColShape>(Im2ColKernels.Fold<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<long>, ArrayView<T>, ConvShape> ConvForward<T, M>()
        where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<long>, ArrayView<T>, ConvShape>, M>("conv",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<long>, ArrayView<T>, ConvShape>(TemporalConvKernels.Forward<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<long>, ArrayView<T>, ConvShape> ConvInputGradient<T, M>()
        where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<long>, ArrayView<T>, ConvShape>, M>("conv_du",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<long>, ArrayView<T>, ConvShape>(TemporalConvKernels.InputGradient<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<long>, ArrayView<T>, ConvShape> ConvTapPartials<T, M>()
        where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<long>, ArrayView<T>, ConvShape>, M>("conv_partials",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<long>, ArrayView<T>, ConvShape>(TemporalConvKernels.TapPartials<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvShape, int> ConvTapTotals<T, M>()
        where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvShape, int>, M>("conv_totals",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvShape, int>(TemporalConvKernels.TapTotals<T, M>));
}
