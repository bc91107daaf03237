// 1-D and 2-D convolutions (cross-correlation, as in PyTorch) built by im2col from primitives: pad, the
// unfold2d primitive (one typed pass; its backward is fold2d), then a grouped batched matmul. Gradients
// come from autodiff. A 1-D convolution is the 2-D one on a [N, C, 1, L] image.
// Layouts follow PyTorch: inputs [N, C, L] / [N, C, H, W], weight `w` [C_out, C_in/groups, k...],
// bias `b` [C_out]; init U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = C_in/groups * prod(k).
// Conv1d with causal: true pads dilation*(k-1) on the left only; with groups = channels it is the
// causal depthwise convolution of Griffin's temporal block.
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Nn;

public sealed class Conv1d : Layer
{
    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int Dilation { get; }
    public int Groups { get; }
    public bool Causal { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public Conv1d(int inChannels, int outChannels, int kernelSize, Generator rng, int stride = 1, int padding = 0,
        int dilation = 1, int groups = 1, bool bias = true, bool causal = false, DType dtype = DType.Float32)
    {
        Im2Col.CheckConfig("Conv1d", inChannels, outChannels, [kernelSize], stride, [padding], dilation, groups);
        if (causal && padding != 0) throw new EngineException($"Conv1d: a causal convolution sets its own padding; got padding {padding}");
        (InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, Groups, Causal) =
            (inChannels, outChannels, kernelSize, stride, padding, dilation, groups, causal);
        double bound = 1 / Math.Sqrt(inChannels / groups * kernelSize);
        Weight = RegisterParameter("w", Init.Uniform([outChannels, inChannels / groups, kernelSize], rng, -bound, bound, dtype));
        if (bias) Bias = RegisterParameter("b", Init.Uniform([outChannels], rng, -bound, bound, dtype));
    }

    public override Tensor Forward(Tensor input)
    {
        if (input.Rank != 3 || input.Dim(1) != InChannels)
            throw new EngineException($"Conv1d: expected input [N, {InChannels}, L], got shape {input.ShapeString}");
        int left = Causal ? Dilation * (KernelSize - 1) : Padding, right = Causal ? 0 : Padding;
        var padded = input.Pad([0, 0, 0, 0, left, right]);
        int outLength = Im2Col.OutputSize("Conv1d", padded.Dim(2), KernelSize, Stride, Dilation, input);
        var geometry = new UnfoldGeometry(1, KernelSize, Stride, Dilation, 1, outLength);
        var columns = padded.Unsqueeze(2).Unfold2d(geometry);
        var y = Im2Col.GroupedProduct(columns, Weight, Groups, input.Dim(0), [outLength]);
        return Bias is null ? y : y + Bias.Reshape(1, OutChannels, 1);
    }
}

public sealed class Conv2d : Layer
{
    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelHeight { get; }
    public int KernelWidth { get; }
    public int Stride { get; }
    public int PaddingHeight { get; }
    public int PaddingWidth { get; }
    public int Dilation { get; }
    public int Groups { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    /// <param name="kernelSize">(height, width) of the kernel.</param>
    /// <param name="padding">(height, width) zero padding on both sides.</param>
    public Conv2d(int inChannels, int outChannels, (int Height, int Width) kernelSize, Generator rng, int stride = 1,
        (int Height, int Width) padding = default, int dilation = 1, int groups = 1, bool bias = true, DType dtype = DType.Float32)
    {
        Im2Col.CheckConfig("Conv2d", inChannels, outChannels, [kernelSize.Height, kernelSize.Width], stride, [padding.Height, padding.Width], dilation, groups);
        (InChannels, OutChannels, Stride, Dilation, Groups) = (inChannels, outChannels, stride, dilation, groups);
        (KernelHeight, KernelWidth, PaddingHeight, PaddingWidth) = (kernelSize.Height, kernelSize.Width, padding.Height, padding.Width);
        double bound = 1 / Math.Sqrt(inChannels / groups * KernelHeight * KernelWidth);
        Weight = RegisterParameter("w", Init.Uniform([outChannels, inChannels / groups, KernelHeight, KernelWidth], rng, -bound, bound, dtype));
        if (bias) Bias = RegisterParameter("b", Init.Uniform([outChannels], rng, -bound, bound, dtype));
    }

    public override Tensor Forward(Tensor input)
    {
        if (input.Rank != 4 || input.Dim(1) != InChannels)
            throw new EngineException($"Conv2d: expected input [N, {InChannels}, H, W], got shape {input.ShapeString}");
        var padded = input.Pad([0, 0, 0, 0, PaddingHeight, PaddingHeight, PaddingWidth, PaddingWidth]);
        int outHeight = Im2Col.OutputSize("Conv2d", padded.Dim(2), KernelHeight, Stride, Dilation, input);
        int outWidth = Im2Col.OutputSize("Conv2d", padded.Dim(3), KernelWidth, Stride, Dilation, input);
        var columns = padded.Unfold2d(new UnfoldGeometry(KernelHeight, KernelWidth, Stride, Dilation, outHeight, outWidth));
        var y = Im2Col.GroupedProduct(columns, Weight, Groups, input.Dim(0), [outHeight, outWidth]);
        return Bias is null ? y : y + Bias.Reshape(1, OutChannels, 1, 1);
    }
}

internal static class Im2Col
{
    public static void CheckConfig(string layer, int inChannels, int outChannels, int[] kernel, int stride, int[] padding, int dilation, int groups)
    {
        if (inChannels <= 0 || outChannels <= 0 || groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new EngineException($"{layer}: channels in {inChannels} and out {outChannels} must be positive multiples of groups {groups}");
        if (kernel.Any(k => k <= 0) || stride <= 0 || dilation <= 0 || padding.Any(p => p < 0))
            throw new EngineException($"{layer}: kernel {ShapeMath.Format(kernel)}, stride {stride} and dilation {dilation} must be positive and padding {ShapeMath.Format(padding)} non-negative");
    }

    public static int OutputSize(string layer, int paddedSize, int kernel, int stride, int dilation, Tensor input)
    {
        int span = dilation * (kernel - 1) + 1;
        if (paddedSize < span)
            throw new EngineException($"{layer}: input of shape {input.ShapeString} is too small for a kernel spanning {span} (after padding: {paddedSize})");
        return (paddedSize - span) / stride + 1;
    }

    /// <summary>columns [N, C_in, taps, spatial...] times weight [C_out, C_in/G, kernel...], group by group,
    /// giving [N, C_out, spatial...].</summary>
    public static Tensor GroupedProduct(Tensor columns, Tensor weight, int groups, int batch, int[] outSpatial)
    {
        int outChannels = weight.Dim(0), patch = weight.Size / outChannels, positions = ShapeMath.NumElements(outSpatial);
        var grouped = columns.Reshape(batch, groups, patch, positions);
        var kernels = weight.Reshape(groups, outChannels / groups, patch);
        var product = kernels.MatMul(grouped);
        return product.Reshape([batch, outChannels, .. outSpatial]);
    }
}
