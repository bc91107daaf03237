// The outputs of `engine reproduce griffin`: results.json (every measured number), results.md (the tables
// docs/papers/griffin.md quotes) and one SVG plot per part that ran.
using System.Globalization;
using System.Text;
using System.Text.Json;
using Engine.Nn.Checkpoints;
using Engine.Training.Reporting;

namespace Engine.Training.Experiments.Griffin;

public sealed class GriffinReport(string outDir)
{
    public const string TablesFile = "results.md", JsonFile = "results.json";

    public List<TaskResult>? SelectiveCopying { get; set; }
    public List<TaskResult>? InductionHeads { get; set; }
    public List<ExtrapolationResult>? Extrapolation { get; set; }
    public List<StepTimeRow>? StepTime { get; set; }

    public void Write()
    {
        var md = new StringBuilder("# engine reproduce griffin\n");
        if (SelectiveCopying is { } copy)
        {
            TaskTables(md, "Selective copying", copy);
            Save("selective-copying.svg", SeriesPlot.Render("Selective copying: answer accuracy while training", "training step", "accuracy at the training length",
                [.. copy.Select(r => new PlotSeries(Label(r.Family, r.Parameters), [.. r.Curve.Select(p => ((double)p.Step, p.Accuracy))]))]));
        }
        if (InductionHeads is { } induction)
        {
            TaskTables(md, "Induction heads", induction);
            Save("induction-heads.svg", SeriesPlot.Render("Induction heads: accuracy against test length", "test sequence length (trained at the first)", "accuracy",
                [.. induction.Select(r => new PlotSeries(Label(r.Family, r.Parameters), [.. r.AccuracyByLength.Select(p => ((double)p.Key, p.Value))]))], logX: true, logBase: 2));
        }
        if (Extrapolation is { } lm)
        {
            ExtrapolationTable(md, lm);
            Save("extrapolation.svg", SeriesPlot.Render("Byte LM: validation loss against evaluation length", "evaluation window (trained at the first)", "loss over the window (nats/byte)",
                [.. lm.Select(r => new PlotSeries(Label(r.Family, r.Parameters), [.. r.WindowLoss.Select(p => ((double)p.Key, p.Value))]))], logX: true, logBase: 2));
        }
        if (StepTime is { } steps)
        {
            StepTimeTable(md, steps);
            Save("step-time.svg", SeriesPlot.Render("Training step time at fixed tokens per batch", "sequence length", "CPU ms per AdamW step (median)",
                [.. steps.GroupBy(r => r.Family).Select(g => new PlotSeries(Label(g.Key, g.First().Parameters), [.. g.Select(r => ((double)r.Length, r.MedianCpuMs))]))], logX: true, logBase: 2));
        }
        Save(TablesFile, md.ToString());
        Save(JsonFile, Json());
    }

    private static string Label(Family family, long parameters) => $"{FamilyConfigs.Name(family)} ({parameters:N0} params)";

    private static void TaskTables(StringBuilder md, string title, List<TaskResult> results)
    {
        var lengths = results[0].AccuracyByLength.Keys.ToList();
        md.Append(Invariant($"\n## {title}\n\n| model | parameters | seconds | "))
          .Append(string.Join(" | ", lengths.Select(l => Invariant($"accuracy at {l}"))))
          .Append(" |\n| --- | ---: | ---: |").Append(string.Concat(lengths.Select(_ => " ---: |"))).Append('\n');
        foreach (var r in results)
            md.Append(Invariant($"| {FamilyConfigs.Name(r.Family)} | {r.Parameters:N0} | {r.Seconds:F0} | "))
              .Append(string.Join(" | ", lengths.Select(l => Percent(r.AccuracyByLength[l])))).Append(" |\n");
        var steps = results[0].Curve.Select(p => p.Step).ToList();
        md.Append("\nAccuracy at the training length while training:\n\n| step | ")
          .Append(string.Join(" | ", results.Select(r => FamilyConfigs.Name(r.Family)))).Append(" |\n| ---: |")
          .Append(string.Concat(results.Select(_ => " ---: |"))).Append('\n');
        for (int i = 0; i < steps.Count; i++)
            md.Append(Invariant($"| {steps[i]} | ")).Append(string.Join(" | ", results.Select(r => Percent(r.Curve[i].Accuracy)))).Append(" |\n");
    }

    private static void ExtrapolationTable(StringBuilder md, List<ExtrapolationResult> results)
    {
        var lengths = results[0].WindowLoss.Keys.ToList();
        int trained = lengths[0];
        md.Append("\n## Length extrapolation (byte LM, nats per byte)\n\n| model | parameters | train loss (last 20 steps) | ")
          .Append(string.Join(" | ", lengths.Select(l => Invariant($"window {l}"))))
          .Append(" | ").Append(string.Join(" | ", lengths.Skip(1).Select(l => Invariant($"positions {trained}..{l - 1}"))))
          .Append(" |\n| --- | ---: | ---: |").Append(string.Concat(Enumerable.Repeat(" ---: |", 2 * lengths.Count - 1))).Append('\n');
        foreach (var r in results)
            md.Append(Invariant($"| {FamilyConfigs.Name(r.Family)} | {r.Parameters:N0} | {r.FinalTrainLoss:F3} | "))
              .Append(string.Join(" | ", lengths.Select(l => Invariant($"{r.WindowLoss[l]:F3}"))))
              .Append(" | ").Append(string.Join(" | ", lengths.Skip(1).Select(l => Invariant($"{r.BeyondTrainLoss[l]:F3}")))).Append(" |\n");
    }

    private static void StepTimeTable(StringBuilder md, List<StepTimeRow> rows)
    {
        var families = rows.Select(r => r.Family).Distinct().ToList();
        md.Append("\n## Training step time (median per AdamW step, fixed tokens per batch)\n\nProcess CPU ms (all threads) and, in brackets, wall ms; the ratio is of CPU times.\n\n| batch x length | ")
          .Append(string.Join(" | ", families.Select(f => FamilyConfigs.Name(f)))).Append(" | MQA / Griffin |\n| --- |")
          .Append(string.Concat(families.Select(_ => " ---: |"))).Append(" ---: |\n");
        foreach (var group in rows.GroupBy(r => r.Length))
        {
            var byFamily = group.ToDictionary(r => r.Family);
            string ratio = byFamily.TryGetValue(Family.Mqa, out var mqa) && byFamily.TryGetValue(Family.Griffin, out var griffin)
                ? Invariant($"{mqa.MedianCpuMs / griffin.MedianCpuMs:F2}") : "";
            md.Append(Invariant($"| {group.First().Batch} x {group.Key} | "))
              .Append(string.Join(" | ", families.Select(f => byFamily.TryGetValue(f, out var r) ? Invariant($"{r.MedianCpuMs:F0} ({r.MedianMs:F0})") : "")))
              .Append($" | {ratio} |\n");
        }
    }

    private string Json()
    {
        var options = new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
        options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        return JsonSerializer.Serialize(new { selective_copying = SelectiveCopying, induction_heads = InductionHeads, extrapolation = Extrapolation, step_time = StepTime }, options);
    }

    private void Save(string name, string text) =>
        AtomicFile.Write(Path.Combine(outDir, name), s => s.Write(Encoding.UTF8.GetBytes(text)));

    private static string Percent(double value) => Invariant($"{100 * value:F1} %");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
