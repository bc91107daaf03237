// A finite Markov decision process held as dense arrays: transitions P[s, a, s'], rewards r[s, a], a
// discount γ and a start distribution ρ0 (spec irl-rl.md §0, "tabular MDP kit"). Everything in
// Training/Rl works on this type: the exact solvers, the occupancy measures, rollouts, convex MDPs and
// skill discovery. Tasks are continuing; an episodic task is modelled with an absorbing zero-reward state.
using Engine.Tensors;

namespace Engine.Training.Rl;

public sealed class TabularMdp
{
    private const double ProbabilityTolerance = 1e-9;

    // Row-major flat copies: P[(s·A + a)·S + s'] and r[s·A + a]. The arrays are never modified after
    // construction, so MDPs derived with WithRewards share the transition array.
    private readonly double[] _transitions;
    private readonly double[] _rewards;
    private readonly double[] _start;

    public int StateCount { get; }
    public int ActionCount { get; }

    /// <summary>The discount factor γ in [0, 1).</summary>
    public double Gamma { get; }

    /// <param name="transitions">P[s, a, s']: each row P[s, a, ·] is a probability distribution.</param>
    /// <param name="rewards">r[s, a], the expected reward for taking a in s.</param>
    /// <param name="gamma">Discount in [0, 1).</param>
    /// <param name="startDistribution">ρ0[s], a probability distribution over states.</param>
    public TabularMdp(double[,,] transitions, double[,] rewards, double gamma, double[] startDistribution)
    {
        int states = transitions.GetLength(0), actions = transitions.GetLength(1);
        if (states == 0 || actions == 0)
            throw new EngineException($"TabularMdp: need at least one state and one action, got P of shape [{states}, {actions}, {transitions.GetLength(2)}]");
        if (transitions.GetLength(2) != states)
            throw new EngineException($"TabularMdp: P must have shape [S, A, S], got [{states}, {actions}, {transitions.GetLength(2)}]");
        if (rewards.GetLength(0) != states || rewards.GetLength(1) != actions)
            throw new EngineException($"TabularMdp: rewards must have shape [{states}, {actions}], got [{rewards.GetLength(0)}, {rewards.GetLength(1)}]");
        if (startDistribution.Length != states)
            throw new EngineException($"TabularMdp: the start distribution must have {states} entries, got {startDistribution.Length}");
        if (!(gamma >= 0 && gamma < 1)) throw new EngineException($"TabularMdp: gamma must be in [0, 1), got {gamma}");
        for (int s = 0; s < states; s++)
            for (int a = 0; a < actions; a++)
            {
                double total = 0;
                for (int next = 0; next < states; next++)
                {
                    double p = transitions[s, a, next];
                    if (!(p >= 0)) throw new EngineException($"TabularMdp: P[{s}, {a}, {next}] = {p} is not a probability");
                    total += p;
                }
                if (Math.Abs(total - 1) > ProbabilityTolerance)
                    throw new EngineException($"TabularMdp: P[{s}, {a}, ·] sums to {total}, not 1");
                if (!double.IsFinite(rewards[s, a])) throw new EngineException($"TabularMdp: r[{s}, {a}] = {rewards[s, a]} is not finite");
            }
        RequireDistribution("start distribution", startDistribution);
        StateCount = states;
        ActionCount = actions;
        Gamma = gamma;
        _transitions = new double[states * actions * states];
        _rewards = new double[states * actions];
        for (int s = 0; s < states; s++)
            for (int a = 0; a < actions; a++)
            {
                _rewards[s * actions + a] = rewards[s, a];
                for (int next = 0; next < states; next++) _transitions[(s * actions + a) * states + next] = transitions[s, a, next];
            }
        _start = (double[])startDistribution.Clone();
    }

    // A trusted copy that shares the validated transitions and start distribution.
    private TabularMdp(TabularMdp source, double[] rewards, double gamma)
    {
        StateCount = source.StateCount;
        ActionCount = source.ActionCount;
        Gamma = gamma;
        _transitions = source._transitions;
        _start = source._start;
        _rewards = rewards;
    }

    /// <summary>P(s' | s, a).</summary>
    public double Transition(int state, int action, int next) => _transitions[(state * ActionCount + action) * StateCount + next];

    /// <summary>The next-state distribution P(· | s, a).</summary>
    public ReadOnlySpan<double> TransitionRow(int state, int action) =>
        _transitions.AsSpan((state * ActionCount + action) * StateCount, StateCount);

    /// <summary>r(s, a).</summary>
    public double Reward(int state, int action) => _rewards[state * ActionCount + action];

    /// <summary>ρ0(s).</summary>
    public double StartProbability(int state) => _start[state];

