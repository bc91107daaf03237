// Tailored Activation Transformations (Zhang, Botev & Martens, ICLR 2022, arXiv 2203.08120, sections 4
// and 5; google-deepmind/dks dks/base/activation_transform.py::_get_activations_params, "TAT" branch).
// Smooth φ: Q(1) = 1 (γ in closed form), Q'(1) = 1, C'(1) = 1 and C''(1) = t with κ(t) = τ, solved for
// (α, β, δ); C(0) is left free. Solutions with α·γ ≥ 2 are rejected as the reference does (their Q maps
// are unstable). Leaky ReLU ("TReLU"): the slope s with C_f(0) = η by bisection, γ = √(2 / (1 + s²)).
using Engine.Tensors;

namespace Engine.Nn.Dks;

public static class TatSolver
{
    public const double DefaultTau = 0.3;
    public const double DefaultEta = 0.9;

    /// <summary>TAT parameters: τ for smooth activations, η for Leaky ReLU; ReLU is refused.</summary>
    public static TransformParameters Solve(DksActivation activation, SubnetworkMaxFunction network,
        double tau = DefaultTau, double eta = DefaultEta) => activation.Family switch
        {
            ActivationFamily.Relu => throw new EngineException("TAT: plain ReLU cannot be transformed by TAT (no free parameter); use leaky_relu instead"),
            ActivationFamily.LeakyRelu => SolveLeakyRelu(network, eta),
            _ => SolveSmooth(activation, network, tau),
        };

    /// <summary>The local curvature target t with κ(t) = τ (for a plain chain of L layers t = τ / L).</summary>
    public static double LocalCurvatureTarget(SubnetworkMaxFunction network, double tau)
    {
        if (!(tau > 0) || !double.IsFinite(tau))
            throw new EngineException($"TAT: τ (the maximal C''_f(1)) must be a positive finite number, got {tau}");
        return IncreasingSolver.Solve(x => SubnetworkMaps.MaximalCurvature(network, x), tau, 0.1, 0, double.PositiveInfinity,
            "TAT local curvature target");
    }

    public static TransformParameters SolveSmooth(DksActivation activation, SubnetworkMaxFunction network, double tau = DefaultTau)
    {
        if (activation.Family != ActivationFamily.Smooth)
            throw new EngineException($"TAT: {activation.Name} is not a smooth activation; use Solve, which handles the ReLU family");
        double curvatureTarget = LocalCurvatureTarget(network, tau);
        var root = StartPointSearch.Solve(
            [SearchVariable.InputScale, SearchVariable.InputShift, SearchVariable.OutputShift],
            p => Residual(activation, Math.Abs(p[0]), p[1], p[2], curvatureTarget),
            p => Math.Abs(p[0]) * OutputScale(ActivationMoments.Compute(activation, Math.Abs(p[0]), p[1]), p[2]) < 2)
            ?? throw new EngineException(
                $"TAT: no parameters for {activation.Name} satisfy Q'(1) = 1, C'(1) = 1 and C''(1) = {curvatureTarget:G6} " +
                $"(from τ = {tau:G6}) from {StartPointSearch.MaxTries} start points; try a smaller τ or another activation");
        double inputScale = Math.Abs(root[0]);
        return DksSolver.PreferPositiveShift(activation, new TransformParameters(inputScale, root[1], root[2],
            OutputScale(ActivationMoments.Compute(activation, inputScale, root[1]), root[2])));
    }

    /// <summary>TReLU: s ∈ [0, 1] with C_f(0) = η; s = 0 (ReLU) gives the largest C_f(0) a network can
    /// reach, so a shallow network cannot reach a large η.</summary>
    public static TransformParameters SolveLeakyRelu(SubnetworkMaxFunction network, double eta = DefaultEta)
    {
        if (!(eta >= 0 && eta <= 1))
            throw new EngineException($"TAT: η (the target C_f(0)) must be in [0, 1], got {eta}");
        double CfAt0(double slope) => SubnetworkMaps.CAt0(network, c => LeakyReluKernel.CMap(c, slope));
        double reluLimit = CfAt0(0);
        if (reluLimit < eta - IncreasingSolver.Tolerance)
            throw new EngineException(
                $"TAT: η = {eta:G6} is unreachable for this network: even slope 0 (ReLU) gives C_f(0) = {reluLimit:G6}; " +
                "use a deeper network or a smaller η");
        double slope = IncreasingSolver.Solve(s => 1 - CfAt0(s), 1 - eta, 0.5, 0, 1, "TAT Leaky ReLU slope");
        return new(1, 0, 0, LeakyReluKernel.QPreservingScale(slope), slope);
    }

    private static double[] Residual(DksActivation activation, double inputScale, double inputShift, double outputShift, double curvatureTarget)
    {
        var moments = ActivationMoments.Compute(activation, inputScale, inputShift);
        var values = LocalConditionValues.From(moments, inputScale, outputShift, OutputScale(moments, outputShift));
        return [values.QSlopeAt1 - 1, values.CSlopeAt1 - 1, values.CCurvatureAt1 - curvatureTarget];
    }

    /// <summary>γ = 1 / √E[(φ(α z + β) + δ)²], which makes Q(1) = 1.</summary>
    private static double OutputScale(ActivationMoments moments, double outputShift) =>
        1 / Math.Sqrt(moments.MeanSquare + 2 * outputShift * moments.Mean + outputShift * outputShift);
}
