// Small networks of the SVG(0) point-mass agent (spec irl-rl.md §D.2): a diagonal-Gaussian head (a tanh MLP
// giving a tanh-squashed mean in [−1, 1], like acme's MultivariateNormalDiagHead with tanh_mean, and a log
// standard deviation squashed into [−2.5, 0.5]) used for the policy and for the learned prior, and the critic
// Q(observation, action). The bounded mean matters: with an unbounded mean and a learned prior nothing keeps
// the mean inside the action range, where the clipped dynamics give the critic no gradient. Float64 throughout.
using Engine.Autograd;
using Engine.Nn;
using Engine.Tensors;

namespace Engine.Training.Rl.PointMass;

public sealed class GaussianPolicyNetwork : Module
{
    private readonly Sequential _body;
    private readonly int _actions;

    public GaussianPolicyNetwork(int inputs, int actions, int hidden, Generator rng)
    {
        _actions = actions;
        _body = RegisterModule("body", new Sequential(
            new Linear(inputs, hidden, rng, dtype: DType.Float64), new Activation(x => x.Tanh()),
            new Linear(hidden, hidden, rng, dtype: DType.Float64), new Activation(x => x.Tanh()),
            new Linear(hidden, 2 * actions, rng, dtype: DType.Float64)));
    }

    /// <summary>Mean and log standard deviation, each [B, actions].</summary>
    public (Tensor Mean, Tensor LogStd) Forward(Tensor observations)
    {
        var output = _body.Forward(observations);
        var mean = output.Slice(-1, 0, _actions).Tanh();
        var logStd = output.Slice(-1, _actions, 2 * _actions).Tanh() * 1.5 - 1.0;
        return (mean, logStd);
    }
}

public sealed class CriticNetwork : Module
{
    private readonly Sequential _body;

    public CriticNetwork(int inputs, int hidden, Generator rng)
    {
        _body = RegisterModule("body", new Sequential(
            new Linear(inputs, hidden, rng, dtype: DType.Float64), new Activation(x => x.Tanh()),
            new Linear(hidden, hidden, rng, dtype: DType.Float64), new Activation(x => x.Tanh()),
            new Linear(hidden, 1, rng, dtype: DType.Float64)));
    }

    /// <summary>Q for [B, observation + action] rows: [B].</summary>
    public Tensor Forward(Tensor observationsAndActions) => _body.Forward(observationsAndActions).Squeeze(-1);

    /// <summary>Copies every parameter's values into a network of the same shape (the target network).</summary>
    public void CopyTo(CriticNetwork target)
    {
        using var _ = GradMode.NoGrad();
        var mine = NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        foreach (var (name, parameter) in target.NamedParameters()) parameter.SetData(mine[name].Data.Clone());
    }
}