    /// <summary>Copies of the arrays, safe to modify.</summary>
    public double[,,] TransitionsCopy()
    {
        var result = new double[StateCount, ActionCount, StateCount];
        for (int s = 0; s < StateCount; s++)
            for (int a = 0; a < ActionCount; a++)
                for (int next = 0; next < StateCount; next++) result[s, a, next] = Transition(s, a, next);
        return result;
    }

    public double[,] RewardsCopy()
    {
        var result = new double[StateCount, ActionCount];
        for (int s = 0; s < StateCount; s++)
            for (int a = 0; a < ActionCount; a++) result[s, a] = Reward(s, a);
        return result;
    }

    public double[] StartDistributionCopy() => (double[])_start.Clone();

    /// <summary>The same dynamics, discount and start with another reward r[s, a] (e.g. r = −λ in a convex MDP).</summary>
    public TabularMdp WithRewards(double[,] rewards)
    {
        if (rewards.GetLength(0) != StateCount || rewards.GetLength(1) != ActionCount)
            throw new EngineException($"TabularMdp: rewards must have shape [{StateCount}, {ActionCount}], got [{rewards.GetLength(0)}, {rewards.GetLength(1)}]");
        var flat = new double[StateCount * ActionCount];
        for (int s = 0; s < StateCount; s++)
            for (int a = 0; a < ActionCount; a++)
            {
                if (!double.IsFinite(rewards[s, a])) throw new EngineException($"TabularMdp: r[{s}, {a}] = {rewards[s, a]} is not finite");
                flat[s * ActionCount + a] = rewards[s, a];
            }
        return new TabularMdp(this, flat, Gamma);
    }

    /// <summary>The same MDP with another discount.</summary>
    public TabularMdp WithGamma(double gamma)
    {
        if (!(gamma >= 0 && gamma < 1)) throw new EngineException($"TabularMdp: gamma must be in [0, 1), got {gamma}");
        return new TabularMdp(this, _rewards, gamma);
    }

    /// <summary>The same MDP with another start distribution.</summary>
    public TabularMdp WithStartDistribution(double[] startDistribution) => new(TransitionsCopy(), RewardsCopy(), Gamma, startDistribution);

    /// <summary>The state-to-state matrix under a policy: P_π[s, s'] = Σ_a π(a|s) P(s'|s, a).</summary>
    public double[,] StateTransitionMatrix(TabularPolicy policy)
    {
        RequireCompatible(policy);
        var matrix = new double[StateCount, StateCount];
        for (int s = 0; s < StateCount; s++)
            for (int a = 0; a < ActionCount; a++)
            {
                double pa = policy[s, a];
                if (pa == 0) continue;
                var row = TransitionRow(s, a);
                for (int next = 0; next < StateCount; next++) matrix[s, next] += pa * row[next];
            }
        return matrix;
    }

    /// <summary>The expected reward per state under a policy: r_π[s] = Σ_a π(a|s) r(s, a).</summary>
    public double[] PolicyRewards(TabularPolicy policy)
    {
        RequireCompatible(policy);
        var result = new double[StateCount];
        for (int s = 0; s < StateCount; s++)
            for (int a = 0; a < ActionCount; a++) result[s] += policy[s, a] * Reward(s, a);
        return result;
    }

    /// <summary>Q[s, a] = r(s, a) + γ Σ_s' P(s'|s, a) V[s'], the one-step backup of a state-value function.</summary>
    public double[,] Backup(double[] values)
    {
        if (values.Length != StateCount) throw new EngineException($"TabularMdp.Backup: expected {StateCount} values, got {values.Length}");
        var q = new double[StateCount, ActionCount];
        for (int s = 0; s < StateCount; s++)
            for (int a = 0; a < ActionCount; a++)
            {
                var row = TransitionRow(s, a);
                double expected = 0;
                for (int next = 0; next < StateCount; next++) expected += row[next] * values[next];
                q[s, a] = Reward(s, a) + Gamma * expected;
            }
        return q;
    }

    internal void RequireCompatible(TabularPolicy policy)
    {
        if (policy.StateCount != StateCount || policy.ActionCount != ActionCount)
            throw new EngineException($"policy of shape [{policy.StateCount}, {policy.ActionCount}] does not fit an MDP with {StateCount} states and {ActionCount} actions");
    }

    internal static void RequireDistribution(string what, ReadOnlySpan<double> p)
    {
        double total = 0;
        foreach (double v in p)
        {
            if (!(v >= 0)) throw new EngineException($"TabularMdp: the {what} has the entry {v}, not a probability");
            total += v;
        }
        if (Math.Abs(total - 1) > ProbabilityTolerance) throw new EngineException($"TabularMdp: the {what} sums to {total}, not 1");
    }
}
