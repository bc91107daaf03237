// Spec F A-3/A-4/A-5 (Wulfmeier et al. 2024 Figs. 2–3, 7, 8) on our own Griffin: pretrain a small Griffin
// with MLE on random walks of the shortest-path language (the format, not the task), then fine-tune that
// same checkpoint on expert shortest paths with MLE, MLE + entropy, and IQLearn over a λ sweep, offline and
// online (mix-in α). Held-out prompts get 8 samples each at temperature 1: validity, distinct-path ratio,
// Self-BLEU-2, a Monte-Carlo sequence entropy, and the Spearman correlation of the extracted return with
// the task metric. A small-data run (30 pairs x 1 demo) tracks held-out NLL during fine-tuning.
using System.Diagnostics;
using Engine.Autograd;
using Engine.Models.Griffin;
using Engine.Models.Lm;
using Engine.Optim;
using Engine.Tensors;
using Engine.Training.Metrics;

namespace Engine.Training.Irl.Reproduce;

public sealed record NeuralSettings
{
    public int Width { get; init; } = 32;
    public int Blocks { get; init; } = 2;
    public int PretrainSteps { get; init; } = 200;
    public int FinetuneSteps { get; init; } = 300;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 5e-3;
    public int TrainPairs { get; init; } = 120;
    public int DemosPerPair { get; init; } = 2;
    public int HeldOutPairs { get; init; } = 60;
    public int SamplesPerPrompt { get; init; } = 8;
    public int EvalEvery { get; init; } = 50;
    public double Gamma { get; init; } = 0.9;
    public double[] Lambdas { get; init; } = [0.3, 1];
    public double[] Betas { get; init; } = [0.1];
    public double MixIn { get; init; } = 0.1;
    public double OnlineLambda { get; init; } = 0.3;
    public int SmallDataPairs { get; init; } = 30;
    public int SmallDataSteps { get; init; } = 300;
    public double SmallDataLambda { get; init; } = 0.3;

    /// <summary>Where the models, their batches and the optimizer state live.</summary>
    public Device Device { get; init; } = Device.Cpu;

    /// <summary>Timed MLE and IQLearn steps per seed for the step-cost ratio (after 5 untimed warm-up pairs).</summary>
    public int CostRepetitions { get; init; } = 20;
}

/// <summary>A fine-tuning variant: objective and its strength (λ, β) and mix-in.</summary>
public sealed record NeuralVariant(string Name, IrlObjective Objective);

public sealed record NeuralResult(string Variant, double Validity, double DistinctRatio, double SelfBleu2, double SequenceEntropy,
    double HeldOutNll, double SpearmanUndiscounted, double SpearmanDiscounted, double SecondsPerStep, IReadOnlyList<(int Step, double Nll)> NllCurve);

/// <summary>One seed's results, and the interleaved median times of an MLE and an IQLearn training step.</summary>
public sealed record NeuralSeedResult(IReadOnlyList<NeuralResult> Main, IReadOnlyList<NeuralResult> SmallData, double MleStepMs, double IqLearnStepMs);

public static class ShortestPathExperiment
{
    public static readonly ShortestPathLanguage Language = new(4);

    /// <summary>Griffin's block pattern (recurrent, recurrent, attention, ...) cut to the given depth; 2 blocks are (R, A).</summary>
    public static GriffinConfig ModelConfig(int width, int blocks) => GriffinPresets.Paper(
        blocks == 2 ? [TemporalBlockType.Recurrent, TemporalBlockType.Attention] : GriffinPresets.GriffinPattern(blocks), width, 2, width, Language.Vocab, 16);

    public static IReadOnlyList<NeuralVariant> Variants(NeuralSettings s)
    {
        var list = new List<NeuralVariant> { new("mle", new IrlObjective(IrlObjectiveKind.Mle)) };
        list.AddRange(s.Lambdas.Select(l => new NeuralVariant($"iqlearn λ={l:G}", new IrlObjective(IrlObjectiveKind.IqLearn, l, s.Gamma))));
        list.Add(new NeuralVariant($"iqlearn online α={s.MixIn:G} λ={s.OnlineLambda:G}",
            new IrlObjective(IrlObjectiveKind.IqLearn, s.OnlineLambda, s.Gamma, MixIn: s.MixIn, ResponseLimit: Language.MaxResponse + 2)));
        list.AddRange(s.Betas.Select(b => new NeuralVariant($"mle-entropy β={b:G}", new IrlObjective(IrlObjectiveKind.MleEntropy, EntropyBeta: b))));
        return list;
    }

