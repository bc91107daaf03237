// Skill-discovery metrics from exact final-state distributions (spec irl-rl.md §B.1, §B.4): P(s_T | z)
// is propagated exactly through the MDP, never estimated from rollouts. A skill is discovered when its
// modal final state has probability ≥ 0.9; the count is the number of distinct modal states among
// discovered skills. Also I(Z; S_T) in bits under the uniform skill prior.
namespace Engine.Training.Rl.Skills;

public static class SkillCounter
{
    public const double DiscoveryThreshold = 0.9;

    /// <summary>P(s_T | z) for each skill.</summary>
    public static double[][] FinalStateDistributions(TabularMdp mdp, IReadOnlyList<IStepPolicy> skillPolicies, int horizon) =>
        skillPolicies.Select(p => FiniteHorizon.FinalStateDistribution(mdp, p, horizon)).ToArray();

    /// <summary>The number of distinct modal final states among skills whose mode has probability ≥ threshold.</summary>
    public static int Count(IReadOnlyList<double[]> finalDistributions, double threshold = DiscoveryThreshold)
    {
        var modes = new HashSet<int>();
        foreach (var p in finalDistributions)
        {
            int mode = 0;
            for (int s = 1; s < p.Length; s++)
                if (p[s] > p[mode]) mode = s;
            if (p[mode] >= threshold) modes.Add(mode);
        }
        return modes.Count;
    }

    /// <summary>I(Z; S_T) in bits with p(z) uniform.</summary>
    public static double MutualInformationBits(IReadOnlyList<double[]> finalDistributions)
    {
        int n = finalDistributions.Count, states = finalDistributions[0].Length;
        var marginal = new double[states];
        foreach (var p in finalDistributions)
            for (int s = 0; s < states; s++) marginal[s] += p[s] / n;
        double total = 0;
        foreach (var p in finalDistributions)
            for (int s = 0; s < states; s++)
                if (p[s] > 0) total += p[s] * Math.Log2(p[s] / marginal[s]) / n;
        return total;
    }
}
