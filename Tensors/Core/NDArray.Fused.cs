// The op surface of the fused kernels (RMSNorm, LayerNorm, GeLU, forward and backward): checks the
// arguments, then hands the work to the current backend. Formulas: ReferenceBackend.Fused.cs. The causal
// conv and unfold/fold have one CPU kernel for every CPU backend (Kernels/) and GPU kernels on a GPU.
using Engine.Tensors.Gpu;

namespace Engine.Tensors;

public sealed partial class NDArray
{
    /// <summary>x · rsqrt(mean(x²) + eps) · weight over the last axis; weight has shape [last axis].</summary>
    public NDArray RmsNorm(NDArray weight, double eps)
    {
        CheckNorm("rms_norm", this, weight, null, eps);
        return Backend.For("rms_norm", this).Normalize(NormKind.Rms, this, weight, null, eps);
    }

    /// <summary>(x − mean) · rsqrt(var + eps) · weight + bias over the last axis (population variance).</summary>
    public NDArray LayerNorm(NDArray weight, NDArray bias, double eps)
    {
        CheckNorm("layer_norm", this, weight, bias, eps);
        return Backend.For("layer_norm", this).Normalize(NormKind.Layer, this, weight, bias, eps);
    }

    /// <summary>[dx, dweight] (Rms) or [dx, dweight, dbias] (Layer) for the output gradient grad.</summary>
    public NDArray[] NormBackward(NormKind kind, NDArray weight, double eps, NDArray grad)
    {
        string op = kind == NormKind.Rms ? "rms_norm_backward" : "layer_norm_backward";
        CheckNorm(op, this, weight, null, eps);
        CheckSameShape(op, this, grad);
        return Backend.For(op, this).NormalizeBackward(kind, this, weight, eps, grad);
    }

    /// <summary>GeLU x·Φ(x): exact (erf) or the tanh approximation.</summary>
    public NDArray Gelu(bool tanhApproximation)
    {
        RequireFloat("gelu", this);
        return Backend.For("gelu", this).Gelu(this, tanhApproximation);
    }

    /// <summary>grad · GeLU'(x).</summary>
    public NDArray GeluBackward(NDArray grad, bool tanhApproximation)
    {
        RequireFloat("gelu_backward", this);
        CheckSameShape("gelu_backward", this, grad);
        return Backend.For("gelu_backward", this).GeluBackward(this, grad, tanhApproximation);
    }

    /// <summary>Causal depthwise convolution along axis 1 of this [B, T, E] array with taps w [K, E]
    /// (w[K−1] multiplies the current step), bias [E], looking back at most reach[b, t] (int64 [B, T])
    /// steps from step t. Formulas: Kernels/CausalConvKernels.cs.</summary>
    public NDArray CausalDepthwiseConv(NDArray w, NDArray bias, NDArray reach)
    {
        CheckCausalConv("causal_conv1d", this, w, reach);
        CheckNorm("causal_conv1d", this, bias, null, 0);
        return Backend.For("causal_conv1d", this) is GpuBackend gpu
            ? gpu.CausalConvForward(this, w, bias, reach)
            : CausalConvKernels.Forward(this, w, bias, reach);
    }

    /// <summary>[du, dw, dbias] of CausalDepthwiseConv for the output gradient grad.</summary>
    public NDArray[] CausalDepthwiseConvBackward(NDArray w, NDArray reach, NDArray grad)
    {
        CheckCausalConv("causal_conv1d_backward", this, w, reach);
        CheckSameShape("causal_conv1d_backward", this, grad);
        return Backend.For("causal_conv1d_backward", this) is GpuBackend gpu
            ? gpu.CausalConvBackward(this, w, reach, grad)
            : CausalConvKernels.Backward(this, w, reach, grad);
    }

