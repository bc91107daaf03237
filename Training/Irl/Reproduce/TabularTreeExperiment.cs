// Spec F A-2 (Wulfmeier et al. 2024 claims of Figs. 2–3 in the smallest faithful setting): a tabular tree
// language over {a, b, c} + EOS where a complete sequence is three letters then EOS. The expert draws one
// of six valid sequences with Zipf weights; 40 demonstrations are sampled; a tabular prefix model (one
// logit row per prefix) is trained full-batch with Adam under MLE, MLE + token entropy (β sweep) and
// IQLearn (λ sweep, γ = 1). The exact sequence distribution gives validity (mass on the six valid
// sequences) and entropy over the 27 complete sequences (and over all outcomes), so the validity–entropy
// frontier is computed without sampling.
// The learning rate follows a cosine decay to 0 so each run ends at its optimum.
using Engine.Optim;
using Engine.Tensors;
using Engine.Training.Irl.Tabular;
using Engine.Training.Metrics;

namespace Engine.Training.Irl.Reproduce;

public sealed record TabularSettings(int Steps = 10000, double LearningRate = 0.05, int Demonstrations = 40,
    double[]? Betas = null, double[]? Lambdas = null)
{
    public double[] BetaSweep => Betas ?? [0.01, 0.03, 0.1, 0.15, 0.2, 0.3, 1];
    public double[] LambdaSweep => Lambdas ?? [0.03, 0.1, 0.3, 1, 3, 10];
}

/// <summary>One trained variant: its name, sweep value, validity, the entropy (nats) over the 27 complete three-letter
/// sequences (the spec's measure, −Σ p log p over those outcomes only), the entropy over every outcome (early
/// EOS and no EOS included), and the number of distinct sequences in its data.</summary>
public sealed record TabularResult(string Variant, double Strength, double Validity, double Entropy, double EntropyAllOutcomes, int DistinctObserved);

public static class TabularTreeExperiment
{
    private const int Letters = 3, Depth = 3;

    /// <summary>The six valid sequences (letters 0 = a, 1 = b, 2 = c), most frequent first.</summary>
    public static readonly int[][] Valid = [[0, 0, 0], [0, 0, 1], [0, 1, 2], [1, 2, 0], [1, 2, 1], [2, 0, 1]];

    public static IReadOnlyList<TabularResult> Run(TabularSettings settings, ulong seed)
    {
        var data = Demonstrations(settings.Demonstrations, seed);
        int distinct = data.Select(d => string.Join(',', d.Response)).Distinct().Count();
        var results = new List<TabularResult> { Train("mle", 0, data, settings, distinct, (l, b) => IrlObjectives.Mle(l, b, LossNormalisation.PerSequence)) };
        foreach (double beta in settings.BetaSweep)
            results.Add(Train("mle-entropy", beta, data, settings, distinct,
                (l, b) => IrlObjectives.MleWithEntropyBonus(l, b, beta, LossNormalisation.PerSequence)));
        foreach (double lambda in settings.LambdaSweep)
            results.Add(Train("iqlearn", lambda, data, settings, distinct,
                (l, b) => IrlObjectives.IqLearn(l, b, new IqLearnSettings(lambda, 1.0, Normalisation: LossNormalisation.PerSequence))));
        return results;
    }

    /// <summary>n demonstrations from the Zipf expert (weights 1, 1/2, ..., 1/6, normalised).</summary>
    public static IReadOnlyList<PromptResponse> Demonstrations(int n, ulong seed)
    {
        var draws = new IntegerDraws(seed);
        var weights = Enumerable.Range(1, Valid.Length).Select(k => 1.0 / k).ToArray();
        double total = weights.Sum();
        var result = new List<PromptResponse>();
        for (int i = 0; i < n; i++)
        {
            double u = draws.Next(1 << 30) / (double)(1 << 30) * total;
            int pick = 0;
            while (pick < Valid.Length - 1 && u >= weights[pick]) u -= weights[pick++];
            result.Add(new PromptResponse([Letters], [.. Valid[pick], Letters], EndsWithEos: true));
        }
        return result;
    }

    private static TabularResult Train(string variant, double strength, IReadOnlyList<PromptResponse> data, TabularSettings settings, int distinct,
        Func<Engine.Autograd.Tensor, TransitionBatch, Engine.Autograd.Tensor> loss)
    {
        var model = new PrefixTreeModel(Letters, Depth, new Generator(0));
        var batch = TransitionBatch.Create(data, padToken: Letters);
        var optimizer = new Adam([new ParamGroup([new("table", model.Table)], settings.LearningRate)]);
        for (int step = 0; step < settings.Steps; step++)
        {
            optimizer.SetLearningRate(settings.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / settings.Steps)));
            optimizer.ZeroGrad();
            loss(model.Logits(batch), batch).Backward();
            optimizer.Step();
        }
        var outcomes = model.Outcomes();
        var valid = Valid.Select(v => string.Join(',', v.Append(Letters))).ToHashSet();
        double validity = outcomes.Where(o => o.Complete && valid.Contains(string.Join(',', o.Sequence))).Sum(o => o.Probability);
        var complete = outcomes.Where(o => o.Complete && o.Sequence.Length == Depth + 1).Select(o => o.Probability);
        return new TabularResult(variant, strength, validity, SequenceMetrics.Entropy(complete),
            SequenceMetrics.Entropy(outcomes.Select(o => o.Probability)), distinct);
    }
}
