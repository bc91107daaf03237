// BLEU (Papineni et al. 2002) over token sequences and Self-BLEU (Zhu et al. 2018, Texygen), the diversity
// axis of Wulfmeier et al. 2024 (specs/irl-rl.md A.7): each of k samples is scored against the other k−1
// as references and the scores are averaged; lower means more diverse. Modified n-gram precisions are
// clipped by the largest count in any one reference; the brevity penalty uses the reference length
// closest to the hypothesis (the shorter one on ties). Add-one smoothing adds 1 to the numerator and
// denominator of every order's precision (Lin & Och 2004; NLTK's method2), which short toy sequences need.
using Engine.Tensors;

namespace Engine.Training.Metrics;

public static class SelfBleu
{
    public const int MaxOrder = 4;

    /// <summary>BLEU-maxOrder of hypothesis against references with uniform weights.</summary>
    public static double Bleu(IReadOnlyList<int> hypothesis, IReadOnlyList<IReadOnlyList<int>> references, int maxOrder, bool addOneSmoothing = true)
    {
        if (maxOrder < 1 || maxOrder > MaxOrder) throw new EngineException($"bleu: the n-gram order must be in [1, {MaxOrder}], got {maxOrder}");
        if (references.Count == 0) throw new EngineException("bleu: at least one reference is needed");
        if (hypothesis.Count == 0) return 0;
        double logPrecision = 0;
        for (int n = 1; n <= maxOrder; n++)
        {
            var counts = NGrams.Count(hypothesis, n);
            var maxReference = new Dictionary<string, int>();
            foreach (var reference in references)
                foreach (var (gram, count) in NGrams.Count(reference, n))
                    maxReference[gram] = Math.Max(count, maxReference.GetValueOrDefault(gram));
            int matched = counts.Sum(c => Math.Min(c.Value, maxReference.GetValueOrDefault(c.Key)));
            int total = Math.Max(hypothesis.Count - n + 1, 0);
            double precision = addOneSmoothing ? (matched + 1.0) / (total + 1.0) : total == 0 ? 0 : (double)matched / total;
            if (precision == 0) return 0;
            logPrecision += Math.Log(precision) / maxOrder;
        }
        int c = hypothesis.Count;
        int r = references.Select(x => x.Count).OrderBy(len => Math.Abs(len - c)).ThenBy(len => len).First();
        double brevity = c > r ? 1 : Math.Exp(1 - (double)r / c);
        return brevity * Math.Exp(logPrecision);
    }

    /// <summary>Mean over samples of BLEU(sample; the other samples as references). Needs two or more samples.</summary>
    public static double Score(IReadOnlyList<IReadOnlyList<int>> samples, int maxOrder, bool addOneSmoothing = true)
    {
        if (samples.Count < 2) throw new EngineException($"self-bleu: needs at least two samples, got {samples.Count}");
        double sum = 0;
        for (int i = 0; i < samples.Count; i++)
            sum += Bleu(samples[i], [.. samples.Where((_, j) => j != i)], maxOrder, addOneSmoothing);
        return sum / samples.Count;
    }
}
