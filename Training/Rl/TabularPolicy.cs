// Tabular policies: a stationary Markov policy π(a|s) (TabularPolicy) and a finite-horizon,
// time-indexed one π_t(a|s) (TimeIndexedPolicy), both behind IStepPolicy so rollouts and finite-horizon
// state propagation accept either. Probabilities are stored row by row, one row per state.
using Engine.Tensors;

namespace Engine.Training.Rl;

/// <summary>A policy that may depend on the time step: π_t(a|s).</summary>
public interface IStepPolicy
{
    int StateCount { get; }
    int ActionCount { get; }

    /// <summary>The action distribution at time step t in state s (a row summing to 1).</summary>
    ReadOnlySpan<double> ActionProbabilities(int step, int state);
}

/// <summary>A stationary Markov policy π(a|s).</summary>
public sealed class TabularPolicy : IStepPolicy
{
    private const double RowTolerance = 1e-9;
    private readonly double[] _probabilities;

    public int StateCount { get; }
    public int ActionCount { get; }

    /// <summary>Builds a policy from probs[s, a]; every row must be a distribution.</summary>
    public TabularPolicy(double[,] probabilities)
    {
        StateCount = probabilities.GetLength(0);
        ActionCount = probabilities.GetLength(1);
        if (StateCount == 0 || ActionCount == 0) throw new EngineException("TabularPolicy: need at least one state and one action");
        _probabilities = new double[StateCount * ActionCount];
        for (int s = 0; s < StateCount; s++)
        {
            double total = 0;
            for (int a = 0; a < ActionCount; a++)
            {
                double p = probabilities[s, a];
                if (!(p >= 0)) throw new EngineException($"TabularPolicy: π({a}|{s}) = {p} is not a probability");
                _probabilities[s * ActionCount + a] = p;
                total += p;
            }
            if (Math.Abs(total - 1) > RowTolerance) throw new EngineException($"TabularPolicy: the row of state {s} sums to {total}, not 1");
        }
    }

    public double this[int state, int action] => _probabilities[state * ActionCount + action];

    public ReadOnlySpan<double> ActionProbabilities(int state) => _probabilities.AsSpan(state * ActionCount, ActionCount);

    ReadOnlySpan<double> IStepPolicy.ActionProbabilities(int step, int state) => ActionProbabilities(state);

    /// <summary>A copy of π[s, a].</summary>
    public double[,] ToArray()
    {
        var result = new double[StateCount, ActionCount];
        for (int s = 0; s < StateCount; s++)
            for (int a = 0; a < ActionCount; a++) result[s, a] = this[s, a];
        return result;
    }

    public static TabularPolicy Uniform(int states, int actions)
    {
        var probs = new double[states, actions];
        for (int s = 0; s < states; s++)
            for (int a = 0; a < actions; a++) probs[s, a] = 1.0 / actions;
        return new TabularPolicy(probs);
    }

    /// <summary>The deterministic policy taking actions[s] in state s.</summary>
    public static TabularPolicy Deterministic(int[] actions, int actionCount)
    {
        var probs = new double[actions.Length, actionCount];
        for (int s = 0; s < actions.Length; s++)
        {
            if ((uint)actions[s] >= (uint)actionCount) throw new EngineException($"TabularPolicy: action {actions[s]} in state {s} is outside [0, {actionCount})");
            probs[s, actions[s]] = 1;
        }
        return new TabularPolicy(probs);
    }

    /// <summary>
    /// The deterministic greedy policy argmax_a Q[s, a]. Ties (values within tieTolerance of the best,
    /// relative to the larger of 1 and |best|) go to the lowest action index, so results are reproducible.
    /// </summary>
    public static TabularPolicy Greedy(double[,] q, double tieTolerance = 1e-10) =>
        Deterministic(GreedyActions(q, tieTolerance), q.GetLength(1));

