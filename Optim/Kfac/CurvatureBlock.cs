// One block of K-FAC's block-diagonal curvature approximation (Martens & Grosse 2015, section 4;
// kfac-jax curvature_blocks/). A block owns some parameters, recognises its layer's ops in the forward
// pass (seen through OpHooks.Observe), turns the captured layer inputs and the per-example gradients at
// the layer's outputs into curvature statistics, keeps their moving averages, and multiplies vectors by
// the damped curvature or its inverse. Vectors are float64 arrays shaped like the parameters.
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Optim.Kfac;

public abstract class CurvatureBlock
{
    /// <summary>A label for messages: the layer's parameter-name prefix.</summary>
    public string Name { get; }

    public IReadOnlyList<Tensor> Parameters { get; }

    protected CurvatureBlock(string name, IReadOnlyList<Tensor> parameters) => (Name, Parameters) = (name, parameters);

    /// <summary>Called for every op of a forward pass; returns true when the op belongs to this block's
    /// layer and was recorded.</summary>
    internal abstract bool TryCapture(string op, IReadOnlyList<Tensor> inputs, Tensor output);

    /// <summary>The captured layer output whose gradient the statistics need; null when the block needs
    /// parameter gradients instead (diagonal) or its layer did not run.</summary>
    internal abstract Tensor? CapturedOutput { get; }

    /// <summary>Forgets what the last forward pass captured.</summary>
    internal abstract void ClearCapture();

    /// <summary>Adds weight × the output-side statistic from one backward pass of a sampled (or exact)
    /// loss whose mean runs over batchSize examples. outputGradient is the gradient at CapturedOutput;
    /// parameterGradients the gradients of this block's parameters.</summary>
    internal abstract void AddSample(NDArray? outputGradient, NDArray[] parameterGradients, int batchSize, double weight);

    /// <summary>Folds this step's statistics into the moving averages with the given decay.</summary>
    internal abstract void Commit(double decay);

    /// <summary>True once the moving averages hold at least one step's statistics.</summary>
    public abstract bool HasStatistics { get; }

    /// <summary>True once ComputeInverse has run.</summary>
    public abstract bool HasInverse { get; }

    /// <summary>Prepares (C + damping·I)⁻¹ from the current averages, π-adjusted or exact.</summary>
    public abstract void ComputeInverse(double damping, bool exact);

    /// <summary>(C + λI)⁻¹ v for the damping of the last ComputeInverse.</summary>
    public abstract NDArray[] MultiplyInverse(NDArray[] vectors);

    /// <summary>(C + damping·I) v with the exact Kronecker product.</summary>
    public abstract NDArray[] Multiply(NDArray[] vectors, double damping);

    protected static NDArray ToFloat64Rows(NDArray values, int columns) =>
        values.ToDType(DType.Float64).Contiguous().Reshape(-1, columns);

    /// <summary>(scale / rows) · xᵀx for x [rows, d]: a mean of outer products, computed on x's device (so
    /// a GPU reduces its activations there) and returned on the CPU.</summary>
    protected static double[] MeanOuter(NDArray x, double scale)
    {
        int rows = x.Dim(0);
        return (x.MT().MatMul(x) * (scale / rows)).Contiguous().ToArray<double>();
    }

    protected static NDArray WithOnesColumn(NDArray x) =>
        NDArray.Cat([x, NDArray.Ones([x.Dim(0), 1], DType.Float64, x.Device)], 1);

    protected static void Accumulate(ref double[]? sum, double[] value, double weight)
    {
        sum ??= new double[value.Length];
        for (int i = 0; i < value.Length; i++) sum[i] += weight * value[i];
    }
}
