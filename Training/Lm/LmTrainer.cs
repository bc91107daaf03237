// The language-model training loop: AdamW with warm-up + cosine learning rate and global-norm clipping
// on shuffled byte windows; evaluation (loss, bits per byte) every EvalEvery steps; an atomic checkpoint
// every CheckpointEvery steps. A run resumed from a checkpoint continues the identical trajectory: the
// model, the optimizer buffers, the step and the data stream's position are all restored.
using System.Diagnostics;
using System.Globalization;
using Engine.Autograd;
using Engine.Models.Lm;
using Engine.Nn.Checkpoints;
using Engine.Optim;
using Engine.Tensors;
using Engine.Training.Data;
using Engine.Training.Reporting;

namespace Engine.Training.Lm;

public sealed record LmRunResult(long FinalStep, IReadOnlyList<double> TrainLosses, double? ValidationLoss, LanguageModel Model);

public sealed class LmTrainer
{
    public const string CheckpointFile = "checkpoint.safetensors";

    public static string CheckpointPath(string runDir) => Path.Combine(runDir, CheckpointFile);

    /// <summary>Trains from scratch, or on from a checkpoint (pass its config, with any deliberate changes).
    /// stopAtStep ends this invocation early (with a checkpoint) without changing the schedule.</summary>
    public static LmRunResult Run(LmRunConfig config, string runDir, Progress progress, LmCheckpoint? checkpoint = null,
        string? checkpointSource = null, long? stopAtStep = null, Device? device = null)
    {
        config = config.Validated("train");
        Directory.CreateDirectory(runDir);
        AtomicFile.Write(Path.Combine(runDir, "config.json"), s => s.Write(System.Text.Encoding.UTF8.GetBytes(config.ToJson())));

        string data = config.Data ?? DefaultCorpus.Extract(Path.Combine(runDir, "corpus"));
        using var corpus = config.OpenCorpus(data);
        var batcher = new TokenBatcher(corpus.Train, config.BatchSize, config.SequenceLength, config.Seed);
        bool canValidate = corpus.Validation.TokenCount > config.SequenceLength;
        var model = ModelCatalog.Create(config.Model, config.Seed);
        var optimizer = new AdamW(ParameterGroups(model, config));
        var schedule = new WarmupCosineLr(config.LearningRate, Math.Min(config.WarmupSteps, config.Steps), config.Steps, config.MinLearningRate);
        long step = 0;
        if (checkpoint is not null)
        {
            checkpoint.LoadInto(model, checkpointSource ?? "checkpoint");
            optimizer.LoadState(checkpoint.Optimizer);
            batcher.Restore(checkpoint.Data);
            step = checkpoint.Step;
            progress.Line($"resumed from {checkpointSource ?? "checkpoint"} at step {step}");
        }
        if (device is { Kind: DeviceKind.Gpu } gpu)
        {
            if (checkpoint is not null)
                throw new EngineException($"train: resuming on {gpu} is not supported yet (the optimizer state is loaded on the cpu); resume with --device cpu");
            model.To(gpu);
        }
        progress.Line(string.Create(CultureInfo.InvariantCulture,
            $"model {config.Model}: {model.ParameterCount:N0} parameters; corpus {data}: {corpus.Train.TokenCount:N0} train / {corpus.Validation.TokenCount:N0} validation tokens"));

        var metrics = new MetricsLog(Path.Combine(runDir, "metrics.jsonl"), step);
        var losses = new List<double>();
        double? lastValidation = null;
        var clock = Stopwatch.StartNew();
        long firstStep = step;
        while (step < config.Steps)
        {
            double lr = schedule.LearningRate(step);
            optimizer.SetLearningRate(lr);
            // Every array the step allocates (activations, gradients) goes back to the pool at the end of
            // the step; parameters and optimizer state live outside the scope and are updated in place.
            using (BufferScope.Begin())
            {
                var loss = LmObjective.Loss(model, batcher.Next());
                optimizer.ZeroGrad();
                loss.Backward();
                GradClip.ClipGlobalNorm(model.Parameters(), config.GradClip);
                optimizer.Step();
                losses.Add(loss.Item());
                optimizer.ZeroGrad();
            }
            step++;

            double seconds = clock.Elapsed.TotalSeconds;
            double tokensPerSecond = (step - firstStep) * (double)config.BatchSize * config.SequenceLength / Math.Max(seconds, 1e-9);
            bool outOfTime = config.TimeLimitSeconds > 0 && seconds >= config.TimeLimitSeconds;
            bool last = step == config.Steps || outOfTime || step == stopAtStep;
            double? validation = null;
            if (canValidate && (step % config.EvalEvery == 0 || last))
            {
                validation = LmObjective.Evaluate(model, corpus.Validation, config.BatchSize, config.SequenceLength, config.EvalBatches);
                lastValidation = validation;
                progress.Line(string.Create(CultureInfo.InvariantCulture,
                    $"step {step}: train loss {losses[^1]:F4}, validation loss {validation:F4} ({LmObjective.BitsPerByte(validation.Value):F3} bits/byte)"));
            }
            metrics.Append(new MetricsRow(step, losses[^1], validation, lr, tokensPerSecond, seconds));
            if (validation is not null || last) WritePlot(runDir, config, metrics);
            if (step % config.CheckpointEvery == 0 || last)
                LmCheckpoint.Save(CheckpointPath(runDir), config, step, batcher.State, model, optimizer);
            var eta = TimeSpan.FromSeconds(EstimateRemaining(config, step, firstStep, seconds));
            progress.Step(step, config.Steps, losses[^1], tokensPerSecond, eta);
            if (outOfTime || step == stopAtStep)
            {
                progress.Line(outOfTime ? $"stopping at step {step}: the time limit of {config.TimeLimitSeconds:G} s is reached" : $"stopping at step {step} as asked");
                break;
            }
        }
        progress.Done();
        return new LmRunResult(step, losses, lastValidation, model);
    }

