// `engine reproduce iwpla`: spec irl-rl.md §F E-2 (hold-out adaptation against the ablations of §E.2) on the
// corridor maze, with the exact success probability of each variant's policy after M adaptation episodes; prints
// PASS/FAIL for the claim and writes an SVG, a Markdown table and a CSV to --out.
using System.Globalization;
using System.Text;
using Engine.Training.Cli;
using Engine.Training.Rl.Priors;
using Engine.Training.Reporting;

namespace Engine.Training.Rl.Iwpla;

public static class IwplaReproduction
{
    public const string Summary = "importance weighted policy learning and adaptation (Galashov 2020): spec E-2";

    public static int Run(string[] args)
    {
        if (args is ["--help"] or ["-h"])
        {
            Console.WriteLine("usage: engine reproduce iwpla [--seeds 5] [--pretrain 600] [--eta 0.1] [--layout corridors|open] [--out reproduce-iwpla]");
            return 0;
        }
        var options = new Arguments("reproduce iwpla", args, new HashSet<string>());
        var settings = new IwplaExperimentSettings(Seeds: options.Int("seeds", 5, 1, 100), PretrainEpisodes: options.Int("pretrain", 600, 1, 1_000_000))
        { Agent = new IwplaSettings(Temperature: options.Double("eta", 0.1, 1e-6, 1e6)) };
        string layout = options.String("layout") ?? "corridors";
        if (!GoalMaze.Layouts.ContainsKey(layout)) throw new UsageException($"reproduce iwpla: unknown --layout '{layout}' (known: {string.Join(", ", GoalMaze.Layouts.Keys)})");
        string outDir = options.String("out") ?? "reproduce-iwpla";
        options.RejectUnknown();
        Directory.CreateDirectory(outDir);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var runs = IwplaExperiment.Run(GoalMaze.Named(layout), settings, Console.WriteLine);
        var checkpoints = settings.AdaptationCheckpoints;
        var report = new StringBuilder();
        void Say(string line) { Console.WriteLine(line); report.AppendLine(line); }
        Say(F($"E-2 adaptation to the held-out goal (layout '{layout}', {settings.Seeds} seeds, {settings.PretrainEpisodes} pretraining episodes, η = {settings.Agent.Temperature}, {clock.Elapsed.TotalSeconds:F0} s)"));
        var pretrain = PriorExperiments.MeanSem(runs.Where(r => r.Variant == AdaptationVariant.PretrainedTorsoLearnedPrior).Select(r => r.PretrainSuccess));
        Say(F($"  pretraining success on the training goals: {pretrain.Mean:F3} ± {pretrain.Sem:F3}"));
        var table = new StringBuilder("| variant | " + string.Join(" | ", checkpoints.Select(m => $"success after {m}")) + " |\n|---|" + string.Concat(checkpoints.Select(_ => "---|")) + "\n");
        var mean = new Dictionary<AdaptationVariant, double[]>();
        foreach (var variant in Enum.GetValues<AdaptationVariant>())
        {
            var cells = Enumerable.Range(0, checkpoints.Length).Select(c => PriorExperiments.MeanSem(runs.Where(r => r.Variant == variant).Select(r => r.SuccessAfter[c]))).ToArray();
            mean[variant] = cells.Select(c => c.Mean).ToArray();
            string row = string.Join(" | ", cells.Select(c => F($"{c.Mean:F3} ± {c.Sem:F3}")));
            Say($"  {variant,-28} {row}");
            table.AppendLine($"| {variant} | {row} |");
        }
        int at30 = Array.IndexOf(checkpoints, 30);
        if (at30 >= 0)
        {
            double a = mean[AdaptationVariant.PretrainedTorsoLearnedPrior][at30];
            Say(F($"E-2 success(a) after 30 ≥ success(d) + 0.2: {(a >= mean[AdaptationVariant.ActorCriticFromScratch][at30] + 0.2 ? "PASS" : "FAIL")}"));
            Say(F($"E-2 success(a) after 30 ≥ success(b): {(a >= mean[AdaptationVariant.PretrainedTorsoUniformPrior][at30] ? "PASS" : "FAIL")}"));
        }
        File.WriteAllText(Path.Combine(outDir, "adaptation.svg"), SeriesPlot.Render(
            "E-2: exact success on the held-out goal (mean of seeds)", "adaptation episodes", "success probability",
            Enum.GetValues<AdaptationVariant>().Select(v => new PlotSeries(v.ToString(), checkpoints.Select((m, c) => ((double)m, mean[v][c])).ToList())).ToList(), yMinimum: 0, yMaximum: 1));
        File.WriteAllText(Path.Combine(outDir, "table.md"), table.ToString());
        File.WriteAllText(Path.Combine(outDir, "report.txt"), report.ToString());
        var csv = new StringBuilder("variant,seed," + string.Join(',', checkpoints.Select(m => $"after{m}")) + "\n");
        foreach (var r in runs) csv.AppendLine($"{r.Variant},{r.Seed}," + string.Join(',', r.SuccessAfter.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        File.WriteAllText(Path.Combine(outDir, "adaptation.csv"), csv.ToString());
        Console.WriteLine($"wrote {outDir}/adaptation.svg, table.md, report.txt, adaptation.csv");
        return 0;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
