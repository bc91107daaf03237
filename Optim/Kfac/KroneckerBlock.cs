// Shared machinery of the Kronecker-factored blocks (dense, convolution, embedding): moving averages of
// the input factor A and the output-gradient factor G, the per-step pending statistics, and the mapping
// between the layer's parameters and the matrix M [inputs (+ bias row), outputs] on which the block
// acts as scale · A M G (Martens & Grosse 2015, section 3; kfac-jax curvature_blocks/kronecker_factored.py).
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Optim.Kfac;

public abstract class KroneckerBlock : CurvatureBlock
{
    private readonly MovingAverage _a = new(), _g = new();
    private double[]? _pendingA, _pendingG;
    private KroneckerFactors? _factors;

    protected KroneckerBlock(string name, IReadOnlyList<Tensor> parameters) : base(name, parameters) { }

    /// <summary>Rows of M: layer inputs plus one for a bias.</summary>
    public abstract int InputDim { get; }
    public abstract int OutputDim { get; }
    protected virtual bool DiagonalInputFactor => false;

    /// <summary>Multiplier of the block (the number of locations T for a convolution).</summary>
    protected virtual double BlockScale => 1;

    /// <summary>The averaged factors (null before any statistics), for inspection and tests.</summary>
    public KroneckerFactors? Factors => _a.Value is null || _g.Value is null ? null
        : new KroneckerFactors(_a.Value, _g.Value, InputDim, OutputDim, DiagonalInputFactor, BlockScale);

    public override bool HasStatistics => _a.Value is not null && _g.Value is not null;

    public override bool HasInverse => _factors is not null;

    /// <summary>The input factor of the captured forward pass.</summary>
    protected abstract double[] InputStatistic();

    /// <summary>The output factor from one gradient at the captured output.</summary>
    protected abstract double[] OutputStatistic(NDArray outputGradient, int batchSize);

    /// <summary>The parameters (float64, parameter-shaped) as the matrix M [InputDim, OutputDim].</summary>
    protected abstract NDArray ToMatrix(NDArray[] vectors);

    protected abstract NDArray[] FromMatrix(NDArray matrix);

    internal override void AddSample(NDArray? outputGradient, NDArray[] parameterGradients, int batchSize, double weight)
    {
        if (outputGradient is null) return;
        _pendingA ??= InputStatistic();
        Accumulate(ref _pendingG, OutputStatistic(outputGradient, batchSize), weight);
    }

    internal override void Commit(double decay)
    {
        if (_pendingA is null || _pendingG is null) return;
        _a.Update(_pendingA, decay);
        _g.Update(_pendingG, decay);
        (_pendingA, _pendingG) = (null, null);
    }

    public override void ComputeInverse(double damping, bool exact)
    {
        _factors = Factors ?? throw new EngineException($"K-FAC: block '{Name}' has no curvature statistics yet (its layer never ran)");
        _factors.ComputeInverse(damping, exact);
    }

    public override NDArray[] MultiplyInverse(NDArray[] vectors)
    {
        if (_factors is null) throw new EngineException($"K-FAC: block '{Name}' has no inverse yet");
        return FromMatrix(_factors.MultiplyInverse(ToMatrix(vectors)));
    }

    public override NDArray[] Multiply(NDArray[] vectors, double damping)
    {
        var factors = Factors ?? throw new EngineException($"K-FAC: block '{Name}' has no curvature statistics yet");
        return FromMatrix(factors.Multiply(ToMatrix(vectors), damping));
    }

    /// <summary>Weight matrix [in, out] and optional bias [out] stacked as [in (+1), out].</summary>
    protected static NDArray StackBias(NDArray weight, NDArray? bias) =>
        bias is null ? weight.Contiguous() : NDArray.Cat([weight, bias.Reshape(1, -1)], 0);
}
