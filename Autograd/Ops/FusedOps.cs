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
