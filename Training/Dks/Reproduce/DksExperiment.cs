// The training runs of `engine reproduce dks` (DKS paper section 5 and TAT paper section 5, scaled down
// to Fashion-MNIST on a CPU): each arm trains one network with one optimizer on the same batches and
// records the training loss and test accuracy against steps and against training wall-clock.
// Arms: standard deep net + SGD, TAT deep net + SGD, TAT deep net + K-FAC, shallow net + SGD.
using System.Diagnostics;
using Engine.Autograd;
using Engine.Nn;
using Engine.Nn.Functional;
using Engine.Optim;
using Engine.Optim.Kfac;
using Engine.Tensors;

namespace Engine.Training.Dks.Reproduce;

/// <summary>SGD with momentum; K-FAC with the quadratic-model learning rate and momentum and adaptive damping;
/// K-FAC with kfac-jax's ImageNet-style fixed settings (small lr, momentum 0.9, norm constraint).</summary>
public enum OptimizerKind { Sgd, Kfac, KfacFixed }

/// <summary>One arm; SgdLearningRate is the best of {0.001, 0.003, 0.01, 0.03} in the quick run's tuning
/// sweep (docs/papers/dks.md), unused for K-FAC.</summary>
public sealed record Arm(string Name, NetworkKind Network, OptimizerKind Optimizer, double SgdLearningRate = 0.003);

public sealed record DksExperimentConfig
{
    /// <summary>Steps of the SGD arms.</summary>
    public int Steps { get; init; } = 400;

    /// <summary>Steps of the K-FAC arms (each costs several SGD steps, see docs/papers/dks.md).</summary>
    public int KfacSteps { get; init; } = 80;

    public int BatchSize { get; init; } = 128;
    public int Depth { get; init; } = 50;
    public int Width { get; init; } = 64;
    public int EvalEvery { get; init; } = 20;
    public ulong Seed { get; init; } = 0;
    /// <summary>Overrides every arm's own SGD learning rate when set.</summary>
    public double? SgdLearningRate { get; init; }
    public double SgdMomentum { get; init; } = 0.9;

    /// <summary>Where the networks, their batches and the SGD state live; K-FAC's factors stay on the CPU.</summary>
    public Device Device { get; init; } = Device.Cpu;

    /// <summary>Adaptive learning rate, momentum and damping (as kfac-jax's MNIST examples).</summary>
    public KfacOptions Kfac { get; init; } = new()
    {
        AdaptiveLearningRate = true, AdaptiveMomentum = true, AdaptiveDamping = true, Damping = 1e-2,
        BurnInSteps = 5, CurvatureEma = 0.95, InverseUpdatePeriod = 10,
    };

    /// <summary>Fixed settings after kfac-jax's LReLUNet ImageNet recipe (lr 3e-4, momentum 0.9, damping
    /// 1e-3, norm constraint 1e-3); larger fixed rates diverged in the tuning runs (docs/papers/dks.md).</summary>
    public KfacOptions KfacFixed { get; init; } = new()
    {
        LearningRate = 3e-4, Momentum = 0.9, Damping = 1e-3, NormConstraint = 1e-3,
        BurnInSteps = 5, CurvatureEma = 0.95, InverseUpdatePeriod = 10,
    };

    public static readonly Arm[] DefaultArms =
    [
        new("standard+sgd", NetworkKind.StandardDeep, OptimizerKind.Sgd, 0.003),
        new("tat+sgd", NetworkKind.TatDeep, OptimizerKind.Sgd, 0.003),
        new("tat+kfac", NetworkKind.TatDeep, OptimizerKind.Kfac),
        new("tat+kfac-fixed", NetworkKind.TatDeep, OptimizerKind.KfacFixed),
        new("shallow+sgd", NetworkKind.Shallow, OptimizerKind.Sgd, 0.03),
    ];
}

/// <summary>Inputs already preprocessed ([n, features] float32) and int64 labels [n].</summary>
public sealed record ImageDataset(NDArray TrainInputs, NDArray TrainLabels, NDArray TestInputs, NDArray TestLabels, int Classes);

public sealed record CurvePoint(int Step, double Seconds, double TrainLoss, double TestAccuracy);

public sealed record ArmResult(Arm Arm, IReadOnlyList<CurvePoint> Curve, double SecondsPerStep, bool Diverged, long Parameters);

public static class DksExperiment
{
    public static IReadOnlyList<ArmResult> Run(DksExperimentConfig config, ImageDataset data, IReadOnlyList<Arm> arms, Action<string> log)
    {
        var results = new List<ArmResult>();
        foreach (var arm in arms)
        {
            log($"arm {arm.Name}: {(arm.Network == NetworkKind.Shallow ? 2 : config.Depth)} hidden layers of width {config.Width}, {arm.Optimizer}");
            results.Add(RunArm(config, data, arm, log));
        }
        return results;
    }

