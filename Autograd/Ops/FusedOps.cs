// Fused primitives: RMSNorm and LayerNorm over the last axis (Griffin §2 / RecurrentGemma layers.py,
// specs/griffin.md §1.4; Ba et al. 2016) and GeLU (Hendrycks & Gimpel 2016, exact and tanh forms).
// Forward and first-order backward are single backend kernels (NDArray.Fused.cs), replacing chains of
// 6 to 20 elementwise ops. When a graph of the gradient is asked for (createGraph), the backward is
// instead written with differentiable ops, the same formulas, so higher derivatives work as for every
// other primitive. The registry gradient-checks both paths: first order goes through the kernels,
// second order through the differentiable formulas.
using Engine.Tensors;

namespace Engine.Autograd;

public sealed partial class Tensor
{
    /// <summary>x · rsqrt(mean(x²) + eps) · weight over the last axis; weight has shape [last axis].</summary>
    [Op("rms_norm")]
    public Tensor RmsNorm(Tensor weight, double eps) =>
        Op.Record("rms_norm", Data.RmsNorm(weight.Data, eps), [this, weight], (g, y) =>
        {
            if (GradMode.IsEnabled) return NormGradient(NormKind.Rms, weight, eps, g);
            var grads = Data.NormBackward(NormKind.Rms, weight.Data, eps, g.Data);
            return [new Tensor(grads[0]), new Tensor(grads[1])];
        });

    /// <summary>(x − mean) · rsqrt(var + eps) · weight + bias over the last axis, population variance;
    /// weight and bias have shape [last axis].</summary>
    [Op("layer_norm")]
    public Tensor LayerNorm(Tensor weight, Tensor bias, double eps) =>
        Op.Record("layer_norm", Data.LayerNorm(weight.Data, bias.Data, eps), [this, weight, bias], (g, y) =>
        {
            if (GradMode.IsEnabled) return NormGradient(NormKind.Layer, weight, eps, g);
            var grads = Data.NormBackward(NormKind.Layer, weight.Data, eps, g.Data);
            return [new Tensor(grads[0]), new Tensor(grads[1]), new Tensor(grads[2])];
        });

    /// <summary>GeLU x·Φ(x): exact (through erf) or, with tanhApproximation, ½x(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
    [Op("gelu")]
    public Tensor Gelu(bool tanhApproximation = false) =>
        Op.Record("gelu", Data.Gelu(tanhApproximation), [this], (g, y) => GradMode.IsEnabled
            ? [g * GeluDerivative(tanhApproximation)]
            : [new Tensor(Data.GeluBackward(g.Data, tanhApproximation))]);

    /// <summary>Griffin's causal depthwise convolution over time (Kernels/CausalConvKernels.cs): u [B, T, E],
    /// taps w [K, E] (w[K−1] multiplies the current step), bias [E]; output t looks back at most reach[b, t]
    /// steps (int64 [B, T], a constant: no gradient).</summary>
    [Op("causal_conv1d")]
    public static Tensor CausalDepthwiseConv(Tensor u, Tensor w, Tensor bias, NDArray reach) =>
        Op.Record("causal_conv1d", u.Data.CausalDepthwiseConv(w.Data, bias.Data, reach), [u, w, bias], (g, y) =>
        {
            if (!GradMode.IsEnabled) return [.. u.Data.CausalDepthwiseConvBackward(w.Data, reach, g.Data).Select(a => new Tensor(a))];
            // Differentiable form: tap s of the output is mask_s ⊙ u shifted s steps later, times w[K−1−s].
            int time = u.Dim(1), taps = w.Dim(0);
            var du = g * w.Select(0, taps - 1);
            var dw = new Tensor[taps];
            dw[taps - 1] = (g * u).Sum([0, 1]);
            for (int s = 1; s < taps; s++)
            {
                if (s >= time)
                {
                    dw[taps - 1 - s] = (g * 0.0).Sum([0, 1]);
                    continue;
                }
                var mask = new Tensor(reach.Binary(BinaryOp.Ge, NDArray.Scalar(s, DType.Int64)).ToDType(u.DType).Reshape(u.Dim(0), time, 1));
                var maskedG = g * mask;
                du += maskedG.Slice(1, s, time).Pad([0, 0, 0, s]) * w.Select(0, taps - 1 - s);
                dw[taps - 1 - s] = (maskedG * u.Pad([0, 0, s, 0]).Slice(1, 0, time)).Sum([0, 1]);
            }
            return [du, Stack(dw, 0), g.Sum([0, 1])];
        });

    /// <summary>The norm's input gradients in differentiable ops: with x̂ the normalised input and
    /// gw = g·weight, dx = r·(gw − mean(gw) − x̂·mean(gw·x̂)) (no mean(gw) term for RMSNorm),
    /// dweight = g·x̂ and dbias = g (summed over the leading axes by the engine).</summary>
    private Tensor[] NormGradient(NormKind kind, Tensor weight, double eps, Tensor g)
    {
        int[] last = [-1];
        var centered = kind == NormKind.Layer ? this - Mean(last, keepDim: true) : this;
        var inverse = 1.0 / ((centered * centered).Mean(last, keepDim: true) + eps).Sqrt();
        var xHat = centered * inverse;
        var gw = g * weight;
        var inner = gw - xHat * (gw * xHat).Mean(last, keepDim: true);
        if (kind == NormKind.Layer) inner -= gw.Mean(last, keepDim: true);
        var dx = inverse * inner;
        return kind == NormKind.Layer ? [dx, g * xHat, g] : [dx, g * xHat];
    }

    /// <summary>GeLU'(x) in differentiable ops (formulas in ReferenceBackend.Fused.cs).</summary>
    private Tensor GeluDerivative(bool tanhApproximation)
    {
        if (!tanhApproximation)
            return 0.5 * (1.0 + (this * GeluScalar.InverseSqrt2).Erf()) + this * (-0.5 * this * this).Exp() * GeluScalar.InverseSqrt2Pi;
        var t = (GeluScalar.TanhScale * (this + GeluScalar.TanhCubic * this * this * this)).Tanh();
        var slope = GeluScalar.TanhScale * (1.0 + 3 * GeluScalar.TanhCubic * this * this);
        return 0.5 * (1.0 + t) + 0.5 * this * (1.0 - t * t) * slope;
    }
}
