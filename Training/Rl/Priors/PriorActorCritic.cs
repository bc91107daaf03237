// Tabular actor-critic on the KL-regularised reward r − α KL(π(·|x) ‖ π0(·|x^D)) (spec irl-rl.md §D.2,
// "discrete or toy version"), one update per episode on the episode's steps:
// - critic: a table Q(goal, cell, a) moved towards on-policy λ-returns whose bootstraps are the soft value
//   V(x) = Σ_a π(a|x) Q(x, a) − α KL(π(·|x) ‖ π0(·|x^D)), so Q excludes the current step's KL (§D.1);
// - policy: Adam on −Σ_a π(a|x) Q(x, a) + α KL(π ‖ π0), exact over the discrete actions, prior held fixed;
// - prior: Adam on the distillation cross-entropy −Σ_a π(a|x) log π0(a|x^D), policy held fixed.
// Policy and prior losses are autograd expressions over logit tables (no hand-written gradients).
using Engine.Autograd;
using Engine.Optim;
using Engine.Tensors;

namespace Engine.Training.Rl.Priors;

/// <param name="PlainSgd">Plain SGD instead of Adam for policy and prior: a diagnostic, since Adam's per-parameter
/// scaling makes the size of the α·KL pull independent of α wherever the Q term's gradient vanishes.</param>
public sealed record ActorCriticSettings(
    double Alpha = 0.1, double Lambda = 0.9, double CriticRate = 0.3, double PolicyRate = 0.1, double PriorRate = 0.1, bool PlainSgd = false);

public sealed record EpisodeOutcome(bool Success, int Steps, double Return, double MeanKl);

public sealed class PriorActorCritic
{
    private readonly GoalMaze _maze;
    private readonly IBehaviourModel _model;
    private readonly ActorCriticSettings _settings;
    private readonly Generator _rng;
    private readonly double[] _q;  // Q[(g·S + s)·A + a]
    private readonly Optimizer? _policyOptimizer, _priorOptimizer;

    public PriorActorCritic(GoalMaze maze, IBehaviourModel model, ActorCriticSettings settings, Generator rng)
    {
        if (model.StateCount != maze.StateCount || model.ActionCount != maze.ActionCount || model.GoalCount != maze.GoalCount)
            throw new EngineException("PriorActorCritic: the behaviour model's tables do not fit the maze");
        if (!(settings.Alpha >= 0)) throw new EngineException($"PriorActorCritic: alpha must be non-negative, got {settings.Alpha}");
        (_maze, _model, _settings, _rng) = (maze, model, settings, rng);
        _q = new double[maze.GoalCount * maze.StateCount * maze.ActionCount];
        if (model.PolicyParameters.Count > 0) _policyOptimizer = MakeOptimizer(model.PolicyParameters, settings.PolicyRate);
        if (model.PriorParameters.Count > 0) _priorOptimizer = MakeOptimizer(model.PriorParameters, settings.PriorRate);
    }

    public IBehaviourModel Model => _model;

    private Optimizer MakeOptimizer(IReadOnlyList<KeyValuePair<string, Tensor>> parameters, double rate) =>
        _settings.PlainSgd ? new Sgd([new ParamGroup(parameters, rate)]) : new Adam([new ParamGroup(parameters, rate)]);

    /// <summary>Plays one episode of the given goal with the current policy, then updates critic, policy and prior.</summary>
    public EpisodeOutcome RunEpisode(int goal)
    {
        var (probabilities, kl) = Tables(goal);
        int actions = _maze.ActionCount;
        var uniforms = _rng.Uniform([_maze.Horizon], 0, 1, DType.Float64).ToArray<double>();
        var states = new List<int> { _maze.StartState };
        var taken = new List<int>();
        var rewards = new List<double>();
        bool done = false;
        for (int t = 0; t < _maze.Horizon && !done; t++)
        {
            int s = states[^1];
            int a = RolloutSampler.SampleIndex(probabilities.AsSpan(s * actions, actions), uniforms[t]);
            var (next, reward, ended) = _maze.Step(s, a, goal);
            taken.Add(a);
            rewards.Add(reward);
            states.Add(next);
            done = ended;
        }
        UpdateCritic(goal, states, taken, rewards, done, probabilities, kl);
        double meanKl = taken.Count == 0 ? 0 : Enumerable.Range(0, taken.Count).Average(t => kl[states[t]]);
        UpdatePolicyAndPrior(goal, states.GetRange(0, taken.Count));
        return new EpisodeOutcome(done, taken.Count, rewards.Sum(), meanKl);
    }