    private static ArmResult RunArm(DksExperimentConfig config, ImageDataset data, Arm arm, Action<string> log)
    {
        // Every arm sees the same initial-seed stream and the same batches.
        var rng = new Generator(config.Seed);
        var model = DeepMlp.Build(arm.Network, data.TrainInputs.Dim(1), config.Width, config.Depth, data.Classes, rng);
        model.To(config.Device);
        var batches = new BatchOrder(data.TrainInputs.Dim(0), config.BatchSize, config.Seed + 1);
        Sgd? sgd = arm.Optimizer == OptimizerKind.Sgd
            ? new Sgd([ParamGroup.Of(model, config.SgdLearningRate ?? arm.SgdLearningRate)], momentum: config.SgdMomentum) : null;
        KfacOptimizer? kfac = arm.Optimizer == OptimizerKind.Sgd ? null
            : new KfacOptimizer(model, (arm.Optimizer == OptimizerKind.Kfac ? config.Kfac : config.KfacFixed) with { Seed = config.Seed + 2 });

        var curve = new List<CurvePoint>();
        double seconds = 0, lossSum = 0;
        int lossCount = 0;
        bool diverged = false;
        curve.Add(new(0, 0, double.NaN, Accuracy(model, data.TestInputs, data.TestLabels)));
        int totalSteps = arm.Optimizer == OptimizerKind.Sgd ? config.Steps : config.KfacSteps;
        for (int step = 1; step <= totalSteps; step++)
        {
            var indices = batches.Next();
            var x = new Tensor(data.TrainInputs.IndexSelect(0, indices).To(config.Device));
            var y = new Tensor(data.TrainLabels.IndexSelect(0, indices).To(config.Device));
            var clock = Stopwatch.StartNew();
            double loss;
            if (sgd is not null)
            {
                var value = Losses.CrossEntropy(model.Forward(x), y);
                sgd.ZeroGrad();
                value.Backward();
                sgd.Step();
                loss = value.Item();
            }
            else loss = kfac!.Step(() => model.Forward(x), RegisteredLoss.SoftmaxCrossEntropy(y)).Loss;
            seconds += clock.Elapsed.TotalSeconds;
            if (!double.IsFinite(loss))
            {
                diverged = true;
                log($"  step {step}: loss is {loss}; the arm stops here");
                curve.Add(new(step, seconds, loss, double.NaN));
                break;
            }
            (lossSum, lossCount) = (lossSum + loss, lossCount + 1);
            if (step % config.EvalEvery == 0 || step == totalSteps)
            {
                var point = new CurvePoint(step, seconds, lossSum / lossCount, Accuracy(model, data.TestInputs, data.TestLabels));
                curve.Add(point);
                (lossSum, lossCount) = (0, 0);
                log($"  step {step,5}  {point.Seconds,7:F1} s  train loss {point.TrainLoss:F4}  test accuracy {point.TestAccuracy:P1}");
            }
        }
        int steps = curve[^1].Step;
        return new(arm, curve, steps == 0 ? 0 : seconds / steps, diverged, model.ParameterCount);
    }

    /// <summary>Test accuracy; the inputs go to the model's device a chunk at a time.</summary>
    private static double Accuracy(Layer model, NDArray inputs, NDArray labels)
    {
        var device = model.Parameters().First().Device;
        using var _ = GradMode.NoGrad();
        int n = inputs.Dim(0), correct = 0;
        const int chunk = 1000;
        for (int start = 0; start < n; start += chunk)
        {
            int end = Math.Min(n, start + chunk);
            var logits = model.Forward(new Tensor(inputs.Slice(0, start, end).To(device))).Data;
            var predicted = logits.ArgMax(-1).ToArray<long>();
            var truth = labels.Slice(0, start, end).Contiguous().ToArray<long>();
            for (int i = 0; i < predicted.Length; i++) if (predicted[i] == truth[i]) correct++;
        }
        return (double)correct / n;
    }

    /// <summary>Shuffled epochs of batch indices from a seeded stream; the last partial batch is skipped.</summary>
    private sealed class BatchOrder(int count, int batchSize, ulong seed)
    {
        private readonly Generator _rng = new(seed);
        private int[] _order = [];
        private int _position;

        public NDArray Next()
        {
            if (_position + batchSize > _order.Length)
            {
                if (batchSize > count) throw new EngineException($"reproduce dks: batch size {batchSize} exceeds the {count} training examples");
                _order = _rng.Permutation(count);
                _position = 0;
            }
            var batch = new long[batchSize];
            for (int i = 0; i < batchSize; i++) batch[i] = _order[_position + i];
            _position += batchSize;
            return NDArray.FromArray(batch, batchSize);
        }
    }
}