    /// <summary>All variants for one seed, fine-tuned from one pretrained checkpoint; then the small-data pair.</summary>
    public static NeuralSeedResult Run(NeuralSettings s, ulong seed, Action<string> log)
    {
        var draws = new IntegerDraws(seed * 7919 + 17);
        var pairs = draws.Shuffle(Language.Pairs());
        var trainPairs = pairs.Take(s.TrainPairs).ToArray();
        var heldPairs = pairs.Skip(s.TrainPairs).Take(s.HeldOutPairs).ToArray();
        var train = trainPairs.SelectMany(p => Enumerable.Range(0, s.DemosPerPair).Select(_ => Language.ExpertDemonstration(p.Start, p.Goal, draws))).ToList();
        var held = heldPairs.SelectMany(p => Enumerable.Range(0, 2).Select(_ => Language.ExpertDemonstration(p.Start, p.Goal, draws))).ToList();
        var walks = pairs.SelectMany(p => Enumerable.Range(0, 4).Select(_ => Language.RandomWalk(p.Start, p.Goal, draws))).ToList();

        var pretrained = new GriffinModel(ModelConfig(s.Width, s.Blocks), new Generator(seed));
        pretrained.To(s.Device);
        var clock = Stopwatch.StartNew();
        Train(pretrained, walks, new IrlObjective(IrlObjectiveKind.Mle), s.PretrainSteps, s, seed, held, null);
        log($"seed {seed}: pretrained on random walks ({s.PretrainSteps} steps, {clock.Elapsed.TotalSeconds:F0} s); held-out expert NLL {IrlTraining.HeldOutNll(pretrained, held, Language.Pad):F3}");
        var snapshot = pretrained.NamedParameters().ToDictionary(p => p.Key, p => p.Value.Data.Clone());
        var (mleMs, iqMs) = StepCost(FromSnapshot(snapshot, s, seed), train, s, seed);
        log($"seed {seed}: step cost MLE {mleMs:F1} ms, IQLearn {iqMs:F1} ms (ratio {iqMs / mleMs:F2})");

        var main = new List<NeuralResult>();
        foreach (var variant in Variants(s))
        {
            var model = FromSnapshot(snapshot, s, seed);
            var curve = new List<(int, double)>();
            double perStep = Train(model, train, variant.Objective, s.FinetuneSteps, s, seed, held, curve);
            var result = Evaluate(model, variant.Name, heldPairs, held, s, seed, perStep, curve);
            main.Add(result);
            log($"seed {seed} {variant.Name}: validity {result.Validity:F3}, distinct {result.DistinctRatio:F3}, self-BLEU {result.SelfBleu2:F3}, NLL {result.HeldOutNll:F3}, ρ {result.SpearmanUndiscounted:F3}, {perStep * 1000:F1} ms/step");
        }

        var small = new List<NeuralResult>();
        var smallData = trainPairs.Take(s.SmallDataPairs).Select(p => Language.ExpertDemonstration(p.Start, p.Goal, draws)).ToList();
        foreach (var variant in new[]
        {
            new NeuralVariant("mle", new IrlObjective(IrlObjectiveKind.Mle)),
            new NeuralVariant($"iqlearn λ={s.SmallDataLambda:G}", new IrlObjective(IrlObjectiveKind.IqLearn, s.SmallDataLambda, s.Gamma)),
            new NeuralVariant($"mle-entropy β={s.Betas[^1]:G}", new IrlObjective(IrlObjectiveKind.MleEntropy, EntropyBeta: s.Betas[^1])),
        })
        {
            var model = FromSnapshot(snapshot, s, seed);
            var curve = new List<(int, double)>();
            double perStep = Train(model, smallData, variant.Objective, s.SmallDataSteps, s, seed, held, curve);
            small.Add(new NeuralResult(variant.Name, double.NaN, double.NaN, double.NaN, double.NaN, curve[^1].Item2, double.NaN, double.NaN, perStep, curve));
            log($"seed {seed} small data {variant.Name}: held-out NLL min {curve.Min(c => c.Item2):F3}, final {curve[^1].Item2:F3}");
        }
        return new NeuralSeedResult(main, small, mleMs, iqMs);
    }

