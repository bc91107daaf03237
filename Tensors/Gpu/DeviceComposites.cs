// The fused primitives (RMSNorm/LayerNorm and GeLU forward and backward, Griffin's causal depthwise conv,
// unfold2d/fold2d) written as composites of NDArray primitives (elementwise, reduce, slice, pad, stack,
// strided copy), which run on any device. The GPU backend runs its fused kernels instead
// (GpuBackend.Fused.cs, GpuBackend.Conv.cs); these composites are their independent test oracle on the
// device (tests/Gpu.Tests/FusedKernelTests.cs): the same formulas computed step by step by other kernels,
// those of Tensors/Backends/ReferenceBackend.Fused.cs (norms, GeLU), Tensors/Kernels/CausalConvKernels.cs
// and Tensors/Kernels/UnfoldKernels.cs.
namespace Engine.Tensors.Gpu;

public static class DeviceComposites
{
    /// <summary>RMSNorm or LayerNorm over the last axis: (x − centre)·r·w (+ b), r = 1/sqrt(mean((x − centre)²) + eps).</summary>
    public static NDArray Normalize(NormKind kind, NDArray x, NDArray weight, NDArray? bias, double eps)
    {
        var (xHat, _) = Standardise(kind, x, eps);
        var y = xHat * weight;
        return bias is null ? y : y + bias;
    }

    /// <summary>dx = r·(g·w − mean(g·w) − x̂·mean(g·w·x̂)) (no mean(g·w) for RMSNorm), dw = Σ_rows g·x̂, db = Σ_rows g.</summary>
    public static NDArray[] NormalizeBackward(NormKind kind, NDArray x, NDArray weight, double eps, NDArray grad)
    {
        int last = x.Rank - 1, n = x.Shape[^1];
        var (xHat, inverse) = Standardise(kind, x, eps);
        var gw = grad * weight;
        var inner = gw - xHat * (gw * xHat).Mean([last], keepDim: true);
        if (kind == NormKind.Layer) inner = inner - gw.Mean([last], keepDim: true);
        var dx = inner * inverse;
        var dWeight = (grad * xHat).Reshape(-1, n).Sum(0);
        return kind == NormKind.Rms ? [dx, dWeight] : [dx, dWeight, grad.Reshape(-1, n).Sum(0)];
    }

    /// <summary>x̂ = (x − centre)·r and r, per row of the last axis (centre: the mean for LayerNorm, 0 for RMSNorm).</summary>
    private static (NDArray XHat, NDArray Inverse) Standardise(NormKind kind, NDArray x, double eps)
    {
        int last = x.Rank - 1;
        var centred = kind == NormKind.Layer ? x - x.Mean([last], keepDim: true) : x;
        var inverse = 1.0 / ((centred * centred).Mean([last], keepDim: true) + eps).Sqrt();
        return (centred * inverse, inverse);
    }

    /// <summary>x·Φ(x), exact (erf) or with the tanh approximation of Φ.</summary>
    public static NDArray Gelu(NDArray x, bool tanhApproximation) => x * Cdf(x, tanhApproximation);

    /// <summary>grad·(Φ(x) + x·φ(x)) exact, or the derivative of the tanh form (GeluScalar.Derivative).</summary>
    public static NDArray GeluBackward(NDArray x, NDArray grad, bool tanhApproximation)
    {
        if (!tanhApproximation)
            return grad * (Cdf(x, false) + x * (x * x * -0.5).Exp() * GeluScalar.InverseSqrt2Pi);
        var t = TanhArgument(x).Tanh();
        var slope = (1.0 + x * x * (3 * GeluScalar.TanhCubic)) * GeluScalar.TanhScale;
        return grad * ((1.0 + t) * 0.5 + x * (1.0 - t * t) * slope * 0.5);
    }

    private static NDArray Cdf(NDArray x, bool tanhApproximation) => tanhApproximation
        ? (TanhArgument(x).Tanh() + 1.0) * 0.5
        : ((x * GeluScalar.InverseSqrt2).Erf() + 1.0) * 0.5;

    private static NDArray TanhArgument(NDArray x) => (x + x * x * x * GeluScalar.TanhCubic) * GeluScalar.TanhScale;

