// `engine train` on prompt/response (JSONL) data: the LM training loop (AdamW, warm-up + cosine learning
// rate, global-norm clipping, atomic checkpoints, resume) with one of the IRL objectives in place of
// next-byte prediction. Every 20th pair is held out (when there are at least 20) and its per-token
// response NLL is the validation loss. The run folder has the same files as a text run.
using System.Diagnostics;
using System.Globalization;
using Engine.Autograd;
using Engine.Models.Lm;
using Engine.Nn.Checkpoints;
using Engine.Optim;
using Engine.Tensors;
using Engine.Training.Data;
using Engine.Training.Lm;
using Engine.Training.Reporting;

namespace Engine.Training.Irl;

public sealed record IrlRunResult(long FinalStep, IReadOnlyList<double> TrainLosses, double? ValidationLoss, LanguageModel Model,
    IReadOnlyList<PromptResponse> Validation);

public static class IrlTrainer
{
    private const ulong SamplerSalt = 0x5A3D_0F1E_77C2_9B41UL;

    public static IrlObjective ObjectiveOf(LmRunConfig config) => new IrlObjective(IrlObjective.Parse(config.Objective),
        config.Lambda, config.Gamma, config.EntropyBeta, config.MixIn, config.ResponseLimit).Validated();

    /// <summary>Splits pairs into train and held-out: every 20th pair is held out when there are 20 or more.</summary>
    public static (IReadOnlyList<PromptResponse> Train, IReadOnlyList<PromptResponse> Validation) Split(IReadOnlyList<PromptResponse> pairs)
    {
        if (pairs.Count < 20) return (pairs, []);
        return ([.. pairs.Where((_, i) => i % 20 != 19)], [.. pairs.Where((_, i) => i % 20 == 19)]);
    }

    public static IrlRunResult Run(LmRunConfig config, string runDir, Progress progress, LmCheckpoint? checkpoint = null,
        string? checkpointSource = null, long? stopAtStep = null)
    {
        config = config.Validated("train");
        var objective = ObjectiveOf(config);
        Directory.CreateDirectory(runDir);
        AtomicFile.Write(Path.Combine(runDir, "config.json"), s => s.Write(System.Text.Encoding.UTF8.GetBytes(config.ToJson())));
        var (train, validation) = Split(PromptResponseFile.Read(config.Data!));
        int longest = train.Max(p => p.Prompt.Length + p.Response.Length);
        if (longest > config.SequenceLength)
            throw new EngineException($"{config.Data}: a prompt plus response has {longest} tokens, more than --seq {config.SequenceLength}");
        var batcher = new PromptResponseBatcher(train, config.BatchSize, config.Seed);
        var model = ModelCatalog.Create(config.Model, config.Seed);
        var optimizer = new AdamW(LmTrainer.ParameterGroups(model, config));
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
        progress.Line(string.Create(CultureInfo.InvariantCulture,
            $"model {config.Model}: {model.ParameterCount:N0} parameters; {config.Data}: {train.Count} train / {validation.Count} held-out pairs; objective {config.Objective}"));

        var metrics = new MetricsLog(Path.Combine(runDir, "metrics.jsonl"), step);
        var losses = new List<double>();
        double? lastValidation = null;
        var clock = Stopwatch.StartNew();
        long firstStep = step, tokens = 0;
        while (step < config.Steps)
        {
            double lr = schedule.LearningRate(step);
            optimizer.SetLearningRate(lr);
            using (BufferScope.Begin())
            {
                var pairs = batcher.NextPairs();
                tokens += pairs.Sum(p => p.Prompt.Length + p.Response.Length);
                var loss = IrlTraining.Loss(model, pairs, objective, ByteTokenizer.Pad, ByteTokenizer.Eos, step, config.Seed ^ SamplerSalt);
                optimizer.ZeroGrad();
                loss.Backward();
                GradClip.ClipGlobalNorm(model.Parameters(), config.GradClip);
                optimizer.Step();
                losses.Add(loss.Item());
                optimizer.ZeroGrad();
            }
            step++;

            double seconds = clock.Elapsed.TotalSeconds;
            bool outOfTime = config.TimeLimitSeconds > 0 && seconds >= config.TimeLimitSeconds;
            bool last = step == config.Steps || outOfTime || step == stopAtStep;
            double? held = null;
            if (validation.Count > 0 && (step % config.EvalEvery == 0 || last))
            {
                held = IrlTraining.HeldOutNll(model, validation, ByteTokenizer.Pad);
                lastValidation = held;
                progress.Line(string.Create(CultureInfo.InvariantCulture, $"step {step}: train loss {losses[^1]:F4}, held-out response NLL {held:F4} nats/token"));
            }
            metrics.Append(new MetricsRow(step, losses[^1], held, lr, tokens / Math.Max(seconds, 1e-9), seconds));
            if (held is not null || last) WritePlot(runDir, config, metrics);
            if (step % config.CheckpointEvery == 0 || last)
                LmCheckpoint.Save(LmTrainer.CheckpointPath(runDir), config, step, batcher.State, model, optimizer);
            progress.Step(step, config.Steps, losses[^1], tokens / Math.Max(seconds, 1e-9), TimeSpan.FromSeconds(seconds / Math.Max(step - firstStep, 1) * (config.Steps - step)));
            if (outOfTime || step == stopAtStep)
            {
                progress.Line(outOfTime ? $"stopping at step {step}: the time limit of {config.TimeLimitSeconds:G} s is reached" : $"stopping at step {step} as asked");
                break;
            }
        }
        progress.Done();
        return new IrlRunResult(step, losses, lastValidation, model, validation);
    }

    private static void WritePlot(string runDir, LmRunConfig config, MetricsLog metrics)
    {
        var train = metrics.Rows.Select(r => ((double)r.Step, r.TrainLoss)).ToList();
        var held = metrics.Rows.Where(r => r.ValidationLoss is not null).Select(r => ((double)r.Step, r.ValidationLoss!.Value)).ToList();
        string svg = SvgPlot.LossCurves($"{config.Model}, {config.Objective} on {Path.GetFileName(config.Data)}", train, held);
        AtomicFile.Write(Path.Combine(runDir, "curves.svg"), s => s.Write(System.Text.Encoding.UTF8.GetBytes(svg)));
    }
}
