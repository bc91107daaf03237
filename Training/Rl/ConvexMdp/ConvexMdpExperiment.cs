// `engine reproduce convex-mdp`: Zahavy et al. 2021, "Reward is enough for convex MDPs", on the exact 5×5
// grid of spec irl-rl.md §C.3. Plays the game for each instance, records the objective gap of the averaged
// and of the last occupancy against the round, fits the log-log slope of the averaged gap, checks the
// spec's pass criteria (§F C-2..C-5), and writes metrics.csv, convex-mdp.svg and table.md.
using System.Globalization;
using System.Text;
using Engine.Training.Cli;
using Engine.Training.Reporting;

namespace Engine.Training.Rl.ConvexMdp;

public static class ConvexMdpExperiment
{
    private const string Help = """
        usage: engine reproduce convex-mdp [--rounds K] [--out DIR]

        Plays the convex-MDP game (cost player vs policy player, averaged occupancy) on a 5x5 grid
        (gamma 0.9, start (0,0)) for max-entropy exploration (FTL + best response, FTL + natural policy
        gradient), apprenticeship learning (FTL + best response), the l-infinity expert distance (mirror
        descent + best response), a constrained MDP (Lagrangian OGD + best response) and the VIC mapping
        (4 skills, FTL + NPG). Prints the gaps, the log-log slopes and PASS/FAIL per claim.

          --rounds K   rounds of the game (default 2000; the spec's checks need 2000)
          --out DIR    output folder (default runs/convex-mdp): metrics.csv, convex-mdp.svg, table.md
        """;

    private sealed record Curve(string Name, string Color, List<(int K, double Average, double Last)> Points);

