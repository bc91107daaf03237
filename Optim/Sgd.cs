// Stochastic gradient descent with PyTorch's semantics (torch.optim.SGD):
//   g = grad + wd * p;  buf = g on the first step, else momentum * buf + (1 - dampening) * g;
//   g = g + momentum * buf with Nesterov, else buf;  p = p - lr * g.
using Engine.Tensors;

namespace Engine.Optim;

public sealed class Sgd : Optimizer
{
    public double Momentum { get; }
    public double Dampening { get; }
    public bool Nesterov { get; }

    protected override string OptimizerName => "SGD";

    public Sgd(IEnumerable<ParamGroup> groups, double momentum = 0, double dampening = 0, bool nesterov = false) : base(groups)
    {
        if (!(momentum >= 0)) throw new EngineException($"SGD: momentum must be non-negative, got {momentum}");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new EngineException($"SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum {momentum}, dampening {dampening}");
        (Momentum, Dampening, Nesterov) = (momentum, dampening, nesterov);
    }

    protected override void Update(string name, NDArray parameter, NDArray grad, ParamGroup group)
    {
        bool firstStep = GetBuffer(name, "momentum_buffer") is null;
        var buffer = Momentum != 0 ? ZeroBuffer(name, "momentum_buffer", parameter) : null;
        OptimizerKernels.SgdUpdate(parameter, grad, buffer,
            new SgdStep(group.LearningRate, group.WeightDecay, Momentum, Dampening, Nesterov, firstStep));
    }
}
