// The convex-MDP view of skill discovery (Zahavy et al. 2021, Table 1, "diverse skills (VIC, DIAYN)";
// spec irl-rl.md §C.2). With n skills of uniform prior and state marginals d^z, the objective is
// f(d^1..d^n) = −I(Z; S) = −(1/n) Σ_z KL(d^z ‖ d̄), d̄ = (1/n) Σ_z d^z. Its gradient in d^z(s, a) is
// (1/n) log(d^z(s) / d̄(s)), so follow the leader hands skill z the reward log(d̄^z(s) / d̄(s)) (scaled by n)
// — exactly VIC's log q(z|s) − log p(z) with the Bayes-optimal discriminator q(z|s) = d^z(s) / (n d̄(s)).
// f is not convex in the joint d (the paper maps it all the same), so there is no optimality guarantee.
namespace Engine.Training.Rl.ConvexMdp;

public static class SkillDiversityGame
{
    /// <summary>I(Z; S) in nats for skills with uniform prior and the given state-action occupancies.</summary>
    public static double MutualInformation(IReadOnlyList<double[,]> occupancies)
    {
        var marginals = occupancies.Select(Occupancy.StateMarginal).ToArray();
        var mixture = Mixture(marginals);
        double total = 0;
        foreach (var m in marginals)
            for (int s = 0; s < m.Length; s++)
                if (m[s] > 0) total += m[s] * Math.Log(m[s] / mixture[s]);
        return total / marginals.Length;
    }

    /// <summary>The VIC reward of each skill, r_z(s, a) = log(d^z(s) + ε) − log(d̄(s) + ε) = −n ∇_{d^z} f.</summary>
    public static double[][,] Rewards(IReadOnlyList<double[,]> occupancies)
    {
        var marginals = occupancies.Select(Occupancy.StateMarginal).ToArray();
        var mixture = Mixture(marginals);
        int actions = occupancies[0].GetLength(1);
        var rewards = new double[marginals.Length][,];
        for (int z = 0; z < marginals.Length; z++)
        {
            rewards[z] = new double[mixture.Length, actions];
            for (int s = 0; s < mixture.Length; s++)
                for (int a = 0; a < actions; a++)
                    rewards[z][s, a] = Math.Log(marginals[z][s] + StateEntropyObjective.Epsilon) - Math.Log(mixture[s] + StateEntropyObjective.Epsilon);
        }
        return rewards;
    }

    /// <summary>
    /// Follow the leader against one policy player per skill: each round skill z plays against the reward
    /// r_z computed from the averaged occupancies d̄^z (which start at the initial occupancies). Returns d̄^z.
    /// </summary>
    public static double[][,] Run(IReadOnlyList<double[,]> initialOccupancies, IReadOnlyList<IPolicyPlayer> players, int rounds,
        Action<int, double[][,]>? onRound = null)
    {
        if (initialOccupancies.Count != players.Count || players.Count < 2)
            throw new Engine.Tensors.EngineException($"SkillDiversityGame: need one initial occupancy per player and at least two skills, got {initialOccupancies.Count} and {players.Count}");
        var averages = initialOccupancies.Select(d => (double[,])d.Clone()).ToArray();
        for (int k = 1; k <= rounds; k++)
        {
            var rewards = Rewards(averages);
            for (int z = 0; z < players.Count; z++)
            {
                var played = players[z].Play(OccupancyMath.Negate(rewards[z]));
                averages[z] = OccupancyMath.MoveTowards(averages[z], played, 1.0 / (k + 1));
            }
            onRound?.Invoke(k, averages);
        }
        return averages;
    }

    private static double[] Mixture(double[][] marginals)
    {
        var mixture = new double[marginals[0].Length];
        foreach (var m in marginals)
            for (int s = 0; s < m.Length; s++) mixture[s] += m[s] / marginals.Length;
        return mixture;
    }
}
