// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019) with PyTorch's semantics:
//   Adam:  g = grad + wd * p (L2 penalty in the gradient);  AdamW: p = p * (1 - lr * wd) (decoupled);
//   m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g^2;
//   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps), t the parameter's step count.
using Engine.Tensors;

namespace Engine.Optim;

public class Adam : Optimizer
{
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }

    /// <summary>True for AdamW: weight decay shrinks the parameters instead of entering the gradient.</summary>
    public bool DecoupledWeightDecay { get; }

    protected override string OptimizerName => DecoupledWeightDecay ? "AdamW" : "Adam";

    public Adam(IEnumerable<ParamGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
        : this(groups, beta1, beta2, eps, decoupledWeightDecay: false)
    {
    }

    protected Adam(IEnumerable<ParamGroup> groups, double beta1, double beta2, double eps, bool decoupledWeightDecay) : base(groups)
    {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1))
            throw new EngineException($"{OptimizerName}: betas must be in [0, 1), got ({beta1}, {beta2})");
        if (!(eps >= 0)) throw new EngineException($"{OptimizerName}: eps must be non-negative, got {eps}");
        (Beta1, Beta2, Eps, DecoupledWeightDecay) = (beta1, beta2, eps, decoupledWeightDecay);
    }

    protected override void Update(string name, NDArray parameter, NDArray grad, ParamGroup group)
    {
        double lr = group.LearningRate;
        long t = ParameterStep(name);
        var step = new AdamStep(Beta1, Beta2, Eps, group.WeightDecay, DecoupledWeightDecay, lr,
            StepSize: lr / (1 - Math.Pow(Beta1, t)), BiasCorrection2Sqrt: Math.Sqrt(1 - Math.Pow(Beta2, t)));
        OptimizerKernels.AdamUpdate(parameter, grad, ZeroBuffer(name, "exp_avg", parameter), ZeroBuffer(name, "exp_avg_sq", parameter), step);
    }
}

public sealed class AdamW(IEnumerable<ParamGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    : Adam(groups, beta1, beta2, eps, decoupledWeightDecay: true);