    /// <summary>Matrices get weight decay; vectors (norm scales, biases) do not.</summary>
    internal static IEnumerable<ParamGroup> ParameterGroups(LanguageModel model, LmRunConfig config)
    {
        var decay = model.NamedParameters().Where(p => p.Value.Rank >= 2).ToList();
        var noDecay = model.NamedParameters().Where(p => p.Value.Rank < 2).ToList();
        if (decay.Count > 0) yield return new ParamGroup(decay, config.LearningRate, config.WeightDecay);
        if (noDecay.Count > 0) yield return new ParamGroup(noDecay, config.LearningRate, 0);
    }

    private static double EstimateRemaining(LmRunConfig config, long step, long firstStep, double seconds)
    {
        double perStep = seconds / Math.Max(step - firstStep, 1);
        double bySteps = (config.Steps - step) * perStep;
        return config.TimeLimitSeconds > 0 ? Math.Max(0, Math.Min(bySteps, config.TimeLimitSeconds - seconds)) : bySteps;
    }

    private static void WritePlot(string runDir, LmRunConfig config, MetricsLog metrics)
    {
        var train = metrics.Rows.Select(r => ((double)r.Step, r.TrainLoss)).ToList();
        var validation = metrics.Rows.Where(r => r.ValidationLoss is not null).Select(r => ((double)r.Step, r.ValidationLoss!.Value)).ToList();
        string svg = SvgPlot.LossCurves($"{config.Model} on {(config.Data is null ? "the default corpus" : Path.GetFileName(config.Data.TrimEnd('/')))}", Smooth(train), validation);
        AtomicFile.Write(Path.Combine(runDir, "curves.svg"), s => s.Write(System.Text.Encoding.UTF8.GetBytes(svg)));
    }

    /// <summary>A trailing mean over a window, so the noisy per-batch train loss reads as a curve.</summary>
    private static List<(double X, double Y)> Smooth(List<(double X, double Y)> points)
    {
        int window = Math.Max(1, points.Count / 50);
        var result = new List<(double, double)>(points.Count);
        double sum = 0;
        for (int i = 0; i < points.Count; i++)
        {
            sum += points[i].Y;
            if (i >= window) sum -= points[i - window].Y;
            result.Add((points[i].X, sum / Math.Min(i + 1, window)));
        }
        return result;
    }
}