    public static int Run(string[] args)
    {
        if (Array.Exists(args, a => a is "--help" or "-h"))
        {
            Console.WriteLine(Help);
            return 0;
        }
        var arguments = new Arguments("reproduce convex-mdp", args, new HashSet<string>());
        int rounds = arguments.Int("rounds", 2000, 10, 1_000_000);
        string outDir = arguments.String("out") ?? Path.Combine("runs", "convex-mdp");
        arguments.RejectUnknown();
        Directory.CreateDirectory(outDir);

        var grid = ConvexMdpSetups.Grid();
        var mdp = ConvexMdpSetups.Mdp(grid);
        var verdicts = new List<string>();
        var table = new StringBuilder();
        table.AppendLine("| instance | players | gap at K=10 (avg / last) | K=100 | K=1000 | K=" + rounds + " | log-log slope (avg) |");
        table.AppendLine("|---|---|---|---|---|---|---|");
        var curves = new List<Curve>();

        var (hLower, hUpper) = ConvexMdpOptima.MaxEntropy(mdp);
        Console.WriteLine(Invariant($"max-entropy optimum H* in [{hLower:F6}, {hUpper:F6}] nats (log 25 = {Math.Log(25):F4})"));
        var entropy = new StateEntropyObjective();

        var maxEntBr = Play(mdp, new FollowTheLeaderCostPlayer(entropy), new BestResponsePolicyPlayer(mdp), rounds, d => hLower - StateEntropyObjective.Entropy(d));
        curves.Add(new Curve("max-entropy FTL+BR", SeriesPlot.Palette[0], maxEntBr));
        Row(table, "max-entropy (H* − H)", "FTL + best response", maxEntBr);
        double H(int k) => hLower - At(maxEntBr, k).Average;
        Check(verdicts, "C-2", "H(d̄_100) ≥ 3.175", rounds >= 100 ? H(100) : double.NaN, v => v >= 3.175);
        Check(verdicts, "C-2", "H(d̄_1000) ≥ 3.182", rounds >= 1000 ? H(1000) : double.NaN, v => v >= 3.182);
        Check(verdicts, "C-2", "last-iterate H(d_K) < 2.0", hLower - maxEntBr[^1].Last, v => v < 2.0);

        var maxEntNpg = Play(mdp, new FollowTheLeaderCostPlayer(entropy), new NaturalPolicyGradientPolicyPlayer(mdp, 0.5), rounds, d => hLower - StateEntropyObjective.Entropy(d));
        curves.Add(new Curve("max-entropy FTL+NPG", SeriesPlot.Palette[1], maxEntNpg));
        Row(table, "max-entropy (H* − H)", "FTL + NPG (η = 0.5)", maxEntNpg);
        Check(verdicts, "C-5", $"NPG player: H* − H(d̄_{rounds}) ≤ 0.01 (needs K = 2000)", maxEntNpg[^1].Average, v => v <= 0.01);

        var expert = ConvexMdpSetups.ExpertOccupancy(grid);
        var squared = new SquaredDistanceObjective(expert);
        double f0 = squared.Value(ConvexMdpGame.InitialOccupancy(mdp));
        var apprentice = Play(mdp, new FollowTheLeaderCostPlayer(squared), new BestResponsePolicyPlayer(mdp), rounds, squared.Value);
        curves.Add(new Curve("apprenticeship FTL+BR", SeriesPlot.Palette[2], apprentice));
        double slope = Row(table, "apprenticeship ½‖d − d_E‖²", "FTL + best response", apprentice);
        Check(verdicts, "C-3", Invariant($"f(d̄_100) ≤ 1e-3 · f(d_0) = {1e-3 * f0:E2}"), rounds >= 100 ? At(apprentice, 100).Average : double.NaN, v => v <= 1e-3 * f0);
        Check(verdicts, "C-3", "f(d̄_1000) ≤ 1e-5", rounds >= 1000 ? At(apprentice, 1000).Average : double.NaN, v => v <= 1e-5);
        Check(verdicts, "C-3", "last-iterate f(d_K) ≥ 1e-2", apprentice[^1].Last, v => v >= 1e-2);
        Check(verdicts, "C-3", "log-log slope of f(d̄_K) ≤ −0.9", slope, v => v <= -0.9);

        var maxNorm = new MaxDistanceObjective(expert);
        var linf = Play(mdp, new ExponentiatedGradientCostPlayer(expert, 50), new BestResponsePolicyPlayer(mdp), rounds, maxNorm.Value);
        curves.Add(new Curve("‖d − d_E‖∞ OMD+BR", SeriesPlot.Palette[3], linf));
        Row(table, "‖d − d_E‖∞", "mirror descent (η = 50) + best response", linf);

        var (reward, cost, threshold) = ConvexMdpSetups.Constrained(grid);
        double optimum = ConvexMdpOptima.Constrained(mdp, reward, cost, threshold);
        Console.WriteLine(Invariant($"constrained MDP optimum r·d* = {optimum:F5} (unconstrained {Math.Pow(0.9, 8):F4})"));
        double Gap(double[,] d) => Math.Abs(Occupancy.Dot(d, reward) - optimum) + Math.Max(0, Occupancy.Dot(d, cost) - threshold);
        var lastCosts = new List<double>();
        double[,] cmdpAverage = new double[1, 1];
        var cmdp = Play(mdp, new LagrangianCostPlayer(reward, cost, threshold, 20), new BestResponsePolicyPlayer(mdp), rounds, Gap, round =>
        {
            if (round.Round > rounds / 2) lastCosts.Add(Occupancy.Dot(round.Last, cost));
            cmdpAverage = round.Average;
        });
        curves.Add(new Curve("CMDP OGD+BR", SeriesPlot.Palette[4], cmdp));
        Row(table, "constrained MDP (|r·d − r*| + violation)", "Lagrangian OGD (η_k = 20/√k) + best response", cmdp);
        double averageReward = Occupancy.Dot(cmdpAverage, reward), averageCost = Occupancy.Dot(cmdpAverage, cost);
        Console.WriteLine(Invariant($"constrained MDP at K = {rounds}: average reward {averageReward:F4}, average cost {averageCost:F4}"));
        Check(verdicts, "C-4", Invariant($"average cost ≤ τ + 0.001 = {threshold + 0.001}"), averageCost, v => v <= threshold + 0.001);
        Check(verdicts, "C-4", Invariant($"|average reward − r*| ≤ 0.006"), Math.Abs(averageReward - optimum), v => v <= 0.006);
        Check(verdicts, "C-4", "last-iterate cost range ≥ 0.04 (second half)", lastCosts.Max() - lastCosts.Min(), v => v >= 0.04);

        const int skills = 4;
        var rng = new Engine.Tensors.Generator(2021);
        var initialPolicies = Enumerable.Range(0, skills).Select(_ => RandomPolicy(mdp, rng)).ToArray();
        var initial = initialPolicies.Select(p => Occupancy.StateActions(mdp, p)).ToArray();
        var players = initialPolicies.Select(p => (IPolicyPlayer)new NaturalPolicyGradientPolicyPlayer(mdp, 0.5, p)).ToArray();
        double before = SkillDiversityGame.MutualInformation(initial);
        double after = SkillDiversityGame.MutualInformation(SkillDiversityGame.Run(initial, players, Math.Min(rounds, 500)));
        Console.WriteLine(Invariant($"VIC mapping ({skills} skills, FTL + NPG, {Math.Min(rounds, 500)} rounds): I(Z;S) {before:F4} -> {after:F4} nats (log {skills} = {Math.Log(skills):F4})"));

        File.WriteAllText(Path.Combine(outDir, "metrics.csv"), Csv(curves));
        File.WriteAllText(Path.Combine(outDir, "convex-mdp.svg"), Plot(curves));
        string verdictText = string.Join('\n', verdicts);
        File.WriteAllText(Path.Combine(outDir, "table.md"), table + "\n" + verdictText + "\n");
        Console.WriteLine(table.ToString());
        Console.WriteLine(verdictText);
        Console.WriteLine($"wrote {Path.Combine(outDir, "metrics.csv")}, convex-mdp.svg and table.md");
        return 0;
    }