    /// <summary>Median milliseconds of a forward + backward + Adam step with MLE and with IQLearn (λ = 0.3),
    /// interleaved on the same batches so that machine load affects both alike.</summary>
    private static (double MleMs, double IqLearnMs) StepCost(LanguageModel model, IReadOnlyList<PromptResponse> data, NeuralSettings s, ulong seed)
    {
        var batcher = new PromptResponseBatcher(data, s.BatchSize, seed);
        var optimizer = new Adam([ParamGroup.Of(model, s.LearningRate)]);
        var objectives = new[] { new IrlObjective(IrlObjectiveKind.Mle), new IrlObjective(IrlObjectiveKind.IqLearn, 0.3, s.Gamma) };
        var times = new[] { new List<double>(), new List<double>() };
        for (int rep = 0; rep < s.CostRepetitions + 5; rep++)
        {
            var pairs = batcher.NextPairs();
            for (int k = 0; k < 2; k++)
            {
                var clock = Stopwatch.StartNew();
                using (BufferScope.Begin())
                {
                    var loss = IrlTraining.Loss(model, pairs, objectives[k], Language.Pad, Language.Eos);
                    optimizer.ZeroGrad();
                    loss.Backward();
                    optimizer.Step();
                }
                if (rep >= 5) times[k].Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        double Median(List<double> x) => x.Order().ElementAt(x.Count / 2);
        return (Median(times[0]), Median(times[1]));
    }

    private static GriffinModel FromSnapshot(Dictionary<string, NDArray> snapshot, NeuralSettings s, ulong seed)
    {
        var model = new GriffinModel(ModelConfig(s.Width, s.Blocks), new Generator(seed));
        model.To(s.Device);
        foreach (var (name, p) in model.NamedParameters()) p.SetData(snapshot[name].Clone());
        return model;
    }

    /// <summary>Adam with global-norm clipping at 1; returns the mean seconds per optimizer step (without evaluation).
    /// When curve is given, held-out NLL is recorded at step 0 and every EvalEvery steps.</summary>
    private static double Train(LanguageModel model, IReadOnlyList<PromptResponse> data, IrlObjective objective, int steps, NeuralSettings s,
        ulong seed, IReadOnlyList<PromptResponse> held, List<(int, double)>? curve)
    {
        var batcher = new PromptResponseBatcher(data, s.BatchSize, seed);
        var optimizer = new Adam([ParamGroup.Of(model, s.LearningRate)]);
        var stepClock = new Stopwatch();
        curve?.Add((0, IrlTraining.HeldOutNll(model, held, Language.Pad)));
        for (int step = 0; step < steps; step++)
        {
            stepClock.Start();
            using (BufferScope.Begin())
            {
                var loss = IrlTraining.Loss(model, batcher.NextPairs(), objective, Language.Pad, Language.Eos, step, seed + 101);
                optimizer.ZeroGrad();
                loss.Backward();
                GradClip.ClipGlobalNorm(model.Parameters(), 1.0);
                optimizer.Step();
                optimizer.ZeroGrad();
            }
            stepClock.Stop();
            if (curve is not null && ((step + 1) % s.EvalEvery == 0 || step + 1 == steps))
                curve.Add((step + 1, IrlTraining.HeldOutNll(model, held, Language.Pad)));
        }
        return stepClock.Elapsed.TotalSeconds / Math.Max(steps, 1);
    }

    private static NeuralResult Evaluate(LanguageModel model, string name, (int Start, int Goal)[] heldPairs, IReadOnlyList<PromptResponse> held,
        NeuralSettings s, ulong seed, double perStep, List<(int, double)> curve)
    {
        var prompts = heldPairs.SelectMany(p => Enumerable.Repeat(Language.Prompt(p.Start, p.Goal), s.SamplesPerPrompt)).ToList();
        var samples = ResponseSampler.Sample(model, prompts, Language.MaxResponse + 2, Language.Eos, new Generator(seed + 55));
        double validity = samples.Average(x => Language.IsValid(x.Prompt, x.Response) ? 1.0 : 0.0);
        double distinct = 0, selfBleu = 0;
        for (int i = 0; i < heldPairs.Length; i++)
        {
            var group = samples.Skip(i * s.SamplesPerPrompt).Take(s.SamplesPerPrompt).ToList();
            var validPaths = group.Where(x => Language.IsValid(x.Prompt, x.Response)).Select(x => (IReadOnlyList<int>)x.Response);
            distinct += NGrams.DistinctSequences(validPaths) / (double)Math.Min(s.SamplesPerPrompt, Language.PathCount(heldPairs[i].Start, heldPairs[i].Goal));
            selfBleu += SelfBleu.Score([.. group.Select(x => (IReadOnlyList<int>)x.Response)], 2);
        }

        var taskScores = samples.Select(x => Language.TaskScore(x.Prompt, x.Response)).ToArray();
        var returns = new List<SequenceRewards>();
        var sampleLogProbs = new List<double>();
        model.Eval();
        using (GradMode.NoGrad())
        {
            for (int start = 0; start < samples.Count; start += 128)
            {
                var batch = IrlTraining.Batch(model, [.. samples.Skip(start).Take(128)], Language.Pad);
                var logits = IrlTraining.Logits(model, batch);
                returns.AddRange(RewardExtraction.Extract(logits, batch, s.Gamma));
                var logProbs = (TokenMdp.ActionLogProbs(logits, batch) * batch.MaskAs(logits.DType)).Sum([1]).Data.ToDoubleArray();
                sampleLogProbs.AddRange(logProbs);
            }
        }
        model.Train();
        return new NeuralResult(name, validity, distinct / heldPairs.Length, selfBleu / heldPairs.Length,
            SequenceMetrics.MonteCarloEntropy(sampleLogProbs), IrlTraining.HeldOutNll(model, held, Language.Pad),
            RankCorrelation.Spearman([.. returns.Select(r => r.Undiscounted)], taskScores),
            RankCorrelation.Spearman([.. returns.Select(r => r.Discounted)], taskScores), perStep, curve);
    }
}
