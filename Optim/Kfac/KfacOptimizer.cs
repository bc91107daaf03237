// K-FAC, the Kronecker-factored approximate-curvature optimizer (Martens & Grosse 2015; the update order
// of kfac-jax optimizer.py::Optimizer._step). A model opts in just by being built from Nn layers: each
// Linear, Conv2d (groups = 1) and Embedding gets a Kronecker-factored block, every other parameter a
// diagonal one. The layers' inputs are captured through OpHooks.Observe during the forward pass and the
// gradients at their outputs through Gradients.Of on the captured tensors. One Step:
//   1. forward (capturing), loss L at the registered targets;
//   2. curvature: backward passes of the sampled (or empirical / exact) loss update the factors'
//      bias-corrected moving averages (every CurvatureUpdatePeriod steps; burn-in steps stop here);
//   3. g = ∇L + l2·θ; refresh the inverses every InverseUpdatePeriod steps;
//   4. Δ = (C + (λ + l2)I)⁻¹ g; the norm constraint scales Δ (fixed learning rate only);
//   5. δ = w₀Δ + w₁v_prev with w from the quadratic model (adaptive) or w = (−α, μ) (fixed);
//   6. θ ← θ + δ; every DampingAdaptationInterval steps λ follows Levenberg–Marquardt on the same batch.
// K-FAC needs the forward function and the loss, not only gradients, so it is its own class rather than
// an Optimizer (whose Step sees one parameter's gradient at a time).
// On a GPU the forward and backward passes and the factor contributions (the float64 products xᵀx) run
// on the parameters' device; the factors, their inverses and every vector of steps 3–5 stay on the CPU in
// float64 (the issue allows it: they are small next to the activations), and δ is copied back.
using Engine.Autograd;
using Engine.Nn;
using Engine.Tensors;

namespace Engine.Optim.Kfac;

/// <summary>What one K-FAC step did. LearningRate is α = −w₀; Rho is NaN unless λ was adapted this step.</summary>
public sealed record KfacStepResult(double Loss, bool BurnIn, double LearningRate, double Momentum, double Damping,
    double QuadraticChange, double Rho);

public sealed class KfacOptimizer
{
    private readonly List<CurvatureBlock> _blocks = [];
    private readonly List<Tensor> _parameters = [];
    private readonly List<int[]> _blockParameterIndices = [];
    private readonly Generator _rng;
    private NDArray[]? _previousUpdate;
    private int _burnInDone;

    public KfacOptions Options { get; }
    public IReadOnlyList<CurvatureBlock> Blocks => _blocks;
    public IReadOnlyList<Tensor> Parameters => _parameters;
    public double Damping { get; private set; }

    /// <summary>Parameter updates taken (burn-in steps excluded).</summary>
    public long StepCount { get; private set; }

    public KfacOptimizer(Module model, KfacOptions? options = null)
    {
        Options = options ?? new KfacOptions();
        Options.Validate();
        Damping = Options.Damping;
        _rng = new Generator(Options.Seed);
        var claimed = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        AddLayerBlocks(model, "", claimed);
        foreach (var (name, parameter) in model.NamedParameters())
            if (!claimed.Contains(parameter)) AddBlock(new DiagonalBlock(name, parameter));
        if (_parameters.Count == 0) throw new EngineException("K-FAC: the model has no parameters");
    }

    private void AddLayerBlocks(Module module, string prefix, HashSet<Tensor> claimed)
    {
        CurvatureBlock? block = module switch
        {
            Linear linear => new DenseBlock(prefix.TrimEnd('.'), linear),
            Conv2d { Groups: 1 } conv => new Conv2dBlock(prefix.TrimEnd('.'), conv),
            Embedding embedding => new EmbeddingBlock(prefix.TrimEnd('.'), embedding),
            _ => null,
        };
        if (block is not null && block.Parameters.All(p => p.RequiresGrad && !claimed.Contains(p)))
        {
            AddBlock(block);
            foreach (var p in block.Parameters) claimed.Add(p);
        }
        foreach (var (name, child) in module.NamedChildren()) AddLayerBlocks(child, prefix + name + ".", claimed);
    }

