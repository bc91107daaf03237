// im2col and its adjoint col2im for 2-D convolutions (the lowering of Chellapilla et al. 2006; layouts as
// PyTorch's unfold/fold), as typed loops over one (sample, channel) plane at a time:
//   unfold: cols[n, c, i·KW + j, oh, ow] = x[n, c, oh·stride + i·dilation, ow·stride + j·dilation]
//   fold:   x[n, c, h, w] = Σ of the cols entries that unfold reads from (h, w)
// on an already padded x [N, C, H, W]. They replace a stack of KH·KW strided slices (forward) and as many
// full-size zero-padded embeds summed together (backward). Fold adds the taps of a plane in a fixed order
// and planes are independent, so both are bit-identical for any thread count.
using System.Numerics;
using System.Numerics.Tensors;

namespace Engine.Tensors;

/// <summary>The geometry of a 2-D unfold: kernel size, stride, dilation and the output grid.</summary>
public readonly record struct UnfoldGeometry(int KernelHeight, int KernelWidth, int Stride, int Dilation, int OutHeight, int OutWidth)
{
    public int Taps => KernelHeight * KernelWidth;
    public int Positions => OutHeight * OutWidth;
}

public static class UnfoldKernels
{
    public static NDArray Unfold(NDArray x, UnfoldGeometry g)
    {
        var src = x.Contiguous();
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var result = NDArray.Empty([n, c, g.Taps, g.OutHeight, g.OutWidth], x.DType);
        if (result.Size == 0) return result;
        if (x.DType == DType.Float32) Run<float>(src, result, n * c, h * w, g, fold: false);
        else Run<double>(src, result, n * c, h * w, g, fold: false);
        return result;
    }

    public static NDArray Fold(NDArray cols, int height, int width, UnfoldGeometry g)
    {
        var src = cols.Contiguous();
        int n = cols.Shape[0], c = cols.Shape[1];
        var result = NDArray.Zeros([n, c, height, width], cols.DType);
        if (result.Size == 0) return result;
        if (cols.DType == DType.Float32) Run<float>(result, src, n * c, height * width, g, fold: true);
        else Run<double>(result, src, n * c, height * width, g, fold: true);
        return result;
    }

    /// <summary>Moves values between the image planes and the column planes: image → columns (unfold) or
    /// columns added into the image (fold). image is [planes, H, W] and columns [planes, taps, OH, OW].</summary>
    private static void Run<T>(NDArray image, NDArray columns, int planes, int planeSize, UnfoldGeometry g, bool fold)
        where T : unmanaged, INumber<T>
    {
        int width = planeSize / image.Shape[2];
        int columnPlane = g.Taps * g.Positions;
        Parallelism.For(planes, columnPlane, p =>
        {
            var img = image.Span<T>().Slice(p * planeSize, planeSize);
            var col = columns.Span<T>().Slice(p * columnPlane, columnPlane);
            for (int i = 0; i < g.KernelHeight; i++)
                for (int j = 0; j < g.KernelWidth; j++)
                {
                    int tap = i * g.KernelWidth + j;
                    for (int oh = 0; oh < g.OutHeight; oh++)
                    {
                        var imageRow = img.Slice((oh * g.Stride + i * g.Dilation) * width + j * g.Dilation);
                        var columnRow = col.Slice((tap * g.OutHeight + oh) * g.OutWidth, g.OutWidth);
                        if (g.Stride == 1)
                        {
                            var run = imageRow[..g.OutWidth];
                            if (fold) TensorPrimitives.Add(run, columnRow, run);
                            else run.CopyTo(columnRow);
                        }
                        else if (fold)
                            for (int ow = 0; ow < g.OutWidth; ow++) imageRow[ow * g.Stride] += columnRow[ow];
                        else
                            for (int ow = 0; ow < g.OutWidth; ow++) columnRow[ow] = imageRow[ow * g.Stride];
                    }
                }
        });
    }
}
