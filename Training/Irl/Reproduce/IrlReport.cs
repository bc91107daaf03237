// The IRL reproduction's results: mean ± s.e.m. over seeds for every variant, the spec's pass criteria
// (specs/irl-rl.md F A-2..A-5) as PASS/FAIL lines, a Markdown report and SVG plots (the tabular
// validity–entropy frontier, the neural validity–diversity plane, held-out NLL curves on small data).
using System.Globalization;
using System.Text;
using Engine.Training.Metrics;

namespace Engine.Training.Irl.Reproduce;

public sealed record ClaimVerdict(string Id, string Claim, string Evidence, bool Pass);

public sealed class IrlReport(TabularSettings tabularSettings, NeuralSettings neuralSettings)
{
    public List<IReadOnlyList<TabularResult>> Tabular { get; } = [];
    public List<IReadOnlyList<NeuralResult>> Neural { get; } = [];
    public List<IReadOnlyList<NeuralResult>> SmallData { get; } = [];
    public List<(double Mle, double IqLearn)> StepCosts { get; } = [];
    public List<ClaimVerdict> Verdicts { get; } = [];

    private static string F(double v, string format = "F3") => v.ToString(format, CultureInfo.InvariantCulture);
    private static string Pm((double Mean, double Sem) x, string format = "F3") => $"{F(x.Mean, format)} ± {F(x.Sem, format)}";

    /// <summary>Mean ± s.e.m. over seeds of a tabular quantity for one variant.</summary>
    private (double Mean, double Sem) TabularStat(string variant, double strength, Func<TabularResult, double> pick) =>
        SequenceMetrics.MeanAndSem([.. Tabular.Select(seed => pick(seed.First(r => r.Variant == variant && r.Strength == strength)))]);

    private (double Mean, double Sem) NeuralStat(List<IReadOnlyList<NeuralResult>> runs, string variant, Func<NeuralResult, double> pick) =>
        SequenceMetrics.MeanAndSem([.. runs.Select(seed => pick(seed.First(r => r.Variant == variant)))]);

    public void Write(string outDir, Action<string> log)
    {
        var md = new StringBuilder();
        if (Tabular.Count > 0) WriteTabular(md, outDir);
        if (Neural.Count > 0) WriteNeural(md, outDir);
        md.AppendLine("## Verdicts (spec F pass criteria)\n");
        md.AppendLine("| id | claim | our numbers | verdict |\n| --- | --- | --- | --- |");
        foreach (var v in Verdicts)
        {
            md.AppendLine($"| {v.Id} | {v.Claim} | {v.Evidence} | {(v.Pass ? "PASS" : "FAIL")} |");
            log($"{(v.Pass ? "PASS" : "FAIL")} {v.Id}: {v.Claim} — {v.Evidence}");
        }
        File.WriteAllText(Path.Combine(outDir, "results.md"), md.ToString());
    }

