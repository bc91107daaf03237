// Seeded rollouts on a tabular MDP: the start state from ρ0, actions from π_t(·|s), next states from
// P(·|s, a), each drawn by inverse-CDF sampling on uniforms from an Engine.Tensors Generator (Philox),
// so the same seed gives the same trajectories on any machine and thread count.
using Engine.Tensors;

namespace Engine.Training.Rl;

/// <summary>One trajectory: States has Horizon + 1 entries (s_0..s_T), Actions and Rewards have Horizon.</summary>
public sealed record Trajectory(int[] States, int[] Actions, double[] Rewards)
{
    public int Horizon => Actions.Length;
    public int FinalState => States[^1];

    /// <summary>Σ_t γ^t r_t.</summary>
    public double DiscountedReturn(double gamma)
    {
        double total = 0, weight = 1;
        foreach (double r in Rewards)
        {
            total += weight * r;
            weight *= gamma;
        }
        return total;
    }
}

public sealed class RolloutSampler(TabularMdp mdp, Generator rng)
{
    public TabularMdp Mdp { get; } = mdp;
    public Generator Rng { get; } = rng;

    /// <summary>count trajectories of `horizon` steps under π (stationary or time-indexed).</summary>
    public Trajectory[] Sample(IStepPolicy policy, int horizon, int count)
    {
        if (policy.StateCount != Mdp.StateCount || policy.ActionCount != Mdp.ActionCount)
            throw new EngineException($"RolloutSampler: policy of shape [{policy.StateCount}, {policy.ActionCount}] does not fit an MDP with {Mdp.StateCount} states and {Mdp.ActionCount} actions");
        if (horizon < 0 || count < 0) throw new EngineException($"RolloutSampler: horizon and count must be non-negative, got {horizon} and {count}");
        int perTrajectory = 1 + 2 * horizon;
        var uniforms = Rng.Uniform([Math.Max(1, count * perTrajectory)], 0, 1, DType.Float64).ToArray<double>();
        var start = Mdp.StartDistributionCopy();
        var next = new double[Mdp.StateCount];
        var result = new Trajectory[count];
        for (int i = 0; i < count; i++)
        {
            int u = i * perTrajectory;
            var states = new int[horizon + 1];
            var actions = new int[horizon];
            var rewards = new double[horizon];
            states[0] = SampleIndex(start, uniforms[u++]);
            for (int t = 0; t < horizon; t++)
            {
                int s = states[t];
                int a = SampleIndex(policy.ActionProbabilities(t, s), uniforms[u++]);
                for (int s2 = 0; s2 < next.Length; s2++) next[s2] = Mdp.Transition(s, a, s2);
                actions[t] = a;
                rewards[t] = Mdp.Reward(s, a);
                states[t + 1] = SampleIndex(next, uniforms[u++]);
            }
            result[i] = new Trajectory(states, actions, rewards);
        }
        return result;
    }

    /// <summary>
    /// Inverse-CDF draw from a probability vector with a uniform u in [0, 1): the first index whose
    /// cumulative mass exceeds u; never an index of probability zero.
    /// </summary>
    public static int SampleIndex(ReadOnlySpan<double> probabilities, double u)
    {
        double total = 0;
        foreach (double p in probabilities) total += p;
        double target = u * total, running = 0;
        int last = -1;
        for (int i = 0; i < probabilities.Length; i++)
        {
            if (probabilities[i] <= 0) continue;
            running += probabilities[i];
            last = i;
            if (target < running) return i;
        }
        if (last < 0) throw new EngineException("RolloutSampler: a probability vector has no positive entry");
        return last;
    }
}
