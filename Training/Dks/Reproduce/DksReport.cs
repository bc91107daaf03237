// Writes the outputs of `engine reproduce dks` into the output folder: metrics.jsonl (one line per
// evaluation point and arm), four SVG charts (train loss and test accuracy against steps and against
// training seconds) and results.md, the Markdown table that docs/papers/dks.md quotes.
using System.Globalization;
using System.Text;
using System.Text.Json;
using Engine.Nn.Checkpoints;
using Engine.Training.Reporting;

namespace Engine.Training.Dks.Reproduce;

public static class DksReport
{
    public static readonly string[] Files =
        ["metrics.jsonl", "loss_vs_steps.svg", "loss_vs_seconds.svg", "accuracy_vs_steps.svg", "accuracy_vs_seconds.svg", "results.md"];

    public static void Write(string directory, DksExperimentConfig config, IReadOnlyList<ArmResult> results, string dataDescription)
    {
        Directory.CreateDirectory(directory);
        var metrics = new StringBuilder();
        foreach (var result in results)
            foreach (var point in result.Curve)
                metrics.Append(JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["arm"] = result.Arm.Name,
                    ["step"] = point.Step,
                    ["seconds"] = Math.Round(point.Seconds, 3),
                    ["train_loss"] = double.IsFinite(point.TrainLoss) ? point.TrainLoss : null,
                    ["test_accuracy"] = double.IsFinite(point.TestAccuracy) ? point.TestAccuracy : null,
                })).Append('\n');
        WriteText(directory, "metrics.jsonl", metrics.ToString());
        Chart(directory, "loss_vs_steps.svg", "training loss (mean over each interval)", "step", "cross-entropy", results, p => p.Step, p => p.TrainLoss);
        Chart(directory, "loss_vs_seconds.svg", "training loss against training time", "seconds", "cross-entropy", results, p => p.Seconds, p => p.TrainLoss);
        Chart(directory, "accuracy_vs_steps.svg", "test accuracy", "step", "accuracy", results, p => p.Step, p => p.TestAccuracy);
        Chart(directory, "accuracy_vs_seconds.svg", "test accuracy against training time", "seconds", "accuracy", results, p => p.Seconds, p => p.TestAccuracy);
        WriteText(directory, "results.md", Table(config, results, dataDescription));
    }

    public static string Table(DksExperimentConfig config, IReadOnlyList<ArmResult> results, string dataDescription)
    {
        var md = new StringBuilder();
        md.Append(Invariant($"{dataDescription}; batch {config.BatchSize}, {config.Steps} SGD steps, {config.KfacSteps} K-FAC steps; deep nets: {config.Depth} nonlinear layers of width {config.Width}; seed {config.Seed}.\n\n"));
        md.Append("| arm | optimizer | parameters | steps | training seconds | final train loss | final test accuracy | best test accuracy | seconds per step | steps to 70% test accuracy |\n");
        md.Append("|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var r in results)
        {
            var evaluated = r.Curve.Where(p => double.IsFinite(p.TestAccuracy)).ToList();
            var last = r.Curve[^1];
            var reached = evaluated.FirstOrDefault(p => p.TestAccuracy >= 0.7);
            string loss = r.Diverged ? "diverged" : double.IsFinite(last.TrainLoss) ? Invariant($"{last.TrainLoss:F3}") : "n/a";
            md.Append(Invariant($"| {r.Arm.Name} | {OptimizerLabel(config, r.Arm)} | {r.Parameters:N0} | {last.Step} | {last.Seconds:F1} | {loss} | {Percent(evaluated.Count > 0 ? evaluated[^1].TestAccuracy : double.NaN)} | {Percent(evaluated.Count > 0 ? evaluated.Max(p => p.TestAccuracy) : double.NaN)} | {r.SecondsPerStep:F3} | {(reached is null ? "not reached" : reached.Step.ToString(CultureInfo.InvariantCulture))} |\n"));
        }
        var sgd = results.FirstOrDefault(r => r.Arm.Network == NetworkKind.TatDeep && r.Arm.Optimizer == OptimizerKind.Sgd);
        foreach (var kfac in results.Where(r => r.Arm.Network == NetworkKind.TatDeep && r.Arm.Optimizer != OptimizerKind.Sgd))
            if (sgd is not null && sgd.SecondsPerStep > 0)
                md.Append(Invariant($"\nK-FAC step time / SGD step time on the same TAT network ({kfac.Arm.Name}): {kfac.SecondsPerStep / sgd.SecondsPerStep:F2}x ({kfac.SecondsPerStep * 1000:F0} ms against {sgd.SecondsPerStep * 1000:F0} ms).\n"));
        return md.ToString();
    }

    private static void Chart(string directory, string file, string title, string xLabel, string yLabel, IReadOnlyList<ArmResult> results,
        Func<CurvePoint, double> x, Func<CurvePoint, double> y)
    {
        var series = results.Select((r, i) =>
        {
            var points = r.Curve.Select(p => (X: x(p), Y: y(p))).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
            string last = points.Count > 0 ? Invariant($"{points[^1].Y:G4}") : "n/a";
            return new PlotSeries($"{r.Arm.Name} (last {last})", points, SeriesPlot.Palette[i % SeriesPlot.Palette.Length]);
        }).ToList();
        WriteText(directory, file, SeriesPlot.Render(title, xLabel, yLabel, series));
    }

    private static string OptimizerLabel(DksExperimentConfig config, Arm arm) => arm.Optimizer == OptimizerKind.Sgd
        ? Invariant($"SGD lr {config.SgdLearningRate ?? arm.SgdLearningRate:G3}, momentum {config.SgdMomentum:G3}")
        : KfacLabel(arm.Optimizer == OptimizerKind.Kfac ? config.Kfac : config.KfacFixed);

    private static string KfacLabel(Engine.Optim.Kfac.KfacOptions o) => o.AdaptiveLearningRate
        ? Invariant($"K-FAC, adaptive lr/momentum/damping (initial {o.Damping:G3})")
        : Invariant($"K-FAC lr {o.LearningRate:G3}, momentum {o.Momentum:G3}, damping {o.Damping:G3}, norm constraint {o.NormConstraint:G3}");

    private static string Percent(double value) => double.IsFinite(value) ? Invariant($"{100 * value:F1}%") : "n/a";

    private static void WriteText(string directory, string file, string text) =>
        AtomicFile.Write(Path.Combine(directory, file), s => s.Write(Encoding.UTF8.GetBytes(text)));

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