    /// <summary>im2col of this padded [N, C, H, W] array: [N, C, KH·KW, OH, OW] (Kernels/UnfoldKernels.cs).</summary>
    public NDArray Unfold2d(UnfoldGeometry geometry)
    {
        RequireFloat("unfold2d", this);
        if (Rank != 4) throw EngineException.ForOp("unfold2d", $"needs [N, C, H, W], got {ShapeString}");
        CheckGeometry("unfold2d", geometry, _shape[2], _shape[3]);
        return Backend.For("unfold2d", this) is GpuBackend gpu ? gpu.Unfold(this, geometry) : UnfoldKernels.Unfold(this, geometry);
    }

    /// <summary>col2im, the adjoint of Unfold2d: this [N, C, KH·KW, OH, OW] summed into [N, C, height, width].</summary>
    public NDArray Fold2d(int height, int width, UnfoldGeometry geometry)
    {
        RequireFloat("fold2d", this);
        CheckGeometry("fold2d", geometry, height, width);
        if (Rank != 5 || _shape[2] != geometry.Taps || _shape[3] != geometry.OutHeight || _shape[4] != geometry.OutWidth)
            throw EngineException.ForOp("fold2d", $"needs [N, C, {geometry.Taps}, {geometry.OutHeight}, {geometry.OutWidth}], got {ShapeString}");
        return Backend.For("fold2d", this) is GpuBackend gpu
            ? gpu.Fold(this, height, width, geometry)
            : UnfoldKernels.Fold(this, height, width, geometry);
    }

    private static void CheckGeometry(string op, UnfoldGeometry g, int height, int width)
    {
        bool positive = g.KernelHeight > 0 && g.KernelWidth > 0 && g.Stride > 0 && g.Dilation > 0 && g.OutHeight >= 0 && g.OutWidth >= 0;
        if (!positive || (g.OutHeight - 1) * g.Stride + (g.KernelHeight - 1) * g.Dilation >= height && g.OutHeight > 0
                      || (g.OutWidth - 1) * g.Stride + (g.KernelWidth - 1) * g.Dilation >= width && g.OutWidth > 0)
            throw EngineException.ForOp(op, $"geometry {g} does not fit an image of {height}x{width}");
    }

    private static void CheckCausalConv(string op, NDArray u, NDArray w, NDArray reach)
    {
        RequireFloat(op, u);
        RequireSameKind(op, u, w);
        if (u.Rank != 3 || w.Rank != 2 || w.Shape[1] != u.Shape[2] || w.Shape[0] == 0)
            throw EngineException.ForOp(op, $"needs u [B, T, E] and taps w [K, E] with K >= 1, got u{u.ShapeString} and w{w.ShapeString}");
        if (reach.DType != DType.Int64 || reach.Rank != 2 || reach.Shape[0] != u.Shape[0] || reach.Shape[1] != u.Shape[1])
            throw EngineException.ForOp(op, $"reach must be int64 [{u.Shape[0]}, {u.Shape[1]}], got {reach.DType.Name()} {reach.ShapeString}");
    }

    private static void CheckNorm(string op, NDArray x, NDArray weight, NDArray? bias, double eps)
    {
        RequireFloat(op, x);
        if (x.Rank == 0) throw EngineException.ForOp(op, "needs an array of rank >= 1, got a scalar");
        if (!(eps >= 0)) throw EngineException.ForOp(op, $"eps must be >= 0, got {eps}");
        foreach (var (name, p) in new[] { ("weight", weight), ("bias", bias) })
        {
            if (p is null) continue;
            RequireSameKind(op, x, p);
            if (p.Rank != 1 || p.Shape[0] != x.Shape[^1])
                throw EngineException.ForOp(op, $"{name} must have shape [{x.Shape[^1]}] (the last axis of x{x.ShapeString}), got {p.ShapeString}");
        }
    }

    private static void CheckSameShape(string op, NDArray x, NDArray grad)
    {
        RequireSameKind(op, x, grad);
        if (!x.Shape.SequenceEqual(grad.Shape))
            throw EngineException.ForOp(op, $"gradient shape {grad.ShapeString} differs from the input's {x.ShapeString}");
    }
}