    private void WriteTabular(StringBuilder md, string outDir)
    {
        var variants = Tabular[0].Select(r => (r.Variant, r.Strength)).ToList();
        md.AppendLine($"## Tabular tree language (spec A-2), {Tabular.Count} seeds, {tabularSettings.Steps} full-batch Adam steps\n");
        md.AppendLine("| variant | strength | validity | entropy over the 27 complete sequences (nats) | entropy over all outcomes |\n| --- | --- | --- | --- | --- |");
        foreach (var (variant, strength) in variants)
            md.AppendLine($"| {variant} | {F(strength, "G")} | {Pm(TabularStat(variant, strength, r => r.Validity), "F4")} | {Pm(TabularStat(variant, strength, r => r.Entropy))} | "
                + $"{Pm(TabularStat(variant, strength, r => r.EntropyAllOutcomes))} |");
        double logDistinct = Tabular.Average(seed => Math.Log(seed[0].DistinctObserved));
        md.AppendLine($"\nlog(#distinct observed sequences), mean over seeds: {F(logDistinct)} nats.\n");

        var mle = TabularStat("mle", 0, r => r.Validity).Mean;
        var iq = tabularSettings.LambdaSweep.Select(l => (L: l, V: TabularStat("iqlearn", l, r => r.Validity).Mean, H: TabularStat("iqlearn", l, r => r.Entropy).Mean)).ToList();
        var ent = tabularSettings.BetaSweep.Select(b => (B: b, V: TabularStat("mle-entropy", b, r => r.Validity).Mean, H: TabularStat("mle-entropy", b, r => r.Entropy).Mean)).ToList();
        double worst = iq.Min(p => p.V - mle);
        Verdicts.Add(new("A-2 (i)", "IQLearn keeps validity (≥ MLE − 0.01 for every λ)", $"min over λ of validity − MLE = {F(worst, "F4")}", worst >= -0.01));
        bool monotone = iq.Zip(iq.Skip(1), (x, y) => y.H >= x.H - 1e-3).All(b => b);
        Verdicts.Add(new("A-2 (ii)", "IQLearn entropy rises with λ towards log(#observed)",
            $"entropy {string.Join(" → ", iq.Select(p => F(p.H)))} vs {F(logDistinct)}", monotone && Math.Abs(iq[^1].H - logDistinct) < 0.05));
        var gaps = iq.Select(p => (p.L, Gap: p.V - InterpolateValidity(ent.Select(e => (e.H, e.V)).ToList(), p.H))).Where(g => double.IsFinite(g.Gap)).ToList();
        Verdicts.Add(new("A-2 (iii)", "at matched entropy IQLearn validity exceeds MLE+entropy by ≥ 0.05",
            gaps.Count == 0 ? "no IQLearn point inside the entropy sweep's range" : $"gaps {string.Join(", ", gaps.Select(g => $"λ={F(g.L, "G")}: {F(g.Gap)}"))}",
            gaps.Count > 0 && gaps.Max(g => g.Gap) >= 0.05));

        var series = new List<PlotSeries>
        {
            new("MLE", IrlPlots.Palette[0], [Point(TabularStat("mle", 0, r => r.Entropy), TabularStat("mle", 0, r => r.Validity))]),
            new("IQLearn λ sweep", IrlPlots.Palette[1], [.. tabularSettings.LambdaSweep.Select(l => Point(TabularStat("iqlearn", l, r => r.Entropy), TabularStat("iqlearn", l, r => r.Validity)))]),
            new("MLE + entropy β sweep", IrlPlots.Palette[2], [.. tabularSettings.BetaSweep.Select(b => Point(TabularStat("mle-entropy", b, r => r.Entropy), TabularStat("mle-entropy", b, r => r.Validity)))]),
        };
        File.WriteAllText(Path.Combine(outDir, "tabular-frontier.svg"),
            IrlPlots.Chart("Tabular tree language: validity vs entropy", "entropy over the 27 complete sequences (nats)", "validity (mass on valid sequences)", series));
    }

    /// <summary>Validity of a sweep at entropy h: the best of the linear interpolations on segments that
    /// span h (the most favourable reading for the baseline); NaN when no segment spans it.</summary>
    private static double InterpolateValidity(List<(double H, double V)> sweep, double h)
    {
        double best = double.NaN;
        for (int i = 0; i + 1 < sweep.Count; i++)
        {
            var (a, b) = (sweep[i], sweep[i + 1]);
            if (h < Math.Min(a.H, b.H) || h > Math.Max(a.H, b.H) || a.H == b.H) continue;
            double v = a.V + (b.V - a.V) * (h - a.H) / (b.H - a.H);
            best = double.IsNaN(best) ? v : Math.Max(best, v);
        }
        return best;
    }

    private static PlotPoint Point((double Mean, double Sem) x, (double Mean, double Sem) y) => new(x.Mean, y.Mean, y.Sem, x.Sem);

