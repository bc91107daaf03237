// The parameters of a DKS/TAT-transformed activation φ̂(x) = γ (φ(α x + β) + δ), named as in
// google-deepmind/dks dks/base/activation_transform.py::_transform_activation (input_scale α,
// input_shift β, output_shift δ, output_scale γ, and negative_slope s for Leaky ReLU).
namespace Engine.Nn.Dks;

public sealed record TransformParameters(
    double InputScale, double InputShift, double OutputShift, double OutputScale, double? NegativeSlope = null)
{
    /// <summary>φ̂ itself, untransformed: α = γ = 1, β = δ = 0.</summary>
    public static readonly TransformParameters Identity = new(1, 0, 0, 1);

    /// <summary>φ̂(x) = γ (φ(α x + β) + δ), with φ's negative slope replaced when this record carries one.</summary>
    public double Apply(DksActivation activation, double x) =>
        OutputScale * (Resolve(activation).Value(InputScale * x + InputShift) + OutputShift);

    /// <summary>The activation these parameters act on (Leaky ReLU gets the solved slope).</summary>
    public DksActivation Resolve(DksActivation activation) =>
        NegativeSlope is double s ? activation.WithNegativeSlope(s) : activation;
}
