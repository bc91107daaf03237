// `engine reproduce priors`: spec irl-rl.md §F-D on the corridor maze. Prints the exact EM check (D-1), the
// learning-speed comparison (D-2) and the transfer comparison (D-3) with a PASS/FAIL line per claim, and
// writes learning curves (SVG), a Markdown table and per-episode success CSVs to --out.
using System.Globalization;
using System.Text;
using Engine.Training.Cli;
using Engine.Training.Rl.PointMass;
using Engine.Training.Reporting;

namespace Engine.Training.Rl.Priors;

public static class PriorsReproduction
{
    public const string Summary = "behaviour priors with information asymmetry (Galashov 2019, Tirumala): spec D-1..D-3";

    public static int Run(string[] args)
    {
        if (args is ["--help"] or ["-h"])
        {
            Console.WriteLine("usage: engine reproduce priors [--seeds 5] [--episodes 1500] [--pretrain 1500] [--transfer 400] [--alpha 0.1] [--sgd --policy-rate R --prior-rate R] [--layout corridors|open] [--no-sweep] [--no-point-mass] [--pm-episodes 150] [--pm-transfer 75] [--out reproduce-priors]");
            return 0;
        }
        var options = new Arguments("reproduce priors", args, new HashSet<string> { "no-sweep", "no-point-mass", "sgd" });
        var settings = new PriorExperimentSettings(
            Seeds: options.Int("seeds", 5, 1, 100),
            Episodes: options.Int("episodes", 1500, 10, 1_000_000),
            PretrainEpisodes: options.Int("pretrain", 1500, 10, 1_000_000),
            TransferEpisodes: options.Int("transfer", 400, 25, 1_000_000))
        {
            ActorCritic = new ActorCriticSettings(Alpha: options.Double("alpha", 0.1, 0, 100), PlainSgd: options.Has("sgd"),
                PolicyRate: options.Double("policy-rate", 0.1, 0, 1e6), PriorRate: options.Double("prior-rate", 0.1, 0, 1e6)),
        };
        string outDir = options.String("out") ?? "reproduce-priors";
        string layout = options.String("layout") ?? "corridors";
        if (!GoalMaze.Layouts.ContainsKey(layout)) throw new UsageException($"reproduce priors: unknown --layout '{layout}' (known: {string.Join(", ", GoalMaze.Layouts.Keys)})");
        bool sweep = !options.Has("no-sweep"), pointMass = !options.Has("no-point-mass");
        var pointMassSettings = new PointMassSettings(Seeds: settings.Seeds, Episodes: options.Int("pm-episodes", 150, 5, 1_000_000),
            PretrainEpisodes: options.Int("pm-episodes", 150, 5, 1_000_000), TransferEpisodes: options.Int("pm-transfer", 75, 10, 1_000_000));
        options.RejectUnknown();
        Directory.CreateDirectory(outDir);
        var maze = GoalMaze.Named(layout);
        Console.WriteLine($"maze layout '{layout}'");
        var report = new StringBuilder();
        void Say(string line) { Console.WriteLine(line); report.AppendLine(line); }

        var em = KlRegularisedObjective.Alternate(maze, settings.ActorCritic.Alpha, 20);
        bool monotone = em.Objectives.Zip(em.Objectives.Skip(1)).All(p => p.Second >= p.First - 1e-9);
        Say(F($"D-1 exact EM on the maze (α = {settings.ActorCritic.Alpha}): J(uniform prior) = {em.Objectives[0]:F6}, J after 20 alternations = {em.Objectives[^1]:F6}, never decreasing: {(monotone ? "PASS" : "FAIL")}"));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var speed = PriorExperiments.LearningSpeed(maze, settings, Console.WriteLine);
        var auc = Enum.GetValues<PriorKind>().ToDictionary(k => k, k => PriorExperiments.MeanSem(speed.Where(r => r.Kind == k).Select(r => r.Auc)));
        var kl = Enum.GetValues<PriorKind>().ToDictionary(k => k, k => PriorExperiments.MeanSem(speed.Where(r => r.Kind == k).Select(r => r.MeanKl.Skip(r.MeanKl.Length * 4 / 5).Average())));
        Say(F($"D-2 learning speed ({settings.Seeds} seeds × {settings.Episodes} episodes, {clock.Elapsed.TotalSeconds:F0} s):"));
        var table = new StringBuilder("| prior | AUC of success (mean ± s.e.m.) | KL(π‖π0) per step, last 20% of episodes |\n|---|---|---|\n");
        foreach (var kind in Enum.GetValues<PriorKind>())
        {
            Say(F($"  {kind,-16} AUC {auc[kind].Mean:F3} ± {auc[kind].Sem:F3}   late KL {kl[kind].Mean:F3} ± {kl[kind].Sem:F3}"));
            table.AppendLine(F($"| {kind} | {auc[kind].Mean:F3} ± {auc[kind].Sem:F3} | {kl[kind].Mean:F3} ± {kl[kind].Sem:F3} |"));
        }
        Say(Verdict("D-2 AUC(asymmetric) ≥ 1.1 × AUC(uniform)", auc[PriorKind.Asymmetric].Mean >= 1.1 * auc[PriorKind.Uniform].Mean));
        Say(Verdict("D-2 AUC(asymmetric) > AUC(full information)", auc[PriorKind.Asymmetric].Mean > auc[PriorKind.FullInformation].Mean));
        if (sweep) SweepAlpha(maze, settings, table, Say);
        int block = Math.Max(1, settings.Episodes / 30);
        File.WriteAllText(Path.Combine(outDir, "learning-speed.svg"), SeriesPlot.Render(
            "D-2: success rate while learning 4 goals (mean of seeds)", "episode", "success rate",
            Enum.GetValues<PriorKind>().Select(k => new PlotSeries(k.ToString(), PriorExperiments.BlockCurve(speed.Where(r => r.Kind == k).Select(r => r.Successes), block))).ToList(), yMinimum: 0, yMaximum: 1));

        clock.Restart();
        var transfer = PriorExperiments.Transfer(maze, settings, Console.WriteLine);
        var median = Enum.GetValues<TransferVariant>().ToDictionary(v => v, v => PriorExperiments.Median(transfer.Where(r => r.Variant == v).Select(r => (double)r.EpisodesToThreshold)));
        var transferAuc = Enum.GetValues<TransferVariant>().ToDictionary(v => v, v => PriorExperiments.MeanSem(transfer.Where(r => r.Variant == v).Select(r => r.Successes.Average(s => s ? 1.0 : 0.0))));
        Say(F($"D-3 transfer to the held-out goal ({settings.Seeds} seeds, {settings.PretrainEpisodes} pretraining episodes on 3 goals, {settings.TransferEpisodes} transfer episodes, {clock.Elapsed.TotalSeconds:F0} s; never reached = {settings.TransferEpisodes + 1}):"));
        table.Append("\n| transfer variant | median episodes to 80% success (per seed) | mean success over transfer episodes |\n|---|---|---|\n");
        foreach (var variant in Enum.GetValues<TransferVariant>())
        {
            var perSeed = string.Join(", ", transfer.Where(r => r.Variant == variant).Select(r => r.EpisodesToThreshold));
            Say(F($"  {variant,-24} median {median[variant]:F0} ({perSeed})   mean success {transferAuc[variant].Mean:F3} ± {transferAuc[variant].Sem:F3}"));
            table.AppendLine(F($"| {variant} | {median[variant]:F0} ({perSeed}) | {transferAuc[variant].Mean:F3} ± {transferAuc[variant].Sem:F3} |"));
        }
        Say(Verdict("D-3 median episodes (frozen asymmetric prior) ≤ 0.7 × uniform", median[TransferVariant.FrozenFlatPrior] <= 0.7 * median[TransferVariant.UniformPrior]));
        Say(Verdict("D-3 (prior mixed with 5% uniform) median episodes ≤ 0.7 × uniform", median[TransferVariant.FrozenFlatPriorMixed] <= 0.7 * median[TransferVariant.UniformPrior]));
        Say(Verdict("D-3 (hierarchical) median episodes (frozen latent prior + shared low level) ≤ 0.7 × uniform", median[TransferVariant.FrozenHierarchicalPrior] <= 0.7 * median[TransferVariant.UniformPrior]));
        File.WriteAllText(Path.Combine(outDir, "transfer.svg"), SeriesPlot.Render(
            "D-3: success rate on the held-out goal (mean of seeds)", "episode", "success rate",
            Enum.GetValues<TransferVariant>().Select(v => new PlotSeries(v.ToString(), PriorExperiments.BlockCurve(transfer.Where(r => r.Variant == v).Select(r => r.Successes), Math.Max(1, settings.TransferEpisodes / 20)))).ToList(), yMinimum: 0, yMaximum: 1));

        if (pointMass) PointMassPart(pointMassSettings, outDir, table, Say);

        File.WriteAllText(Path.Combine(outDir, "table.md"), table.ToString());
        File.WriteAllText(Path.Combine(outDir, "report.txt"), report.ToString());
        WriteSuccessCsv(Path.Combine(outDir, "learning-speed.csv"), speed.Select(r => ($"{r.Kind}-seed{r.Seed}", r.Successes)));
        WriteSuccessCsv(Path.Combine(outDir, "transfer.csv"), transfer.Select(r => ($"{r.Variant}-seed{r.Seed}", r.Successes)));
        Console.WriteLine($"wrote {outDir}/learning-speed.svg, transfer.svg, table.md, report.txt, learning-speed.csv, transfer.csv");
        return 0;
    }