    private void AddBlock(CurvatureBlock block)
    {
        var indices = new int[block.Parameters.Count];
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = _parameters.Count;
            _parameters.Add(block.Parameters[i]);
        }
        _blocks.Add(block);
        _blockParameterIndices.Add(indices);
    }

    /// <summary>One K-FAC step on the batch that forward evaluates (it must return the outputs [N, K] the
    /// loss is registered on, and may be called twice: again for the damping adaptation).</summary>
    public KfacStepResult Step(Func<Tensor> forward, RegisteredLoss loss)
    {
        using var pool = BufferScope.Suspend();
        CheckOneDevice();
        Tensor outputs;
        using (OpHooks.Observe(Capture)) outputs = forward();
        try
        {
            var lossTensor = loss.Value(outputs);
            double lossValue = lossTensor.Item();
            bool burnIn = _burnInDone < Options.BurnInSteps;
            if (burnIn || StepCount % Options.CurvatureUpdatePeriod == 0)
            {
                UpdateCurvature(outputs, loss);
                foreach (var block in _blocks) block.Commit(burnIn ? 1 : Options.CurvatureEma);
            }
            if (burnIn)
            {
                _burnInDone++;
                return new(lossValue, true, 0, 0, Damping, 0, double.NaN);
            }
            return Update(forward, loss, outputs, lossTensor, lossValue);
        }
        finally
        {
            foreach (var block in _blocks) block.ClearCapture();
        }
    }

    /// <summary>The parameters may live on any one device (Module.To moves them after construction too);
    /// a model split over devices is refused before anything runs.</summary>
    private void CheckOneDevice()
    {
        var device = _parameters[0].Device;
        foreach (var block in _blocks)
            foreach (var parameter in block.Parameters)
                if (parameter.Device != device)
                    throw new EngineException($"K-FAC: the model is split over devices ('{_blocks[0].Name}' on {device}, '{block.Name}' on {parameter.Device}); move the whole model to one device with Module.To");
    }

    private void Capture(string op, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        foreach (var block in _blocks)
            if (block.TryCapture(op, inputs, output)) return;
    }

    private void UpdateCurvature(Tensor outputs, RegisteredLoss loss)
    {
        var wanted = new List<Tensor>();
        var slots = new List<(int Block, bool IsOutput)>();
        for (int b = 0; b < _blocks.Count; b++)
        {
            if (_blocks[b].CapturedOutput is { } captured) { wanted.Add(captured); slots.Add((b, true)); }
            else if (_blocks[b] is DiagonalBlock) { wanted.Add(_blocks[b].Parameters[0]); slots.Add((b, false)); }
        }
        int n = outputs.Dim(0);
        void Accumulate(Tensor[] grads, double weight)
        {
            for (int s = 0; s < slots.Count; s++)
            {
                var (b, isOutput) = slots[s];
                _blocks[b].AddSample(isOutput ? grads[s].Data : null, isOutput ? [] : [grads[s].Data], n, weight);
            }
        }
        switch (Options.Estimation)
        {
            case FisherEstimation.Exact:
            {
                var values = outputs.Data.ToDoubleArray();
                int classes = outputs.Dim(1);
                for (int k = 0; k < classes; k++)
                {
                    var column = loss.FactorColumn(values, n, classes, k);
                    for (int i = 0; i < column.Length; i++) column[i] /= n;
                    var seed = new Tensor(NDArray.FromArray(column, n, classes).ToDType(outputs.DType).To(outputs.Device));
                    Accumulate(Gradients.Of([outputs], [.. wanted], [seed], retainGraph: true, allowUnused: true), 1);
                }
                break;
            }
            case FisherEstimation.Empirical:
                Accumulate(Gradients.Of([loss.Value(outputs)], [.. wanted], retainGraph: true, allowUnused: true), 1);
                break;
            default:
                for (int s = 0; s < Options.EstimatorSamples; s++)
                {
                    var sampled = loss.ValueAt(outputs, loss.SampleTargets(outputs.Data, _rng));
                    Accumulate(Gradients.Of([sampled], [.. wanted], retainGraph: true, allowUnused: true), 1.0 / Options.EstimatorSamples);
                }
                break;
        }
    }

    private KfacStepResult Update(Func<Tensor> forward, RegisteredLoss loss, Tensor outputs, Tensor lossTensor, double lossValue)
    {
        bool exactModel = Options.AdaptiveLearningRate;
        var gradients = Gradients.Of([lossTensor], [.. _parameters], retainGraph: exactModel, allowUnused: true);
        double l2 = Options.L2Regularization;
        var g = new NDArray[_parameters.Count];
        for (int p = 0; p < g.Length; p++)
        {
            g[p] = gradients[p].Data.To(Device.Cpu).ToDType(DType.Float64);
            if (l2 > 0) g[p] = g[p] + _parameters[p].Data.To(Device.Cpu).ToDType(DType.Float64) * l2;
        }
        // A block whose layer first ran after the last refresh gets its inverse now.
        bool refresh = StepCount % Options.InverseUpdatePeriod == 0;
        foreach (var block in _blocks)
            if (block.HasStatistics && (refresh || !block.HasInverse)) block.ComputeInverse(Damping + l2, Options.ExactInverses);
        var direction = Precondition(g);
        if (Options.NormConstraint is { } maxChange && Options.LearningRate > 0)
        {
            double predicted = Options.LearningRate * Options.LearningRate * Dot(direction, g);
            if (predicted > maxChange) direction = Scale(direction, Math.Sqrt(maxChange / predicted));
        }
        bool hasPrevious = _previousUpdate is not null;
        var vectors = hasPrevious ? new[] { direction, _previousUpdate! } : new[] { direction };
        double[,] curvature = new double[2, 2], dots = new double[2, 2];
        double[] linear = new double[2];
        double[][]? jacobianProducts = exactModel ? QuadraticModel.JacobianProducts(outputs, _parameters, vectors) : null;
        for (int i = 0; i < vectors.Length; i++)
        {
            linear[i] = Dot(g, vectors[i]);
            for (int j = 0; j <= i; j++)
            {
                dots[i, j] = dots[j, i] = Dot(vectors[i], vectors[j]);
                curvature[i, j] = curvature[j, i] = jacobianProducts is not null
                    ? GaussNewtonInner(loss, outputs, jacobianProducts[i], jacobianProducts[j]) + l2 * dots[i, j]
                    : Options.AdaptiveDamping ? Dot(vectors[i], ApproximateCurvature(vectors[j])) + l2 * dots[i, j] : 0;
            }
        }
        var (w, change) = QuadraticModel.Solve(curvature, dots, linear, Damping, Options.AdaptiveLearningRate,
            Options.AdaptiveMomentum, Options.LearningRate, Options.Momentum, hasPrevious);
        var update = Scale(direction, w[0]);
        if (hasPrevious && w[1] != 0) update = Add(update, Scale(_previousUpdate!, w[1]));
        double l2Before = l2 > 0 ? 0.5 * l2 * SquaredNorm() : 0;
        Apply(update);
        _previousUpdate = update;
        StepCount++;
        double rho = double.NaN;
        if (Options.AdaptiveDamping && StepCount % Options.DampingAdaptationInterval == 0)
            rho = AdaptDamping(forward, loss, lossValue + l2Before, change);
        return new(lossValue, false, -w[0], hasPrevious ? w[1] : 0, Damping, change, rho);
    }

    /// <summary>Δ = (C + (λ + l2)I)⁻¹ g for CPU float64 vectors g, block by block (a block without
    /// statistics has only the damping).</summary>
    public NDArray[] Precondition(NDArray[] gradients)
    {
        var result = new NDArray[_parameters.Count];
        for (int b = 0; b < _blocks.Count; b++)
        {
            var indices = _blockParameterIndices[b];
            var part = indices.Select(i => gradients[i]).ToArray();
            var solved = _blocks[b].HasStatistics ? _blocks[b].MultiplyInverse(part)
                : part.Select(v => v * (1 / (Damping + Options.L2Regularization))).ToArray();
            for (int k = 0; k < indices.Length; k++) result[indices[k]] = solved[k];
        }
        return result;
    }

    private NDArray[] ApproximateCurvature(NDArray[] vector)
    {
        var result = new NDArray[_parameters.Count];
        for (int b = 0; b < _blocks.Count; b++)
        {
            var indices = _blockParameterIndices[b];
            var part = indices.Select(i => vector[i]).ToArray();
            var product = _blocks[b].HasStatistics ? _blocks[b].Multiply(part, 0) : part.Select(v => v * 0).ToArray();
            for (int k = 0; k < indices.Length; k++) result[indices[k]] = product[k];
        }
        return result;
    }

    private static double GaussNewtonInner(RegisteredLoss loss, Tensor outputs, double[] u, double[] w) =>
        loss.CurvatureInner(outputs.Data.ToDoubleArray(), u, w, outputs.Dim(0), outputs.Dim(1));

    /// <summary>Levenberg–Marquardt: ρ = (L(θ + δ) − L(θ)) / Δq on the same batch; λ shrinks when ρ > ¾
    /// and grows when ρ < ¼, by ω^interval, clipped to [min, max] (NaN counts as ρ = −100).</summary>
    private double AdaptDamping(Func<Tensor> forward, RegisteredLoss loss, double lossBefore, double change)
    {
        double lossAfter;
        using (GradMode.NoGrad()) lossAfter = loss.Value(forward()).Item();
        if (Options.L2Regularization > 0) lossAfter += 0.5 * Options.L2Regularization * SquaredNorm();
        double rho = (lossAfter - lossBefore) / change;
        if (double.IsNaN(rho)) rho = -100;
        double factor = Math.Pow(Options.DampingAdaptationDecay, Options.DampingAdaptationInterval);
        if (rho < 0.25) Damping /= factor;
        else if (rho > 0.75) Damping *= factor;
        Damping = Math.Clamp(Damping, Options.MinDamping, Options.MaxDamping);
        return rho;
    }

    private void Apply(NDArray[] update)
    {
        using var _ = GradMode.NoGrad();
        for (int p = 0; p < _parameters.Count; p++)
        {
            var parameter = _parameters[p];
            parameter.SetData((parameter.Data.ToDType(DType.Float64) + update[p].To(parameter.Device)).ToDType(parameter.DType).Contiguous());
        }
    }

    private double SquaredNorm()
    {
        double total = 0;
        foreach (var parameter in _parameters)
        {
            var values = parameter.Data.ToDType(DType.Float64);
            total += (values * values).Sum().Item();
        }
        return total;
    }

    private static double Dot(NDArray[] a, NDArray[] b)
    {
        double total = 0;
        for (int i = 0; i < a.Length; i++) total += (a[i] * b[i]).Sum().Item();
        return total;
    }

    private static NDArray[] Scale(NDArray[] a, double s) => a.Select(v => v * s).ToArray();

    private static NDArray[] Add(NDArray[] a, NDArray[] b) => a.Select((v, i) => v + b[i]).ToArray();
}