    private static List<(int K, double Average, double Last)> Play(TabularMdp mdp, ICostPlayer cost, IPolicyPlayer policy, int rounds,
        Func<double[,], double> gap, Action<GameRound>? extra = null)
    {
        var points = new List<(int, double, double)>();
        ConvexMdpGame.Run(mdp, cost, policy, rounds, round =>
        {
            points.Add((round.Round, gap(round.Average), gap(round.Last)));
            extra?.Invoke(round);
        });
        return points;
    }

    private static (int K, double Average, double Last) At(List<(int K, double Average, double Last)> points, int k) => points[k - 1];

    // Appends a table row and returns the least-squares slope of log(average gap) against log k over k ≥ 10.
    private static double Row(StringBuilder table, string instance, string players, List<(int K, double Average, double Last)> points)
    {
        string Cell(int k) => k <= points.Count ? Invariant($"{At(points, k).Average:E2} / {At(points, k).Last:E2}") : "—";
        var fit = points.Where(p => p.K >= 10 && p.Average > 0).Select(p => (X: Math.Log(p.K), Y: Math.Log(p.Average))).ToArray();
        double mx = fit.Average(p => p.X), my = fit.Average(p => p.Y);
        double slope = fit.Sum(p => (p.X - mx) * (p.Y - my)) / fit.Sum(p => (p.X - mx) * (p.X - mx));
        table.AppendLine(Invariant($"| {instance} | {players} | {Cell(10)} | {Cell(100)} | {Cell(1000)} | {Cell(points.Count)} | {slope:F2} |"));
        return slope;
    }

    private static void Check(List<string> verdicts, string id, string claim, double value, Func<double, bool> pass) =>
        verdicts.Add(Invariant($"{id} {claim}: measured {value:G5} -> {(double.IsNaN(value) ? "NOT RUN (too few rounds)" : pass(value) ? "PASS" : "FAIL")}"));

    private static TabularPolicy RandomPolicy(TabularMdp mdp, Engine.Tensors.Generator rng)
    {
        var u = rng.Uniform([mdp.StateCount * mdp.ActionCount], 0.05, 1, Engine.Tensors.DType.Float64).ToArray<double>();
        var probs = new double[mdp.StateCount, mdp.ActionCount];
        for (int s = 0; s < mdp.StateCount; s++)
        {
            double total = 0;
            for (int a = 0; a < mdp.ActionCount; a++) total += u[s * mdp.ActionCount + a];
            for (int a = 0; a < mdp.ActionCount; a++) probs[s, a] = u[s * mdp.ActionCount + a] / total;
        }
        return new TabularPolicy(probs);
    }

    private static string Csv(List<Curve> curves)
    {
        var csv = new StringBuilder("instance,round,average_gap,last_gap\n");
        foreach (var c in curves)
            foreach (var (k, average, last) in c.Points) csv.Append(Invariant($"\"{c.Name}\",{k},{average:R},{last:R}\n"));
        return csv.ToString();
    }

    private static string Plot(List<Curve> curves)
    {
        var series = new List<PlotSeries>();
        foreach (var c in curves)
        {
            // About a hundred points per decade keep the file small without changing the picture.
            var shown = c.Points.Where(p => p.K <= 100 || p.K % (p.K / 100) == 0).ToList();
            series.Add(new PlotSeries(c.Name + " (average)", shown.Select(p => ((double)p.K, p.Average)).ToList(), c.Color));
            series.Add(new PlotSeries("… last iterate", shown.Select(p => ((double)p.K, p.Last)).ToList(), c.Color, Dashed: true));
        }
        return SeriesPlot.Render("Convex MDPs, 5×5 grid: gap vs round (solid d̄_K, dashed d_K)", "round K", "objective gap", series, logX: true, logY: true);
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
