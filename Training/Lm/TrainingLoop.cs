// The step loop shared by text training (LmTrainer) and prompt/response training (IrlTrainer): the
// learning-rate schedule, one BufferScope per step, backward, global-norm clipping and the optimizer step,
// periodic validation, the metrics log and loss plot, atomic checkpoints, the time limit and --stop-at.
// What differs between the two (the batch and its loss, the held-out loss and how it reads, the data
// stream's resumable state, the plot title) comes in as a TrainingTask.
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

/// <param name="Loss">The loss of step n on the next batch, and the number of tokens in that batch.</param>
/// <param name="Validate">The held-out loss, or null when nothing is held out.</param>
/// <param name="DescribeValidation">How a held-out loss reads in the progress line.</param>
/// <param name="DataState">The data stream's position, saved in every checkpoint.</param>
internal sealed record TrainingTask(
    Func<long, (Tensor Loss, long Tokens)> Loss,
    Func<double>? Validate,
    Func<double, string> DescribeValidation,
    Func<BatcherState> DataState,
    string PlotTitle);

internal sealed record LoopResult(long FinalStep, List<double> TrainLosses, double? ValidationLoss);

internal static class TrainingLoop
{
    /// <summary>Puts a checkpoint's weights, optimizer state and data position back; returns the step to go
    /// on from (0 when there is no checkpoint).</summary>
    public static long Resume(LmCheckpoint? checkpoint, string? source, LanguageModel model, AdamW optimizer,
        Action<BatcherState> restoreData, Progress progress)
    {
        if (checkpoint is null) return 0;
        checkpoint.LoadInto(model, source ?? "checkpoint");
        optimizer.LoadState(checkpoint.Optimizer);
        restoreData(checkpoint.Data);
        progress.Line($"resumed from {source ?? "checkpoint"} at step {checkpoint.Step}");
        return checkpoint.Step;
    }

    public static LoopResult Run(LmRunConfig config, string runDir, Progress progress, LanguageModel model, AdamW optimizer,
        long step, long? stopAtStep, TrainingTask task)
    {
        var schedule = new WarmupCosineLr(config.LearningRate, Math.Min(config.WarmupSteps, config.Steps), config.Steps, config.MinLearningRate);
        var metrics = new MetricsLog(Path.Combine(runDir, "metrics.jsonl"), step);
        var losses = new List<double>();
        double? lastValidation = null;
        var clock = Stopwatch.StartNew();
        long firstStep = step, tokens = 0;
        while (step < config.Steps)
        {
            double lr = schedule.LearningRate(step);
            optimizer.SetLearningRate(lr);
            // Every array the step allocates (activations, gradients) goes back to the pool at the end of
            // the step; parameters and optimizer state live outside the scope and are updated in place.
            using (BufferScope.Begin())
            {
                var (loss, batchTokens) = task.Loss(step);
                tokens += batchTokens;
                optimizer.ZeroGrad();
                loss.Backward();
                GradClip.ClipGlobalNorm(model.Parameters(), config.GradClip);
                optimizer.Step();
                losses.Add(loss.Item());
                optimizer.ZeroGrad();
            }
            step++;

            double seconds = clock.Elapsed.TotalSeconds;
            double tokensPerSecond = tokens / Math.Max(seconds, 1e-9);
            bool outOfTime = config.TimeLimitSeconds > 0 && seconds >= config.TimeLimitSeconds;
            bool last = step == config.Steps || outOfTime || step == stopAtStep;
            double? validation = null;
            if (task.Validate is not null && (step % config.EvalEvery == 0 || last))
            {
                validation = task.Validate();
                lastValidation = validation;
                progress.Line(string.Create(CultureInfo.InvariantCulture,
                    $"step {step}: train loss {losses[^1]:F4}, {task.DescribeValidation(validation.Value)}"));
            }
            metrics.Append(new MetricsRow(step, losses[^1], validation, lr, tokensPerSecond, seconds));
            if (validation is not null || last) WritePlot(runDir, task.PlotTitle, metrics);
            if (step % config.CheckpointEvery == 0 || last)
                LmCheckpoint.Save(LmTrainer.CheckpointPath(runDir), config, step, task.DataState(), model, optimizer);
            progress.Step(step, config.Steps, losses[^1], tokensPerSecond, TimeSpan.FromSeconds(EstimateRemaining(config, step, firstStep, seconds)));
            if (outOfTime || step == stopAtStep)
            {
                progress.Line(outOfTime ? $"stopping at step {step}: the time limit of {config.TimeLimitSeconds:G} s is reached" : $"stopping at step {step} as asked");
                break;
            }
        }
        progress.Done();
        return new LoopResult(step, losses, lastValidation);
    }

    private static double EstimateRemaining(LmRunConfig config, long step, long firstStep, double seconds)
    {
        double perStep = seconds / Math.Max(step - firstStep, 1);
        double bySteps = (config.Steps - step) * perStep;
        return config.TimeLimitSeconds > 0 ? Math.Max(0, Math.Min(bySteps, config.TimeLimitSeconds - seconds)) : bySteps;
    }

    private static void WritePlot(string runDir, string title, MetricsLog metrics)
    {
        var train = metrics.Rows.Select(r => ((double)r.Step, r.TrainLoss)).ToList();
        var validation = metrics.Rows.Where(r => r.ValidationLoss is not null).Select(r => ((double)r.Step, r.ValidationLoss!.Value)).ToList();
        string svg = SvgPlot.LossCurves(title, Smooth(train), validation);
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
