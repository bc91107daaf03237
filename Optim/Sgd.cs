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

    protected override NDArray Update(string name, NDArray parameter, NDArray grad, ParamGroup group)
    {
        var g = group.WeightDecay != 0 ? grad + parameter * group.WeightDecay : grad;
        if (Momentum != 0)
        {
            var previous = GetBuffer(name, "momentum_buffer");
            var buffer = previous is null ? g.Clone() : previous * Momentum + g * (1 - Dampening);
            SetBuffer(name, "momentum_buffer", buffer);
            g = Nesterov ? g + buffer * Momentum : buffer;
        }
        return parameter - g * group.LearningRate;
    }
}