    /// <summary>π(·|s, goal) and KL(π ‖ π0)(s) for every cell of one goal, without gradients.</summary>
    public (double[] Probabilities, double[] Kl) Tables(int goal)
    {
        using var _ = GradMode.NoGrad();
        var (goals, states) = Batch(goal, Enumerable.Range(0, _maze.StateCount).ToList());
        return (_model.PolicyProbabilities(goals, states).Data.ToDoubleArray(), _model.KlToFixedPrior(goals, states).Data.ToDoubleArray());
    }

    private void UpdateCritic(int goal, List<int> states, List<int> actions, List<double> rewards, bool done, double[] probabilities, double[] kl)
    {
        int steps = actions.Count;
        if (steps == 0) return;
        double gamma = _maze.Gamma, lambda = _settings.Lambda, alpha = _settings.Alpha;
        var targets = new double[steps];
        double following = done ? 0 : SoftValue(goal, states[steps], probabilities, kl);
        targets[steps - 1] = rewards[steps - 1] + gamma * following;
        for (int t = steps - 2; t >= 0; t--)
        {
            int next = states[t + 1];
            double bootstrap = SoftValue(goal, next, probabilities, kl);
            double continuation = targets[t + 1] - alpha * kl[next];
            targets[t] = rewards[t] + gamma * ((1 - lambda) * bootstrap + lambda * continuation);
        }
        for (int t = 0; t < steps; t++)
        {
            int index = QIndex(goal, states[t], actions[t]);
            _q[index] += _settings.CriticRate * (targets[t] - _q[index]);
        }
    }

    private void UpdatePolicyAndPrior(int goal, List<int> visited)
    {
        if (visited.Count == 0) return;
        var (goals, states) = Batch(goal, visited);
        if (_policyOptimizer is not null)
        {
            var q = new double[visited.Count * _maze.ActionCount];
            for (int i = 0; i < visited.Count; i++)
                for (int a = 0; a < _maze.ActionCount; a++) q[i * _maze.ActionCount + a] = _q[QIndex(goal, visited[i], a)];
            var qTensor = new Tensor(NDArray.FromArray(q, visited.Count, _maze.ActionCount));
            var expectedQ = (_model.PolicyProbabilities(goals, states) * qTensor).Sum([-1]);
            var loss = (_model.KlToFixedPrior(goals, states) * _settings.Alpha - expectedQ).Mean();
            _policyOptimizer.ZeroGrad();
            loss.Backward();
            _policyOptimizer.Step();
        }
        if (_priorOptimizer is not null)
        {
            var loss = _model.DistillationLoss(goals, states).Mean();
            _priorOptimizer.ZeroGrad();
            loss.Backward();
            _priorOptimizer.Step();
        }
    }

    private double SoftValue(int goal, int state, double[] probabilities, double[] kl)
    {
        int actions = _maze.ActionCount;
        double value = 0;
        for (int a = 0; a < actions; a++) value += probabilities[state * actions + a] * _q[QIndex(goal, state, a)];
        return value - _settings.Alpha * kl[state];
    }

    private int QIndex(int goal, int state, int action) => (goal * _maze.StateCount + state) * _maze.ActionCount + action;

    private static (Tensor Goals, Tensor States) Batch(int goal, List<int> states) =>
        (new Tensor(NDArray.FromArray(Enumerable.Repeat((long)goal, states.Count).ToArray(), states.Count)),
         new Tensor(NDArray.FromArray(states.Select(s => (long)s).ToArray(), states.Count)));
}
