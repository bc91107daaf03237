// Random tabular MDPs and policies for the RL toolkit tests, drawn from a seeded Generator so every
// test sees the same instances on every run.
using Engine.Tensors;
using Engine.Training.Rl;

namespace Engine.Training.Tests.Rl;

internal static class RandomMdps
{
    /// <summary>Dense random transitions (some zero entries), uniform rewards in [-1, 1], a random start distribution.</summary>
    public static TabularMdp Create(int states, int actions, double gamma, ulong seed)
    {
        var rng = new Generator(seed);
        var u = rng.Uniform([states * actions * states + states * actions + states], 0, 1, DType.Float64).ToArray<double>();
        int k = 0;
        var p = new double[states, actions, states];
        var r = new double[states, actions];
        for (int s = 0; s < states; s++)
            for (int a = 0; a < actions; a++)
            {
                double total = 0;
                for (int s2 = 0; s2 < states; s2++)
                {
                    double w = u[k++];
                    p[s, a, s2] = w < 0.3 ? 0 : w;
                    total += p[s, a, s2];
                }
                if (total == 0) { p[s, a, s] = 1; total = 1; }
                for (int s2 = 0; s2 < states; s2++) p[s, a, s2] /= total;
            }
        for (int s = 0; s < states; s++)
            for (int a = 0; a < actions; a++) r[s, a] = 2 * u[k++] - 1;
        var start = new double[states];
        double startTotal = 0;
        for (int s = 0; s < states; s++) startTotal += start[s] = u[k++];
        for (int s = 0; s < states; s++) start[s] /= startTotal;
        return new TabularMdp(p, r, gamma, start);
    }

    /// <summary>A random stochastic policy with full support.</summary>
    public static TabularPolicy Policy(int states, int actions, ulong seed)
    {
        var u = new Generator(seed).Uniform([states * actions], 0.05, 1, DType.Float64).ToArray<double>();
        var probs = new double[states, actions];
        for (int s = 0; s < states; s++)
        {
            double total = 0;
            for (int a = 0; a < actions; a++) total += u[s * actions + a];
            for (int a = 0; a < actions; a++) probs[s, a] = u[s * actions + a] / total;
        }
        return new TabularPolicy(probs);
    }

    /// <summary>Every deterministic policy of an MDP (actions^states of them; keep both small).</summary>
    public static IEnumerable<int[]> AllDeterministic(int states, int actions)
    {
        var choice = new int[states];
        while (true)
        {
            yield return (int[])choice.Clone();
            int i = 0;
            while (i < states && ++choice[i] == actions) choice[i++] = 0;
            if (i == states) yield break;
        }
    }
}
