// The loss K-FAC is told about: the network's outputs [N, K] are the natural parameters of a predictive
// distribution, and the loss is its negative log-likelihood averaged over the N examples
// (kfac-jax loss_functions.py; Martens & Grosse 2015, section 5 and appendix A). For these canonical
// links the Fisher of the predictive distribution equals the loss Hessian H, so the Fisher is the
// Gauss–Newton matrix (1/N) Σ Jᵢᵀ Hᵢ Jᵢ. Per kind:
// - softmax cross-entropy (int64 class targets [N]): H = diag(p) − p pᵀ, factor B = diag(√p) − p √pᵀ;
// - sigmoid cross-entropy (0/1 float targets [N, K], summed over K): H = B² = diag(p(1 − p));
// - squared error ½‖y − t‖² (float targets [N, K]; a unit-variance Gaussian): H = B = I.
//   kfac-jax writes this loss as Σ(y − t)² (variance ½); ours is half of it.
using Engine.Autograd;
using Engine.Nn.Functional;
using Engine.Tensors;

namespace Engine.Optim.Kfac;

public enum LossKind
{
    SoftmaxCrossEntropy,
    SigmoidCrossEntropy,
    SquaredError,
}

public sealed class RegisteredLoss
{
    public LossKind Kind { get; }
    public Tensor Targets { get; }

    private RegisteredLoss(LossKind kind, Tensor targets) => (Kind, Targets) = (kind, targets);

    public static RegisteredLoss SoftmaxCrossEntropy(Tensor classIds) => new(LossKind.SoftmaxCrossEntropy, classIds);

    public static RegisteredLoss SigmoidCrossEntropy(Tensor labels) => new(LossKind.SigmoidCrossEntropy, labels);

    public static RegisteredLoss SquaredError(Tensor targets) => new(LossKind.SquaredError, targets);

    /// <summary>The mean loss of outputs [N, K] at the registered targets (differentiable).</summary>
    public Tensor Value(Tensor outputs) => ValueAt(outputs, Targets);

    /// <summary>The mean loss of outputs [N, K] at the given targets, of the registered kind.</summary>
    public Tensor ValueAt(Tensor outputs, Tensor targets)
    {
        CheckOutputs(outputs);
        int n = outputs.Dim(0);
        switch (Kind)
        {
            case LossKind.SoftmaxCrossEntropy:
                return Losses.CrossEntropy(outputs, targets);
            case LossKind.SigmoidCrossEntropy:
            {
                CheckSameShape(outputs, targets);
                // softplus(y) − t·y = −[t log σ(y) + (1 − t) log(1 − σ(y))], written stably.
                var softplus = Activations.Softplus(outputs);
                return (softplus - targets.Detach() * outputs).Sum() / n;
            }
            default:
            {
                CheckSameShape(outputs, targets);
                var diff = outputs - targets.Detach();
                return (diff * diff).Sum() * (0.5 / n);
            }
        }
    }

    /// <summary>Targets drawn from the model's predictive distribution at outputs (the Fisher's samples).
    /// The draws are made on the CPU from a copy of the outputs, so a seed gives the same targets on every
    /// device; they are returned on the outputs' device.</summary>
    public Tensor SampleTargets(NDArray outputs, Generator rng)
    {
        var values = outputs.To(Device.Cpu).ToDType(DType.Float64);
        var targets = Kind switch
        {
            LossKind.SoftmaxCrossEntropy => rng.Categorical(values.Softmax(-1)),
            LossKind.SigmoidCrossEntropy => rng.Bernoulli(values.Sigmoid(), outputs.DType),
            _ => (values + rng.Normal(outputs.Shape, dtype: DType.Float64)).ToDType(outputs.DType),
        };
        return new Tensor(targets.To(outputs.Device));
    }

    /// <summary>Column k of the curvature factor B (H = B Bᵀ) for every example: [N, K] float64.</summary>
    public double[] FactorColumn(double[] outputs, int n, int classes, int k)
    {
        var column = new double[n * classes];
        for (int i = 0; i < n; i++)
        {
            var row = outputs.AsSpan(i * classes, classes);
            var target = column.AsSpan(i * classes, classes);
            switch (Kind)
            {
                case LossKind.SoftmaxCrossEntropy:
                {
                    var p = Softmax(row);
                    double rootPk = Math.Sqrt(p[k]);
                    for (int c = 0; c < classes; c++) target[c] = -p[c] * rootPk;
                    target[k] += rootPk;
                    break;
                }
                case LossKind.SigmoidCrossEntropy:
                {
                    double p = 1 / (1 + Math.Exp(-row[k]));
                    target[k] = Math.Sqrt(p * (1 - p));
                    break;
                }
                default:
                    target[k] = 1;
                    break;
            }
        }
        return column;
    }

    /// <summary>(1/N) Σᵢ uᵢᵀ Hᵢ wᵢ for output-space vectors u, w [N, K] (the Gauss–Newton inner product).</summary>
    public double CurvatureInner(double[] outputs, double[] u, double[] w, int n, int classes)
    {
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            var row = outputs.AsSpan(i * classes, classes);
            var ui = u.AsSpan(i * classes, classes);
            var wi = w.AsSpan(i * classes, classes);
            switch (Kind)
            {
                case LossKind.SoftmaxCrossEntropy:
                {
                    var p = Softmax(row);
                    double pu = 0, pw = 0, puw = 0;
                    for (int c = 0; c < classes; c++) (pu, pw, puw) = (pu + p[c] * ui[c], pw + p[c] * wi[c], puw + p[c] * ui[c] * wi[c]);
                    total += puw - pu * pw;
                    break;
                }
                case LossKind.SigmoidCrossEntropy:
                    for (int c = 0; c < classes; c++)
                    {
                        double p = 1 / (1 + Math.Exp(-row[c]));
                        total += p * (1 - p) * ui[c] * wi[c];
                    }
                    break;
                default:
                    for (int c = 0; c < classes; c++) total += ui[c] * wi[c];
                    break;
            }
        }
        return total / n;
    }

    private static double[] Softmax(ReadOnlySpan<double> row)
    {
        double max = double.NegativeInfinity;
        foreach (double v in row) max = Math.Max(max, v);
        var p = new double[row.Length];
        double sum = 0;
        for (int c = 0; c < row.Length; c++) sum += p[c] = Math.Exp(row[c] - max);
        for (int c = 0; c < row.Length; c++) p[c] /= sum;
        return p;
    }

    private static void CheckOutputs(Tensor outputs)
    {
        if (outputs.Rank != 2 || outputs.Dim(0) == 0)
            throw new EngineException($"K-FAC: the registered loss needs outputs [N, K] with N > 0, got {outputs.ShapeString}");
    }

    private static void CheckSameShape(Tensor outputs, Tensor targets)
    {
        if (!outputs.Shape.SequenceEqual(targets.Shape))
            throw new EngineException($"K-FAC: targets {targets.ShapeString} must have the outputs' shape {outputs.ShapeString}");
    }
}