    // Spec §D.4: the effect of the prior depends on α; the D-2 comparison at the other values of the 0.01–0.3 range.
    private static void SweepAlpha(GoalMaze maze, PriorExperimentSettings settings, StringBuilder table, Action<string> say)
    {
        table.Append("\n| α | AUC uniform | AUC asymmetric | AUC full information |\n|---|---|---|---|\n");
        foreach (double alpha in new[] { 0.01, 0.03, 0.3 })
        {
            var runs = PriorExperiments.LearningSpeed(maze, settings with { ActorCritic = settings.ActorCritic with { Alpha = alpha } });
            var cells = Enum.GetValues<PriorKind>().Select(k => PriorExperiments.MeanSem(runs.Where(r => r.Kind == k).Select(r => r.Auc)))
                .Select(m => F($"{m.Mean:F3} ± {m.Sem:F3}")).ToArray();
            say(F($"  α sweep {alpha}: AUC uniform {cells[0]}, asymmetric {cells[1]}, full information {cells[2]}"));
            table.AppendLine(F($"| {alpha} | {cells[0]} | {cells[1]} | {cells[2]} |"));
        }
    }

    // The continuous version (SVG(0) with Gaussian policy and prior on the point mass): learning speed and transfer.
    private static void PointMassPart(PointMassSettings settings, string outDir, StringBuilder table, Action<string> say)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var speed = PointMassExperiment.LearningSpeed(settings, Console.WriteLine);
        var transfer = PointMassExperiment.Transfer(settings, Console.WriteLine);
        say(F($"Point mass, SVG(0) ({settings.Seeds} seeds, {settings.Episodes} learning episodes, {settings.PretrainEpisodes} pretraining + {settings.TransferEpisodes} transfer episodes, {clock.Elapsed.TotalSeconds:F0} s):"));
        table.Append("\n| point mass | mean success (AUC) | KL(π‖π0) per step, last 20% of episodes | policy σ, last 20% of episodes |\n|---|---|---|---|\n");
        var auc = new Dictionary<string, double>();
        foreach (var (part, runs) in new[] { ("learning", speed), ("transfer", transfer) })
            foreach (var variant in runs.Select(r => r.Variant).Distinct())
            {
                var mine = runs.Where(r => r.Variant == variant).ToList();
                var m = PriorExperiments.MeanSem(mine.Select(r => r.Auc));
                var kl = PriorExperiments.MeanSem(mine.Select(r => r.MeanKl.Skip(r.MeanKl.Length * 4 / 5).Average()));
                var std = PriorExperiments.MeanSem(mine.Select(r => r.MeanStd.Skip(r.MeanStd.Length * 4 / 5).Average()));
                auc[$"{part}/{variant}"] = m.Mean;
                say(F($"  {part,-9} {variant,-17} success AUC {m.Mean:F3} ± {m.Sem:F3}   late KL {kl.Mean:F3} ± {kl.Sem:F3}   late σ {std.Mean:F3} ± {std.Sem:F3}"));
                table.AppendLine(F($"| {part}: {variant} | {m.Mean:F3} ± {m.Sem:F3} | {kl.Mean:F3} ± {kl.Sem:F3} | {std.Mean:F3} ± {std.Sem:F3} |"));
            }
        say(Verdict("point mass AUC(asymmetric) ≥ 1.1 × AUC(N(0, I))", auc["learning/Asymmetric"] >= 1.1 * auc["learning/StandardNormal"]));
        say(Verdict("point mass AUC(asymmetric) > AUC(full information)", auc["learning/Asymmetric"] > auc["learning/FullInformation"]));
        say(Verdict("point mass transfer AUC(frozen asymmetric prior) > AUC(N(0, I))", auc["transfer/FrozenAsymmetric"] > auc["transfer/StandardNormal"]));
        int block = Math.Max(1, settings.Episodes / 20);
        File.WriteAllText(Path.Combine(outDir, "point-mass.svg"), SeriesPlot.Render(
            "Point mass SVG(0): success rate (mean of seeds)", "episode", "success rate",
            speed.Select(r => r.Variant).Distinct().Select(v => new PlotSeries("learn 4 goals: " + v, PriorExperiments.BlockCurve(speed.Where(r => r.Variant == v).Select(r => r.Successes), block)))
                .Concat(transfer.Select(r => r.Variant).Distinct().Select(v => new PlotSeries("held-out goal: " + v, PriorExperiments.BlockCurve(transfer.Where(r => r.Variant == v).Select(r => r.Successes), Math.Max(1, settings.TransferEpisodes / 20))))).ToList(), yMinimum: 0, yMaximum: 1));
    }

    private static void WriteSuccessCsv(string path, IEnumerable<(string Name, bool[] Successes)> runs)
    {
        var list = runs.ToList();
        var text = new StringBuilder("episode," + string.Join(',', list.Select(r => r.Name)) + "\n");
        for (int e = 0; e < list.Max(r => r.Successes.Length); e++)
            text.AppendLine((e + 1).ToString(CultureInfo.InvariantCulture) + "," + string.Join(',', list.Select(r => e < r.Successes.Length && r.Successes[e] ? "1" : "0")));
        File.WriteAllText(path, text.ToString());
    }

    private static string Verdict(string claim, bool pass) => $"{claim}: {(pass ? "PASS" : "FAIL")}";

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
