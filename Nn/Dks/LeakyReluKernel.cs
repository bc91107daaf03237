// The closed-form C map of Leaky ReLU (google-deepmind/dks dks/base/activation_transform.py
// _leaky_relu_cmap; with slope 0 it is the arc-cosine kernel of Cho & Saul 2009):
// C(c) = [(1 - s)² (√(1 - c²) + (π - arccos c) c) / π + 2 s c] / (1 + s²).
// It does not depend on the output scale, so it holds for the TAT-transformed activation too.
using Engine.Tensors;

namespace Engine.Nn.Dks;

public static class LeakyReluKernel
{
    public static double CMap(double c, double negativeSlope)
    {
        if (!(c >= -1 && c <= 1)) throw new EngineException($"Leaky ReLU C map: c must be in [-1, 1], got {c}");
        double s = negativeSlope, oneMinus = 1 - s;
        double arcCosine = (Math.Sqrt(Math.Max(0, 1 - c * c)) + (Math.PI - Math.Acos(c)) * c) / Math.PI;
        return (oneMinus * oneMinus * arcCosine + 2 * s * c) / (1 + s * s);
    }

    /// <summary>The output scale γ = √(2 / (1 + s²)) that makes Q(q) = q exactly.</summary>
    public static double QPreservingScale(double negativeSlope) => Math.Sqrt(2 / (1 + negativeSlope * negativeSlope));
}
