// Deep Kernel Shaping's activation-parameter solver (Martens et al. 2021, arXiv 2110.01765, the
// conditions of section "Summary of our method"; google-deepmind/dks
// dks/base/activation_transform.py::_get_activations_params and _solve_for_activation_params).
// Global conditions Q_f(1) = 1, Q'_f(1) = 1, C_f(0) = 0 and max over subnetworks C'_f(1) = ζ are imposed
// on every nonlinear layer as Q(1) = 1 and C(0) = 0 (closed forms for γ and δ), Q'(1) = target and
// C'(1) = t with μ(t) = ζ, solved for (α, β); Leaky ReLU solves (s, β) with α = 1 instead, and ReLU,
// having one degree of freedom fewer, fixes β = ±1 and solves α alone from C'(1) = t.
using Engine.Tensors;

namespace Engine.Nn.Dks;

public static class DksSolver
{
    public const double DefaultZeta = 1.5;
    public const double DefaultLocalQSlopeTarget = 1.0;

    /// <summary>sup C'(1) over ReLU with a positive input shift, approached as β/α → 0⁺: π / (π - 1).</summary>
    public static readonly double ReluMaxSlopeWithPositiveShift = Math.PI / (Math.PI - 1);

    /// <summary>The local slope target t with μ(t) = ζ (for a plain chain of L layers t = ζ^(1/L)).</summary>
    public static double LocalSlopeTarget(SubnetworkMaxFunction network, double zeta)
    {
        if (!(zeta > 1) || !double.IsFinite(zeta))
            throw new EngineException($"DKS: ζ (the maximal C'_f(1)) must be a finite number above 1, got {zeta}");
        return IncreasingSolver.Solve(x => SubnetworkMaps.MaximalSlope(network, x), zeta, 1.1, 1, double.PositiveInfinity,
            "DKS local slope target");
    }

    /// <summary>(α, β, δ, γ) (and s for Leaky ReLU) of φ̂ = γ (φ(α x + β) + δ) meeting the DKS conditions.</summary>
    public static TransformParameters Solve(DksActivation activation, SubnetworkMaxFunction network,
        double zeta = DefaultZeta, double localQSlopeTarget = DefaultLocalQSlopeTarget)
    {
        if (!(localQSlopeTarget > 0) || !double.IsFinite(localQSlopeTarget))
            throw new EngineException($"DKS: the local Q'(1) target must be a positive number, got {localQSlopeTarget}");
        double slopeTarget = LocalSlopeTarget(network, zeta);
        return activation.Family switch
        {
            ActivationFamily.Relu => SolveRelu(slopeTarget),
            ActivationFamily.LeakyRelu => SolveLeakyRelu(slopeTarget, localQSlopeTarget),
            _ => SolveSmooth(activation, slopeTarget, localQSlopeTarget),
        };
    }

    private static TransformParameters SolveSmooth(DksActivation activation, double slopeTarget, double qSlopeTarget)
    {
        var root = StartPointSearch.Solve([SearchVariable.InputScale, SearchVariable.InputShift],
            p => Residual(activation, Math.Abs(p[0]), p[1], slopeTarget, qSlopeTarget),
            _ => true) ?? throw NotFound(activation.Name, slopeTarget, qSlopeTarget);
        return PreferPositiveShift(activation, Complete(activation, Math.Abs(root[0]), root[1], null));
    }

    private static TransformParameters SolveLeakyRelu(double slopeTarget, double qSlopeTarget)
    {
        var root = StartPointSearch.Solve([SearchVariable.InputShift, SearchVariable.NegativeSlope],
            p => Residual(DksActivation.LeakyRelu(p[1]), 1, p[0], slopeTarget, qSlopeTarget),
            _ => true) ?? throw NotFound("leaky_relu", slopeTarget, qSlopeTarget);
        return Complete(DksActivation.LeakyRelu(root[1]), 1, root[0], root[1]);
    }

    /// <summary>ReLU: β = 1 while t is below π/(π - 1) (the largest slope a positive shift reaches),
    /// else β = -1; then α from C'(1) = t. The Q'(1) condition cannot be imposed as well.</summary>
    private static TransformParameters SolveRelu(double slopeTarget)
    {
        double shift = slopeTarget < ReluMaxSlopeWithPositiveShift ? 1 : -1;
        var root = StartPointSearch.Solve([SearchVariable.InputScale],
            p => [Conditions(DksActivation.Relu, Math.Abs(p[0]), shift).CSlopeAt1 - slopeTarget],
            _ => true) ?? throw new EngineException($"DKS: no ReLU input scale gives C'(1) = {slopeTarget:G6}");
        return Complete(DksActivation.Relu, Math.Abs(root[0]), shift, null);
    }

    private static double[] Residual(DksActivation activation, double inputScale, double inputShift, double slopeTarget, double qSlopeTarget)
    {
        var values = Conditions(activation, inputScale, inputShift);
        return [values.QSlopeAt1 - qSlopeTarget, values.CSlopeAt1 - slopeTarget];
    }

    /// <summary>The condition values with δ and γ set by their closed forms (C(0) = 0, Q(1) = 1).</summary>
    private static LocalConditionValues Conditions(DksActivation activation, double inputScale, double inputShift)
    {
        var moments = ActivationMoments.Compute(activation, inputScale, inputShift);
        var (shift, scale) = OutputShiftAndScale(moments);
        return LocalConditionValues.From(moments, inputScale, shift, scale);
    }

    private static (double OutputShift, double OutputScale) OutputShiftAndScale(ActivationMoments moments)
    {
        double shift = -moments.Mean;
        double variance = moments.MeanSquare - moments.Mean * moments.Mean;
        return (shift, 1 / Math.Sqrt(variance));
    }

    private static TransformParameters Complete(DksActivation activation, double inputScale, double inputShift, double? negativeSlope)
    {
        var (shift, scale) = OutputShiftAndScale(ActivationMoments.Compute(activation, inputScale, inputShift));
        return new(inputScale, inputShift, shift, scale, negativeSlope);
    }

    /// <summary>For odd φ the mirror (α, -β, -δ, γ) has the same Q and C maps; which one the root finder
    /// meets depends on its path, so both solvers report the one with β ≥ 0.</summary>
    internal static TransformParameters PreferPositiveShift(DksActivation activation, TransformParameters parameters) =>
        activation.IsOdd && parameters.InputShift < 0
            ? parameters with { InputShift = -parameters.InputShift, OutputShift = -parameters.OutputShift }
            : parameters;

    private static EngineException NotFound(string name, double slopeTarget, double qSlopeTarget) =>
        new($"DKS: no parameters for {name} satisfy Q'(1) = {qSlopeTarget:G6} and C'(1) = {slopeTarget:G6} from " +
            $"{StartPointSearch.MaxTries} start points; try a larger ζ or another activation");
}
