// A parameter group: named parameters that share a learning rate and weight decay (for example, the
// usual split where norms and biases get no decay). Names key the optimizer state, so they should be
// the module's hierarchical parameter names.
using Engine.Autograd;
using Engine.Nn;
using Engine.Tensors;

namespace Engine.Optim;

public sealed class ParamGroup
{
    public IReadOnlyList<KeyValuePair<string, Tensor>> Parameters { get; }

    public double LearningRate { get; set; }

    public double WeightDecay { get; set; }

    /// <summary>Multiplies the value an LR schedule sets through Optimizer.SetLearningRate.</summary>
    public double LearningRateScale { get; set; } = 1;

    public ParamGroup(IEnumerable<KeyValuePair<string, Tensor>> parameters, double learningRate, double weightDecay = 0)
    {
        Parameters = [.. parameters];
        if (!(learningRate >= 0)) throw new EngineException($"optimizer: learning rate must be non-negative, got {learningRate}");
        if (!(weightDecay >= 0)) throw new EngineException($"optimizer: weight decay must be non-negative, got {weightDecay}");
        LearningRate = learningRate;
        WeightDecay = weightDecay;
    }

    /// <summary>One group holding every parameter of module.</summary>
    public static ParamGroup Of(Module module, double learningRate, double weightDecay = 0) =>
        new(module.NamedParameters(), learningRate, weightDecay);
}