    private void WriteNeural(StringBuilder md, string outDir)
    {
        var names = Neural[0].Select(r => r.Variant).ToList();
        var s = neuralSettings;
        md.AppendLine($"## Shortest-path language on Griffin (spec A-3/A-4/A-5), {Neural.Count} seeds\n");
        md.AppendLine($"Griffin, {string.Join(", ", ShortestPathExperiment.ModelConfig(s.Width, s.Blocks).BlockTypes.Select(b => b.ToString()[0]))} blocks, width {s.Width}; pretrain {s.PretrainSteps} MLE steps on random walks; fine-tune {s.FinetuneSteps} steps, "
            + $"batch {s.BatchSize}, Adam {F(s.LearningRate, "G")}; {s.TrainPairs} train pairs x {s.DemosPerPair} demos, {s.HeldOutPairs} held-out pairs, "
            + $"{s.SamplesPerPrompt} samples per prompt at temperature 1; γ = {F(s.Gamma, "G")} for IQLearn and for reward extraction.\n");
        md.AppendLine("| variant | validity | distinct-path ratio | Self-BLEU-2 | seq. entropy (nats, MC) | held-out NLL | Spearman R (undiscounted) | Spearman R (discounted) | ms/step |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (string n in names)
            md.AppendLine($"| {n} | {Pm(NeuralStat(Neural, n, r => r.Validity))} | {Pm(NeuralStat(Neural, n, r => r.DistinctRatio))} | {Pm(NeuralStat(Neural, n, r => r.SelfBleu2))} | "
                + $"{Pm(NeuralStat(Neural, n, r => r.SequenceEntropy))} | {Pm(NeuralStat(Neural, n, r => r.HeldOutNll))} | {Pm(NeuralStat(Neural, n, r => r.SpearmanUndiscounted))} | "
                + $"{Pm(NeuralStat(Neural, n, r => r.SpearmanDiscounted))} | {F(NeuralStat(Neural, n, r => r.SecondsPerStep * 1000).Mean, "F1")} |");

        double mleV = NeuralStat(Neural, "mle", r => r.Validity).Mean, mleD = NeuralStat(Neural, "mle", r => r.DistinctRatio).Mean;
        var iqNames = names.Where(n => n.StartsWith("iqlearn λ", StringComparison.Ordinal)).ToList();
        var entNames = names.Where(n => n.StartsWith("mle-entropy", StringComparison.Ordinal)).ToList();
        var iq = iqNames.Select(n => (Name: n, V: NeuralStat(Neural, n, r => r.Validity).Mean, D: NeuralStat(Neural, n, r => r.DistinctRatio).Mean)).ToList();
        var ent = entNames.Select(n => (Name: n, V: NeuralStat(Neural, n, r => r.Validity).Mean, D: NeuralStat(Neural, n, r => r.DistinctRatio).Mean)).ToList();
        var good = iq.Where(p => p.V >= mleV - 0.02 && p.D >= mleD + 0.05).ToList();
        Verdicts.Add(new("A-3 (i)", "some λ keeps validity (≥ MLE − 0.02) and raises the distinct-path ratio by ≥ 0.05",
            $"MLE {F(mleV)}/{F(mleD)}; " + string.Join("; ", iq.Select(p => $"{p.Name} {F(p.V)}/{F(p.D)}")) + " (validity/distinct)", good.Count > 0));
        var dominated = iq.Where(p => ent.Any(e => e.V > p.V + 0.01 && e.D > p.D + 0.01)).Select(p => p.Name).ToList();
        Verdicts.Add(new("A-3 (ii)", "MLE + entropy never dominates IQLearn on validity × diversity",
            dominated.Count == 0 ? "no IQLearn point is dominated by an entropy point" : $"dominated: {string.Join(", ", dominated)}", dominated.Count == 0));

        double mleRho = NeuralStat(Neural, "mle", r => r.SpearmanUndiscounted).Mean;
        var rhoNames = iqNames.Where(n => n.EndsWith("=0.3", StringComparison.Ordinal) || n.EndsWith("=1", StringComparison.Ordinal)).ToList();
        double iqRho = rhoNames.Count == 0 ? double.NaN : rhoNames.Average(n => NeuralStat(Neural, n, r => r.SpearmanUndiscounted).Mean);
        Verdicts.Add(new("A-4", "reward correlation: mean ρ(IQLearn λ∈{0.3, 1}) − ρ(MLE) ≥ 0.1 (undiscounted R, γ = 0.9)",
            $"ρ IQLearn {F(iqRho)} vs MLE {F(mleRho)}", iqRho - mleRho >= 0.1));

        string? online = names.FirstOrDefault(n => n.StartsWith("iqlearn online", StringComparison.Ordinal));
        string offlineSame = $"iqlearn λ={s.OnlineLambda:G}";
        if (online is not null && names.Contains(offlineSame))
        {
            double on = NeuralStat(Neural, online, r => r.DistinctRatio).Mean, off = NeuralStat(Neural, offlineSame, r => r.DistinctRatio).Mean;
            Verdicts.Add(new("A-5", "online mix-in: diversity ≥ offline at equal λ", $"distinct {F(on)} online vs {F(off)} offline", on >= off));
        }
        var ratio = SequenceMetrics.MeanAndSem([.. StepCosts.Select(c => c.IqLearn / c.Mle)]);
        Verdicts.Add(new("cost", "an offline IQLearn step costs about as much as an MLE step (paper: 196 vs 189 ms, ratio 1.04)",
            $"IQLearn/MLE step-time ratio {Pm(ratio, "F2")} (interleaved medians; {F(StepCosts.Average(c => c.IqLearn), "F1")} vs {F(StepCosts.Average(c => c.Mle), "F1")} ms)",
            ratio.Mean < 1.25));

        var series = new List<PlotSeries> { new("MLE", IrlPlots.Palette[0], [Point(NeuralStat(Neural, "mle", r => r.DistinctRatio), NeuralStat(Neural, "mle", r => r.Validity))]) };
        series.Add(new("IQLearn λ sweep (offline)", IrlPlots.Palette[1], [.. iqNames.Select(n => Point(NeuralStat(Neural, n, r => r.DistinctRatio), NeuralStat(Neural, n, r => r.Validity)))]));
        if (online is not null) series.Add(new(online, IrlPlots.Palette[3], [Point(NeuralStat(Neural, online, r => r.DistinctRatio), NeuralStat(Neural, online, r => r.Validity))]));
        series.Add(new("MLE + entropy β sweep", IrlPlots.Palette[2], [.. entNames.Select(n => Point(NeuralStat(Neural, n, r => r.DistinctRatio), NeuralStat(Neural, n, r => r.Validity)))]));
        File.WriteAllText(Path.Combine(outDir, "neural-frontier.svg"),
            IrlPlots.Chart("Shortest paths, held-out prompts: validity vs diversity", "distinct-path ratio (8 samples)", "validity", series));
        WriteSmallData(md, outDir);
    }

    private void WriteSmallData(StringBuilder md, string outDir)
    {
        var names = SmallData[0].Select(r => r.Variant).ToList();
        md.AppendLine($"\n### Small data ({neuralSettings.SmallDataPairs} pairs x 1 demo, {neuralSettings.SmallDataSteps} steps): held-out NLL (nats/token)\n");
        md.AppendLine("| variant | at start | minimum | final | rise from minimum |\n| --- | --- | --- | --- | --- |");
        var rise = new Dictionary<string, double>();
        var series = new List<PlotSeries>();
        for (int k = 0; k < names.Count; k++)
        {
            string n = names[k];
            var curves = SmallData.Select(seed => seed.First(r => r.Variant == n).NllCurve).ToList();
            var start = SequenceMetrics.MeanAndSem([.. curves.Select(c => c[0].Nll)]);
            var min = SequenceMetrics.MeanAndSem([.. curves.Select(c => c.Min(p => p.Nll))]);
            var final = SequenceMetrics.MeanAndSem([.. curves.Select(c => c[^1].Nll)]);
            var up = SequenceMetrics.MeanAndSem([.. curves.Select(c => c[^1].Nll - c.Min(p => p.Nll))]);
            rise[n] = up.Mean;
            md.AppendLine($"| {n} | {Pm(start)} | {Pm(min)} | {Pm(final)} | {Pm(up)} |");
            series.Add(new(n, IrlPlots.Palette[k], [.. curves[0].Select((p, i) => { var at = SequenceMetrics.MeanAndSem([.. curves.Select(c => c[i].Nll)]); return new PlotPoint(p.Step, at.Mean, at.Sem); })]));
        }
        string iq = names.First(n => n.StartsWith("iqlearn", StringComparison.Ordinal));
        Verdicts.Add(new("A-3 (iii)", "small data: MLE's held-out NLL rises ≥ 0.05 from its minimum, IQLearn's rises less",
            $"rise MLE {F(rise["mle"])}, {iq} {F(rise[iq])}", rise["mle"] >= 0.05 && rise[iq] < rise["mle"]));
        File.WriteAllText(Path.Combine(outDir, "small-data-nll.svg"),
            IrlPlots.Chart("Small data: held-out NLL during fine-tuning", "fine-tuning step", "held-out NLL (nats/token)", series));
        md.AppendLine();
    }
}
