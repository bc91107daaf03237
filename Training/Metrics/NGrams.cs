// n-gram counting and the distinct-n diversity metric (Li et al. 2016; specs/irl-rl.md A.7): the number of
// unique n-grams over the total number of n-grams across a set of generations, and the distinct-sequence
// ratio (unique generations over generations).
using Engine.Tensors;

namespace Engine.Training.Metrics;

public static class NGrams
{
    /// <summary>The n-grams of tokens with their counts, keyed by the tokens joined with spaces.</summary>
    public static Dictionary<string, int> Count(IReadOnlyList<int> tokens, int n)
    {
        if (n < 1) throw new EngineException($"n-grams: n must be at least 1, got {n}");
        var counts = new Dictionary<string, int>();
        for (int i = 0; i + n <= tokens.Count; i++)
        {
            string key = string.Join(' ', Enumerable.Range(i, n).Select(j => tokens[j]));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts;
    }

    /// <summary>Unique n-grams / total n-grams over all sequences; 0 when there is no n-gram at all.</summary>
    public static double DistinctN(IEnumerable<IReadOnlyList<int>> sequences, int n)
    {
        var unique = new HashSet<string>();
        int total = 0;
        foreach (var sequence in sequences)
            foreach (var (gram, count) in Count(sequence, n))
            {
                unique.Add(gram);
                total += count;
            }
        return total == 0 ? 0 : (double)unique.Count / total;
    }

    /// <summary>The number of distinct sequences.</summary>
    public static int DistinctSequences(IEnumerable<IReadOnlyList<int>> sequences) =>
        sequences.Select(s => string.Join(' ', s)).Distinct().Count();
}
