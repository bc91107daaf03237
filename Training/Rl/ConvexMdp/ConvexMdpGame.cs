// The meta-algorithm of Zahavy et al. 2021 (Algorithm 1; spec irl-rl.md §C.1, §C.3): a cost player and a
// policy player play K rounds; the answer is the averaged occupancy d̄_K, not the last one. Following the
// spec, d̄ starts from d_0 (the uniform random policy's occupancy) and d̄_k = d̄_{k−1} + (d_k − d̄_{k−1})/(k+1).
// The average is realised as the Markov policy π̄(a|s) = d̄(s, a)/Σ_a d̄(s, a) (TabularPolicy.FromOccupancy),
// never by averaging the policies π_k.
namespace Engine.Training.Rl.ConvexMdp;

/// <summary>What the game saw in round k: the averaged occupancy d̄_k, the last one d_k and the cost λ_k.</summary>
public sealed record GameRound(int Round, double[,] Average, double[,] Last, double[,] Cost);

public static class ConvexMdpGame
{
    /// <summary>The occupancy of the uniform random policy, d_0.</summary>
    public static double[,] InitialOccupancy(TabularMdp mdp) =>
        Occupancy.StateActions(mdp, TabularPolicy.Uniform(mdp.StateCount, mdp.ActionCount));

    /// <summary>Plays `rounds` rounds and returns d̄_K; onRound (if given) sees every round.</summary>
    public static double[,] Run(TabularMdp mdp, ICostPlayer costPlayer, IPolicyPlayer policyPlayer, int rounds, Action<GameRound>? onRound = null)
    {
        if (rounds < 1) throw new Engine.Tensors.EngineException($"ConvexMdpGame: need at least one round, got {rounds}");
        var average = InitialOccupancy(mdp);
        costPlayer.Observe(average);
        for (int k = 1; k <= rounds; k++)
        {
            var cost = costPlayer.Cost();
            var occupancy = policyPlayer.Play(cost);
            costPlayer.Observe(occupancy);
            average = OccupancyMath.MoveTowards(average, occupancy, 1.0 / (k + 1));
            onRound?.Invoke(new GameRound(k, average, occupancy, cost));
        }
        return average;
    }
}