    /// <summary>argmax_a Q[s, a] per state with ties to the lowest index (see Greedy).</summary>
    public static int[] GreedyActions(double[,] q, double tieTolerance = 1e-10)
    {
        int states = q.GetLength(0), actions = q.GetLength(1);
        var result = new int[states];
        for (int s = 0; s < states; s++)
        {
            double best = double.NegativeInfinity;
            for (int a = 0; a < actions; a++) best = Math.Max(best, q[s, a]);
            double slack = tieTolerance * Math.Max(1, Math.Abs(best));
            int pick = 0;
            while (q[s, pick] < best - slack) pick++;
            result[s] = pick;
        }
        return result;
    }

    /// <summary>π(a|s) ∝ prior(a|s) exp(Q[s, a] / temperature) (a plain softmax when prior is null), computed stably.</summary>
    public static TabularPolicy Boltzmann(double[,] q, double temperature, TabularPolicy? prior = null)
    {
        if (!(temperature > 0)) throw new EngineException($"TabularPolicy.Boltzmann: temperature must be positive, got {temperature}");
        int states = q.GetLength(0), actions = q.GetLength(1);
        if (prior is not null && (prior.StateCount != states || prior.ActionCount != actions))
            throw new EngineException($"TabularPolicy.Boltzmann: prior of shape [{prior.StateCount}, {prior.ActionCount}] does not match Q of shape [{states}, {actions}]");
        var probs = new double[states, actions];
        for (int s = 0; s < states; s++)
        {
            double max = double.NegativeInfinity;
            for (int a = 0; a < actions; a++)
                if (prior is null || prior[s, a] > 0) max = Math.Max(max, q[s, a] / temperature);
            double total = 0;
            for (int a = 0; a < actions; a++)
            {
                double weight = prior is null ? 1 : prior[s, a];
                probs[s, a] = weight == 0 ? 0 : weight * Math.Exp(q[s, a] / temperature - max);
                total += probs[s, a];
            }
            for (int a = 0; a < actions; a++) probs[s, a] /= total;
        }
        return new TabularPolicy(probs);
    }

    /// <summary>
    /// The Markov policy that induces a state-action occupancy: π(a|s) = d(s, a) / Σ_a' d(s, a'). States
    /// the occupancy never visits get the uniform policy (their choice does not change d).
    /// </summary>
    public static TabularPolicy FromOccupancy(double[,] occupancy)
    {
        int states = occupancy.GetLength(0), actions = occupancy.GetLength(1);
        var probs = new double[states, actions];
        for (int s = 0; s < states; s++)
        {
            double total = 0;
            for (int a = 0; a < actions; a++) total += Math.Max(0, occupancy[s, a]);
            for (int a = 0; a < actions; a++) probs[s, a] = total > 0 ? Math.Max(0, occupancy[s, a]) / total : 1.0 / actions;
        }
        return new TabularPolicy(probs);
    }
}

/// <summary>A finite-horizon policy: one stationary table per time step t = 0..Horizon-1.</summary>
public sealed class TimeIndexedPolicy : IStepPolicy
{
    private readonly TabularPolicy[] _steps;

    public TimeIndexedPolicy(IReadOnlyList<TabularPolicy> steps)
    {
        if (steps.Count == 0) throw new EngineException("TimeIndexedPolicy: need at least one time step");
        _steps = [.. steps];
        foreach (var p in _steps)
            if (p.StateCount != _steps[0].StateCount || p.ActionCount != _steps[0].ActionCount)
                throw new EngineException("TimeIndexedPolicy: every step must have the same number of states and actions");
    }

    public int Horizon => _steps.Length;
    public int StateCount => _steps[0].StateCount;
    public int ActionCount => _steps[0].ActionCount;

    public TabularPolicy AtStep(int step) => _steps[step];

    public ReadOnlySpan<double> ActionProbabilities(int step, int state)
    {
        if ((uint)step >= (uint)_steps.Length) throw new EngineException($"TimeIndexedPolicy: step {step} is outside the horizon {_steps.Length}");
        return _steps[step].ActionProbabilities(state);
    }
}
