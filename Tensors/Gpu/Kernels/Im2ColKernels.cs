// im2col and its adjoint col2im for 2-D convolutions (the lowering of Chellapilla et al. 2006; layouts as
// PyTorch's unfold/fold, formulas of Tensors/Kernels/UnfoldKernels.cs) on an already padded image:
//   unfold: cols[n, c, i·KW + j, oh, ow] = x[n, c, oh·stride + i·dilation, ow·stride + j·dilation]
//   fold:   x[n, c, h, w] = Σ of the cols entries that unfold reads from (h, w)
// Unfold is one thread per column element. Fold is a gather, one thread per image element: it finds the
// (tap, oh, ow) that read its pixel and adds them in tap order, the order in which the CPU kernel adds
// whole taps, so the sum needs no atomics and is bit-identical to the CPU's. Both read their input
// through its strides, so views reach them without a copy.
using ILGPU;

namespace Engine.Tensors.Gpu.Kernels;

/// <summary>The geometry of an unfold launch and the strides of the strided operand (the image for
/// unfold; the columns for fold, whose tap and out-row strides are TapStride and RowStride).</summary>
public struct Im2ColShape
{
    public int Channels, Height, Width;
    public int KernelHeight, KernelWidth, Stride, Dilation, OutHeight, OutWidth;
    public int Offset, SampleStride, ChannelStride, TapStride, RowStride, ColumnStride;
}

public static class Im2ColKernels
{
    /// <summary>cols (dense [N, C, taps, OH, OW]) element i from the image x.</summary>
    public static void Unfold<T>(Index1D i, ArrayView<T> x, ArrayView<T> cols, Im2ColShape s) where T : unmanaged
    {
        int ow = i % s.OutWidth, rest = i / s.OutWidth;
        int oh = rest % s.OutHeight;
        rest /= s.OutHeight;
        int tap = rest % (s.KernelHeight * s.KernelWidth);
        rest /= s.KernelHeight * s.KernelWidth;
        int c = rest % s.Channels, n = rest / s.Channels;
        int h = oh * s.Stride + tap / s.KernelWidth * s.Dilation, w = ow * s.Stride + tap % s.KernelWidth * s.Dilation;
        cols[i] = x[s.Offset + n * s.SampleStride + c * s.ChannelStride + h * s.RowStride + w * s.ColumnStride];
    }

    /// <summary>image (dense [N, C, H, W]) element i: the sum, in tap order, of the column entries that
    /// unfold reads from it.</summary>
    public static void Fold<T, M>(Index1D i, ArrayView<T> cols, ArrayView<T> image, Im2ColShape s)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        int w = i % s.Width, rest = i / s.Width;
        int h = rest % s.Height;
        rest /= s.Height;
        int c = rest % s.Channels, n = rest / s.Channels;
        int plane = s.Offset + n * s.SampleStride + c * s.ChannelStride;
        T sum = m.Zero;
        for (int ki = 0; ki < s.KernelHeight; ki++)
        {
            int dh = h - ki * s.Dilation;
            if (dh < 0 || dh % s.Stride != 0 || dh / s.Stride >= s.OutHeight) continue;
            int oh = dh / s.Stride;
            for (int kj = 0; kj < s.KernelWidth; kj++)
            {
                int dw = w - kj * s.Dilation;
                if (dw < 0 || dw % s.Stride != 0 || dw / s.Stride >= s.OutWidth) continue;
                int tap = ki * s.KernelWidth + kj;
                sum = m.Add(sum, cols[plane + tap * s.TapStride + oh * s.RowStride + dw / s.Stride * s.ColumnStride]);
            }
        }
        image[i] = sum;
    }
}
