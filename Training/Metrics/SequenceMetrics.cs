// Task and distribution metrics for generated responses (specs/irl-rl.md A.7): the task hook (validity or
// accuracy as the mean of a per-response score), exact entropy of a sequence distribution where it can be
// enumerated (tabular models), its Monte-Carlo estimate −E[log p(y)] from samples otherwise, and
// mean ± standard error over seeds.
using Engine.Tensors;

namespace Engine.Training.Metrics;

/// <summary>Scores one response to one prompt: 1/0 for validity, or any task metric.</summary>
public delegate double TaskMetric(IReadOnlyList<int> prompt, IReadOnlyList<int> response);

public static class SequenceMetrics
{
    /// <summary>Mean task score over (prompt, response) pairs, e.g. the fraction of valid responses.</summary>
    public static double MeanScore(IEnumerable<(IReadOnlyList<int> Prompt, IReadOnlyList<int> Response)> pairs, TaskMetric metric)
    {
        double sum = 0;
        int count = 0;
        foreach (var (prompt, response) in pairs)
        {
            sum += metric(prompt, response);
            count++;
        }
        return count == 0 ? double.NaN : sum / count;
    }

    /// <summary>−Σ p log p in nats over an enumerated distribution (zeros contribute nothing).</summary>
    public static double Entropy(IEnumerable<double> probabilities)
    {
        double h = 0;
        foreach (double p in probabilities)
        {
            if (!(p >= 0 && p <= 1 + 1e-9)) throw new EngineException($"entropy: {p} is not a probability");
            if (p > 0) h -= p * Math.Log(p);
        }
        return h;
    }

    /// <summary>Unbiased estimate of the sequence entropy from the log-probabilities of the model's own samples.</summary>
    public static double MonteCarloEntropy(IReadOnlyList<double> sampleLogProbabilities) =>
        sampleLogProbabilities.Count == 0 ? double.NaN : -sampleLogProbabilities.Average();

    /// <summary>Mean and standard error of the mean (sample standard deviation / √n; 0 for one value).</summary>
    public static (double Mean, double Sem) MeanAndSem(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return (double.NaN, double.NaN);
        double mean = values.Average();
        if (values.Count == 1) return (mean, 0);
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return (mean, Math.Sqrt(variance / values.Count));
    }
}
