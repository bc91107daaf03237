// KL(π ‖ π0) as autograd expressions, the regulariser of spec irl-rl.md §D.1/§D.2 (always in the direction
// KL(policy ‖ prior)). Built from existing differentiable ops (log-softmax, exp, products, sums), so the
// engine's gradcheck covers them and no gradient is written by hand.
using Engine.Autograd;

namespace Engine.Training.Rl.Priors;

public static class KlDivergence
{
    /// <summary>
    /// Σ_a π(a) (log π(a) − log π0(a)) for categorical distributions given by logits over the last axis;
    /// the result drops that axis.
    /// </summary>
    public static Tensor Categorical(Tensor policyLogits, Tensor priorLogits)
    {
        var logPolicy = policyLogits.LogSoftmax(-1);
        var logPrior = priorLogits.LogSoftmax(-1);
        return (logPolicy.Exp() * (logPolicy - logPrior)).Sum([-1]);
    }

    /// <summary>
    /// KL between diagonal Gaussians N(μ, σ²) ‖ N(μ0, σ0²) given means and log standard deviations, summed over
    /// the last (action) axis: Σ_i [log σ0 − log σ + (σ² + (μ − μ0)²) / (2 σ0²) − ½].
    /// </summary>
    public static Tensor DiagonalGaussian(Tensor mean, Tensor logStd, Tensor priorMean, Tensor priorLogStd)
    {
        var variance = (logStd * 2.0).Exp();
        var priorVariance = (priorLogStd * 2.0).Exp();
        var perAxis = priorLogStd - logStd + (variance + (mean - priorMean).Square()) / (priorVariance * 2.0) - 0.5;
        return perAxis.Sum([-1]);
    }
}
