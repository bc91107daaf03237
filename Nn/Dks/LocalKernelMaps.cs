// The local Q and C maps of one transformed activation φ̂ and the derivatives the DKS/TAT conditions
// use (DKS paper section "Q and C maps"; google-deepmind/dks dks/base/activation_transform.py:
// _calc_q_map, _calc_c_map, _calc_q_slope_1, _calc_c_slope, _calc_c_curv). With (u, v) standard
// bivariate normal with correlation c: Q(q) = E[φ̂(√q z)²], C(c) = E[φ̂(u) φ̂(v)] / Q(1),
// C^(k)(c) = E[φ̂^(k)(u) φ̂^(k)(v)] / Q(1), Q'(1) = E[φ̂(z) φ̂'(z) z].
using Engine.Tensors;

namespace Engine.Nn.Dks;

/// <summary>Gaussian moments of φ(α z + β) that all the conditions at c ∈ {0, 1} are built from; one
/// quadrature pass computes them together.</summary>
public readonly record struct ActivationMoments(
    double Mean, double MeanSquare, double MeanValueSlopeZ, double MeanSlopeZ, double MeanSlopeSquare, double MeanCurvatureSquare)
{
    /// <summary>E[φ], E[φ²], E[φ φ' z], E[φ' z], E[φ'²], E[φ''²] with φ evaluated at α z + β.</summary>
    public static ActivationMoments Compute(DksActivation activation, double inputScale, double inputShift)
    {
        double[] kinks = activation.Kink is double k && inputScale != 0 ? [(k - inputShift) / inputScale] : [];
        var (nodes, weights) = GaussianExpectation.Rule(kinks);
        double mean = 0, square = 0, valueSlopeZ = 0, slopeZ = 0, slopeSquare = 0, curvatureSquare = 0;
        for (int i = 0; i < nodes.Length; i++)
        {
            double z = nodes[i], w = weights[i], x = inputScale * z + inputShift;
            var (value, slope, curvature) = activation.Jet(x);
            mean += w * value;
            square += w * value * value;
            valueSlopeZ += w * value * slope * z;
            slopeZ += w * slope * z;
            slopeSquare += w * slope * slope;
            curvatureSquare += w * curvature * curvature;
        }
        return new(mean, square, valueSlopeZ, slopeZ, slopeSquare, curvatureSquare);
    }
}

/// <summary>The conditions' quantities for φ̂ = γ (φ(α · + β) + δ) at input q = 1.</summary>
public readonly record struct LocalConditionValues(double QAt1, double QSlopeAt1, double CAt0, double CSlopeAt1, double CCurvatureAt1)
{
    public static LocalConditionValues From(ActivationMoments m, double inputScale, double outputShift, double outputScale)
    {
        double g2 = outputScale * outputScale, a2 = inputScale * inputScale;
        double q1 = g2 * (m.MeanSquare + 2 * outputShift * m.Mean + outputShift * outputShift);
        double qSlope = g2 * inputScale * (m.MeanValueSlopeZ + outputShift * m.MeanSlopeZ);
        double c0 = g2 * (m.Mean + outputShift) * (m.Mean + outputShift) / q1;
        double cSlope = g2 * a2 * m.MeanSlopeSquare / q1;
        double cCurvature = g2 * a2 * a2 * m.MeanCurvatureSquare / q1;
        return new(q1, qSlope, c0, cSlope, cCurvature);
    }
}

public sealed class LocalKernelMaps
{
    private readonly DksActivation _activation;
    private readonly TransformParameters _parameters;
    private readonly double _qAt1;

    public LocalKernelMaps(DksActivation activation, TransformParameters parameters)
    {
        _activation = parameters.Resolve(activation);
        _parameters = parameters;
        _qAt1 = Q(1);
    }

    /// <summary>The conditions' quantities (Q(1), Q'(1), C(0), C'(1), C''(1)).</summary>
    public LocalConditionValues AtSpecialPoints() => LocalConditionValues.From(
        ActivationMoments.Compute(_activation, _parameters.InputScale, _parameters.InputShift),
        _parameters.InputScale, _parameters.OutputShift, _parameters.OutputScale);

    /// <summary>Q(q) = E[φ̂(√q z)²].</summary>
    public double Q(double q)
    {
        if (!(q >= 0)) throw new EngineException($"Q map: q must be non-negative, got {q}");
        double scale = Math.Sqrt(q);
        return GaussianExpectation.Mean(z => Square(Transformed(scale * z)), KinkInStandardUnits(scale));
    }

    /// <summary>C(c) = E[φ̂(u) φ̂(v)] / Q(1); the closed form for unshifted (Leaky) ReLU.</summary>
    public double C(double c) => IsUnshiftedRelu
        ? LeakyReluKernel.CMap(c, NegativeSlope)
        : GaussianExpectation.BivariateMean(Transformed, Transformed, c, UnitKink) / _qAt1;

    /// <summary>C'(c) = E[φ̂'(u) φ̂'(v)] / Q(1).</summary>
    public double CSlope(double c) =>
        GaussianExpectation.BivariateMean(TransformedSlope, TransformedSlope, c, UnitKink) / _qAt1;

    private bool IsUnshiftedRelu => _activation.Family != ActivationFamily.Smooth
        && _parameters.InputShift == 0 && _parameters.OutputShift == 0 && _parameters.InputScale > 0;

    /// <summary>φ's slope left of its kink (0 for ReLU).</summary>
    private double NegativeSlope => _activation.FirstDerivative(-1);

    private double? UnitKink => KinkInStandardUnits(1) is [double k] ? k : null;

    private double Transformed(double x) =>
        _parameters.OutputScale * (_activation.Value(_parameters.InputScale * x + _parameters.InputShift) + _parameters.OutputShift);

    private double TransformedSlope(double x) =>
        _parameters.OutputScale * _parameters.InputScale * _activation.FirstDerivative(_parameters.InputScale * x + _parameters.InputShift);

    /// <summary>Where φ̂(scale · z) has its kink, as a z value (empty when φ is smooth).</summary>
    private double[] KinkInStandardUnits(double scale) =>
        _activation.Kink is double k && _parameters.InputScale != 0 && scale > 0
            ? [(k - _parameters.InputShift) / _parameters.InputScale / scale]
            : [];

    private static double Square(double x) => x * x;
}
