// An IWPLA learner on the GoalMaze (spec irl-rl.md §E.1–E.2): it acts with the importance-weighted policy
// π_w(a|s) ∝ π0(a|s) exp(Q(s, a; w)/η) (exact softmax over the five actions, as §E.2 recommends), with π0
// mixed with 5% uniform; stores every task's transitions in a replay; learns Q off-policy from replay with
// expected targets y = r + γ (1 − done) Σ_a π_w(a|s') Q(s', a; w) (Retrace with λ = 0, so no trace cutting is
// needed); and, when its prior is trainable, distils π0 from the task policies: min E_s KL(π_w ‖ π0).
using Engine.Autograd;
using Engine.Optim;
using Engine.Tensors;
using Engine.Training.Rl.Priors;

namespace Engine.Training.Rl.Iwpla;

public sealed record IwplaSettings(
    double Temperature = 0.1, double UniformMix = 0.05, int Features = 32, double QRate = 0.01, double PriorRate = 0.05,
    int UpdatesPerEpisode = 8, int BatchSize = 32);

public enum IwplaPrior { Uniform, Learned, Frozen }

public sealed class IwplaAgent
{
    private readonly GoalMaze _maze;
    private readonly IwplaSettings _settings;
    private readonly Generator _rng;
    private readonly Adam _qOptimizer;
    private readonly Adam? _priorOptimizer;
    private readonly Tensor? _priorLogits;  // [S, A]; null: uniform prior
    private readonly List<(int Task, int State, int Action, double Reward, int Next, bool Done)> _replay = [];

    public MultiTaskQ Q { get; }

    /// <param name="priorLogits">Logits of a prior to start from (Learned) or keep (Frozen); ignored for Uniform.</param>
    public IwplaAgent(GoalMaze maze, MultiTaskQ q, IwplaPrior prior, IwplaSettings settings, Generator rng, double[]? priorLogits = null)
    {
        (_maze, Q, _settings, _rng) = (maze, q, settings, rng);
        _qOptimizer = new Adam([ParamGroup.Of(q, settings.QRate)]);
        if (prior != IwplaPrior.Uniform)
        {
            var initial = priorLogits is null ? NDArray.Zeros([maze.StateCount, maze.ActionCount], DType.Float64) : NDArray.FromArray((double[])priorLogits.Clone(), maze.StateCount, maze.ActionCount);
            _priorLogits = new Tensor(initial, requiresGrad: prior == IwplaPrior.Learned);
            if (prior == IwplaPrior.Learned) _priorOptimizer = new Adam([new ParamGroup([new("prior_logits", _priorLogits)], settings.PriorRate)]);
        }
    }

    public double[] PriorLogitsCopy() => _priorLogits?.Data.ToDoubleArray() ?? new double[_maze.StateCount * _maze.ActionCount];

    /// <summary>The acting prior π0 mixed with uniform, [S·A].</summary>
    public double[] ActingPrior()
    {
        int actions = _maze.ActionCount;
        var logits = PriorLogitsCopy();
        return PriorExperiments.MixWithUniform(logits, actions, _settings.UniformMix).Select(Math.Exp).ToArray();
    }

    /// <summary>π_w for every cell of a task, exactly.</summary>
    public TabularPolicy Policy(int task)
    {
        var prior = ActingPrior();
        var q = QTable(task);
        int actions = _maze.ActionCount;
        var probs = new double[_maze.StateCount, actions];
        for (int s = 0; s < _maze.StateCount; s++)
        {
            var row = ImportanceWeightedPolicy.Exact(prior.AsSpan(s * actions, actions), q.AsSpan(s * actions, actions), _settings.Temperature);
            for (int a = 0; a < actions; a++) probs[s, a] = row[a];
        }
        return new TabularPolicy(probs);
    }

    /// <summary>The probability that π_w reaches the task's goal within the horizon, computed exactly.</summary>
    public double SuccessProbability(int task) =>
        FiniteHorizon.FinalStateDistribution(_maze.GoalMdp(task), Policy(task), _maze.Horizon)[_maze.DoneState];

    /// <summary>One episode of a task with π_w, then replay updates of Q (and of π0 when it is learned). Returns success.</summary>
    public bool RunEpisode(int task)
    {
        var policy = Policy(task);
        var uniforms = _rng.Uniform([_maze.Horizon], 0, 1, DType.Float64).ToArray<double>();
        int s = _maze.StartState;
        bool done = false;
        for (int t = 0; t < _maze.Horizon && !done; t++)
        {
            int a = RolloutSampler.SampleIndex(policy.ActionProbabilities(s), uniforms[t]);
            var (next, reward, ended) = _maze.Step(s, a, task);
            _replay.Add((task, s, a, reward, next, ended));
            (s, done) = (next, ended);
        }
        for (int u = 0; u < _settings.UpdatesPerEpisode; u++) Update(task);
        return done;
    }

    private void Update(int task)
    {
        var own = _replay.Where(x => x.Task == task).ToList();
        var picks = _rng.Uniform([_settings.BatchSize], 0, 1, DType.Float64).ToArray<double>()
            .Select(u => own[Math.Min(own.Count - 1, (int)(u * own.Count))]).ToList();
        var policy = Policy(task);
        var qTable = QTable(task);
        int actions = _maze.ActionCount;
        var targets = picks.Select(x =>
        {
            if (x.Done) return x.Reward;
            double expected = 0;
            for (int a = 0; a < actions; a++) expected += policy[x.Next, a] * qTable[x.Next * actions + a];
            return x.Reward + _maze.Gamma * expected;
        }).ToArray();
        var states = new Tensor(NDArray.FromArray(picks.Select(x => (long)x.State).ToArray(), picks.Count));
        var taken = new Tensor(NDArray.FromArray(picks.Select(x => (long)x.Action).ToArray(), picks.Count, 1));
        var predicted = Q.Forward(states, task).Gather(1, taken).Reshape(picks.Count);
        var loss = (predicted - new Tensor(NDArray.FromArray(targets, picks.Count))).Square().Mean() * 0.5;
        _qOptimizer.ZeroGrad();
        loss.Backward();
        _qOptimizer.Step();

        if (_priorOptimizer is null) return;
        // Distillation on the replay states of this task: −Σ_a π_w(a|s) log π0(a|s), π_w held fixed.
        var target = new double[picks.Count * actions];
        for (int i = 0; i < picks.Count; i++)
            for (int a = 0; a < actions; a++) target[i * actions + a] = policy[picks[i].State, a];
        var distillation = (new Tensor(NDArray.FromArray(target, picks.Count, actions)) * _priorLogits!.IndexSelect(0, states).LogSoftmax(-1)).Sum([-1]).Neg().Mean();
        _priorOptimizer.ZeroGrad();
        distillation.Backward();
        _priorOptimizer.Step();
    }

    private double[] QTable(int task)
    {
        using var _ = GradMode.NoGrad();
        var all = new Tensor(NDArray.FromArray(Enumerable.Range(0, _maze.StateCount).Select(s => (long)s).ToArray(), _maze.StateCount));
        return Q.Forward(all, task).Data.ToDoubleArray();
    }
}
