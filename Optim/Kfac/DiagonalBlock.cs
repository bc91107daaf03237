// Diagonal curvature block for a parameter no Kronecker block claims (kfac-jax NaiveDiagonal, the
// "generic" tag): d = E[(∂ℓᵢ/∂θ)²]. It is estimated from the batch gradient of the sampled loss as
// N·(∂L̃/∂θ)²: the sampled targets make the examples' gradients uncorrelated with zero mean, so the
// cross terms vanish in expectation (kfac-jax makes the same argument for its Fisher modes). With the
// empirical Fisher (data labels) they do not vanish, so there this block holds the squared mean gradient
// times N, like kfac-jax's fisher_empirical_direct statistics, not the mean of squared per-example gradients.
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Optim.Kfac;

public sealed class DiagonalBlock : CurvatureBlock
{
    private readonly MovingAverage _diagonal = new();
    private double[]? _pending;
    private double _damping;

    public DiagonalBlock(string name, Tensor parameter) : base(name, [parameter]) { }

    /// <summary>The averaged diagonal (null before any statistics).</summary>
    public double[]? Diagonal => _diagonal.Value;

    public override bool HasStatistics => _diagonal.Value is not null;

    public override bool HasInverse => _damping > 0;

    internal override Tensor? CapturedOutput => null;

    internal override bool TryCapture(string op, IReadOnlyList<Tensor> inputs, Tensor output) => false;

    internal override void ClearCapture() { }

    internal override void AddSample(NDArray? outputGradient, NDArray[] parameterGradients, int batchSize, double weight)
    {
        var gradient = parameterGradients[0].ToDType(DType.Float64).Contiguous().ToArray<double>();
        for (int i = 0; i < gradient.Length; i++) gradient[i] = batchSize * gradient[i] * gradient[i];
        Accumulate(ref _pending, gradient, weight);
    }

    internal override void Commit(double decay)
    {
        if (_pending is null) return;
        _diagonal.Update(_pending, decay);
        _pending = null;
    }

    public override void ComputeInverse(double damping, bool exact) => _damping = damping;

    public override NDArray[] MultiplyInverse(NDArray[] vectors) => [Apply(vectors[0], (d, v) => v / (d + _damping))];

    public override NDArray[] Multiply(NDArray[] vectors, double damping) => [Apply(vectors[0], (d, v) => (d + damping) * v)];

    private NDArray Apply(NDArray vector, Func<double, double, double> map)
    {
        var d = _diagonal.Value ?? throw new EngineException($"K-FAC: block '{Name}' has no curvature statistics yet");
        var values = vector.ToDType(DType.Float64).Contiguous().ToArray<double>();
        for (int i = 0; i < values.Length; i++) values[i] = map(d[i], values[i]);
        return NDArray.FromArray(values, vector.ShapeCopy());
    }
}
