// Spearman's rank correlation (specs/irl-rl.md §0 and A-4; the paper's reward-vs-task-metric analysis):
// the Pearson correlation of the two samples' ranks, where tied values share the average of the ranks
// they span. Undefined (NaN) when either sample is constant.
using Engine.Tensors;

namespace Engine.Training.Metrics;

public static class RankCorrelation
{
    /// <summary>1-based ranks; ties get the average rank of their group.</summary>
    public static double[] AverageRanks(IReadOnlyList<double> values)
    {
        if (values.Any(double.IsNaN)) throw new EngineException("ranks: NaN values cannot be ranked");
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new EngineException($"spearman: the samples differ in size ({x.Count} and {y.Count})");
        if (x.Count < 2) throw new EngineException("spearman: needs at least two pairs");
        return Pearson(AverageRanks(x), AverageRanks(y));
    }

    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }
}