    /// <summary>out[b,t] = bias + Σ_s w[K−1−s] ⊙ u[b,t−s] ⊙ [s ≤ reach[b,t]], as a sum of shifted, masked
    /// products. reach may be a host array (the CPU kernel reads it there); it is copied to u's device.</summary>
    public static NDArray CausalConvForward(NDArray u, NDArray w, NDArray bias, NDArray reach)
    {
        reach = reach.To(u.Device);
        int taps = w.Shape[0];
        var result = NDArray.ZerosLike(u) + bias;
        for (int s = 0; s < Math.Min(taps, u.Shape[1]); s++)
            result = result + Delay(u, s) * Reaches(reach, s, u.DType) * w.Select(0, taps - 1 - s);
        return result;
    }

    /// <summary>[du, dw, dbias]: the adjoint of each shifted, masked product in CausalConvForward.</summary>
    public static NDArray[] CausalConvBackward(NDArray u, NDArray w, NDArray reach, NDArray grad)
    {
        reach = reach.To(u.Device);
        int taps = w.Shape[0], time = u.Shape[1];
        var du = NDArray.ZerosLike(u);
        var dw = new NDArray[taps];
        for (int s = 0; s < taps; s++)
        {
            if (s >= time)
            {
                dw[taps - 1 - s] = NDArray.Zeros([w.Shape[1]], u.DType, u.Device);
                continue;
            }
            var masked = grad * Reaches(reach, s, u.DType);
            du = du + Advance(masked, s) * w.Select(0, taps - 1 - s);
            dw[taps - 1 - s] = (masked * Delay(u, s)).Sum(0, 1);
        }
        return [du, NDArray.Stack(dw, 0), grad.Sum(0, 1)];
    }

    /// <summary>v delayed by s steps along axis 1: out[b,t] = v[b,t−s], zero for t &lt; s.</summary>
    private static NDArray Delay(NDArray v, int s) => s == 0 ? v : v.Pad([0, 0, s, 0]).Slice(1, 0, v.Shape[1]);

    /// <summary>v advanced by s steps along axis 1: out[b,t] = v[b,t+s], zero past the end.</summary>
    private static NDArray Advance(NDArray v, int s) => s == 0 ? v : v.Pad([0, 0, 0, s]).Slice(1, s, s + v.Shape[1]);

    /// <summary>1 where output [b,t] may look back s steps (s ≤ reach[b,t]), else 0, as [B, T, 1].</summary>
    private static NDArray Reaches(NDArray reach, int s, DType dtype) =>
        reach.ToDType(dtype).Binary(BinaryOp.Ge, s).Unsqueeze(2);

    /// <summary>im2col by strided slices, one per tap (i, j), stacked in the order i·KW + j.</summary>
    public static NDArray Unfold(NDArray x, UnfoldGeometry g)
    {
        var columns = new NDArray[g.Taps];
        for (int i = 0; i < g.KernelHeight; i++)
            for (int j = 0; j < g.KernelWidth; j++)
                columns[i * g.KernelWidth + j] = TapView(x, g, i, j);
        return NDArray.Stack(columns, 2);
    }

    /// <summary>col2im, the adjoint of Unfold: each tap's columns added into its strided view of the image,
    /// one tap after another (positions within one tap are distinct).</summary>
    public static NDArray Fold(NDArray cols, int height, int width, UnfoldGeometry g)
    {
        var image = NDArray.Zeros([cols.Shape[0], cols.Shape[1], height, width], cols.DType, cols.Device);
        for (int i = 0; i < g.KernelHeight; i++)
            for (int j = 0; j < g.KernelWidth; j++)
            {
                var view = TapView(image, g, i, j);
                view.CopyFrom(view + cols.Select(2, i * g.KernelWidth + j));
            }
        return image;
    }

    /// <summary>The [N, C, OH, OW] strided view of image that tap (i, j) reads.</summary>
    private static NDArray TapView(NDArray image, UnfoldGeometry g, int i, int j)
    {
        int top = i * g.Dilation, left = j * g.Dilation;
        return image.Slice(2, top, top + (g.OutHeight - 1) * g.Stride + 1, g.Stride)
            .Slice(3, left, left + (g.OutWidth - 1) * g.Stride + 1, g.Stride);
    }
}
