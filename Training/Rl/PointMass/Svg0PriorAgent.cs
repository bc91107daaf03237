// SVG(0) with a behaviour prior on the point-mass task, following acme's svg0_prior learner (spec irl-rl.md §D.2):
// - critic: ½ (y − Q(x, a))² with y = r + γ (Q_target(x', a') − α KL(π(·|x') ‖ π0(·|x'^D))), a' ~ π(·|x') (one-step
//   targets instead of Retrace, since the data is nearly on-policy); the target critic is a periodic copy;
// - policy: −mean over `ActionSamples` reparameterised actions of Q_target(x, μ + σ ε) − β H(π) + α KL(π ‖ π0), prior
//   held fixed (gradient to the policy only; β is acme's entropy_regularizer_cost, 1e-3);
// - prior: analytic KL(π ‖ π0) with the policy held fixed (gradient to the prior only).
// The prior is a Gaussian network on the position only (asymmetric), on position and goal (full information), a
// fixed N(0, I) (no learned prior), or a frozen pretrained asymmetric prior (transfer). Every gradient is autograd's.
using Engine.Autograd;
using Engine.Optim;
using Engine.Tensors;
using Engine.Training.Rl.Priors;

namespace Engine.Training.Rl.PointMass;

public enum ContinuousPrior { StandardNormal, Asymmetric, FullInformation, FrozenAsymmetric }

public sealed record Svg0Settings(
    double Alpha = 0.1, double Entropy = 1e-3, int Hidden = 32, double Rate = 3e-3, int ActionSamples = 10, int BatchSize = 32,
    int UpdatesPerEpisode = 10, int TargetPeriod = 50);

public sealed class Svg0PriorAgent
{
    private const int ObservationSize = 4;  // (px, py, gx, gy)
    private readonly PointMassTask _task;
    private readonly ContinuousPrior _kind;
    private readonly Svg0Settings _settings;
    private readonly Generator _rng;
    private readonly GaussianPolicyNetwork _policy;
    private readonly GaussianPolicyNetwork? _prior;
    private readonly CriticNetwork _critic, _targetCritic;
    private readonly Adam _policyOptimizer, _criticOptimizer;
    private readonly Adam? _priorOptimizer;
    private readonly List<double[]> _replay = [];  // observation (4), action (2), reward, next observation (4)
    private int _updates;

    public Svg0PriorAgent(PointMassTask task, ContinuousPrior kind, Svg0Settings settings, Generator rng, GaussianPolicyNetwork? frozenPrior = null)
    {
        if ((kind == ContinuousPrior.FrozenAsymmetric) != (frozenPrior is not null))
            throw new EngineException("Svg0PriorAgent: a frozen prior network is needed exactly for the FrozenAsymmetric kind");
        (_task, _kind, _settings, _rng) = (task, kind, settings, rng);
        _policy = new GaussianPolicyNetwork(ObservationSize, PointMassTask.ActionSize, settings.Hidden, rng);
        _critic = new CriticNetwork(ObservationSize + PointMassTask.ActionSize, settings.Hidden, rng);
        _targetCritic = new CriticNetwork(ObservationSize + PointMassTask.ActionSize, settings.Hidden, rng);
        _critic.CopyTo(_targetCritic);
        _prior = kind switch
        {
            ContinuousPrior.Asymmetric => new GaussianPolicyNetwork(PointMassTask.PositionSize, PointMassTask.ActionSize, settings.Hidden, rng),
            ContinuousPrior.FullInformation => new GaussianPolicyNetwork(ObservationSize, PointMassTask.ActionSize, settings.Hidden, rng),
            ContinuousPrior.FrozenAsymmetric => frozenPrior,
            _ => null,
        };
        _policyOptimizer = new Adam([ParamGroup.Of(_policy, settings.Rate)]);
        _criticOptimizer = new Adam([ParamGroup.Of(_critic, settings.Rate)]);
        if (kind is ContinuousPrior.Asymmetric or ContinuousPrior.FullInformation) _priorOptimizer = new Adam([ParamGroup.Of(_prior!, settings.Rate)]);
    }

    /// <summary>The learned prior network (for transfer); null for the fixed N(0, I).</summary>
    public GaussianPolicyNetwork? Prior => _prior;

    /// <summary>
    /// One episode of the goal with actions sampled from π, then the replay updates. Returns success, the mean KL
    /// per step and the mean standard deviation of π's actions (how much the policy still explores).
    /// </summary>
    public (bool Success, double MeanKl, double MeanStd) RunEpisode(int goal)
    {
        var position = (X: 0.0, Y: 0.0);
        var noise = _rng.Normal([_task.Horizon, PointMassTask.ActionSize], dtype: DType.Float64).ToArray<double>();
        var goalXy = PointMassTask.Goals[goal];
        double klTotal = 0, stdTotal = 0;
        for (int t = 0; t < _task.Horizon; t++)
        {
            double[] observation = [position.X, position.Y, goalXy.X, goalXy.Y];
            double[] mean, std;
            using (GradMode.NoGrad())
            {
                var obs = new Tensor(NDArray.FromArray(observation, 1, ObservationSize));
                var (m, logStd) = _policy.Forward(obs);
                mean = m.ToDoubleArray();
                std = logStd.Exp().ToDoubleArray();
                stdTotal += 0.5 * (std[0] + std[1]);
                klTotal += Kl(obs, m, logStd).Item();
            }
            var action = (X: mean[0] + std[0] * noise[2 * t], Y: mean[1] + std[1] * noise[2 * t + 1]);
            var (next, reward) = PointMassTask.Step(position, action, goal);
            _replay.Add([.. observation, action.X, action.Y, reward, next.X, next.Y, goalXy.X, goalXy.Y]);
            position = next;
        }
        for (int u = 0; u < _settings.UpdatesPerEpisode; u++) Update();
        return (PointMassTask.Succeeded(position, goal), klTotal / _task.Horizon, stdTotal / _task.Horizon);
    }

    private void Update()
    {
        int batch = _settings.BatchSize;
        var picks = _rng.Uniform([batch], 0, 1, DType.Float64).ToArray<double>().Select(u => _replay[Math.Min(_replay.Count - 1, (int)(u * _replay.Count))]).ToArray();
        var rows = NDArray.FromArray(picks.SelectMany(p => p).ToArray(), batch, 11);
        var observation = new Tensor(rows.Slice(1, 0, 4).Contiguous());
        var action = new Tensor(rows.Slice(1, 4, 6).Contiguous());
        var reward = new Tensor(rows.Slice(1, 6, 7).Contiguous()).Reshape(batch);
        var nextObservation = new Tensor(rows.Slice(1, 7, 11).Contiguous());

        Tensor target;
        using (GradMode.NoGrad())
        {
            var (nextMean, nextLogStd) = _policy.Forward(nextObservation);
            var nextAction = nextMean + nextLogStd.Exp() * new Tensor(_rng.Normal([batch, PointMassTask.ActionSize], dtype: DType.Float64));
            var nextQ = _targetCritic.Forward(Tensor.Cat([nextObservation, nextAction], 1));
            target = reward + (nextQ - Kl(nextObservation, nextMean, nextLogStd) * _settings.Alpha) * _task.Gamma;
        }
        var criticLoss = (_critic.Forward(Tensor.Cat([observation, action], 1)) - target).Square().Mean() * 0.5;
        _criticOptimizer.ZeroGrad();
        criticLoss.Backward();
        _criticOptimizer.Step();

        // SVG(0): reparameterised actions a = μ + σ ε through the target critic; only the policy's optimizer steps.
        int k = _settings.ActionSamples;
        var (mean, logStd) = _policy.Forward(observation);
        var epsilon = new Tensor(_rng.Normal([k, batch, PointMassTask.ActionSize], dtype: DType.Float64));
        var sampled = (mean.Unsqueeze(0) + logStd.Exp().Unsqueeze(0) * epsilon).Reshape(k * batch, PointMassTask.ActionSize);
        var repeated = observation.Unsqueeze(0).Expand(k, batch, ObservationSize).Reshape(k * batch, ObservationSize);
        var expectedQ = _targetCritic.Forward(Tensor.Cat([repeated, sampled], 1)).Mean();
        // The Gaussian entropy is Σ_i log σ_i plus a constant, so β H enters through the log standard deviations.
        var entropy = logStd.Sum([-1]).Mean();
        var policyLoss = Kl(observation, mean, logStd).Mean() * _settings.Alpha - expectedQ - entropy * _settings.Entropy;
        _policyOptimizer.ZeroGrad();
        policyLoss.Backward();
        _policyOptimizer.Step();
        _targetCritic.ZeroGrad();

        if (_priorOptimizer is not null)
        {
            var (priorMean, priorLogStd) = _prior!.Forward(PriorInput(observation));
            var priorLoss = KlDivergence.DiagonalGaussian(mean.Detach(), logStd.Detach(), priorMean, priorLogStd).Mean();
            _priorOptimizer.ZeroGrad();
            priorLoss.Backward();
            _priorOptimizer.Step();
        }
        if (++_updates % _settings.TargetPeriod == 0) _critic.CopyTo(_targetCritic);
    }

    // KL(π(·|x) ‖ π0(·|x^D)) per row with the prior held fixed.
    private Tensor Kl(Tensor observation, Tensor mean, Tensor logStd)
    {
        if (_prior is null)
            return KlDivergence.DiagonalGaussian(mean, logStd, Tensor.Zeros([observation.Dim(0), PointMassTask.ActionSize], DType.Float64), Tensor.Zeros([observation.Dim(0), PointMassTask.ActionSize], DType.Float64));
        var (priorMean, priorLogStd) = _prior.Forward(PriorInput(observation));
        return KlDivergence.DiagonalGaussian(mean, logStd, priorMean.Detach(), priorLogStd.Detach());
    }

    private Tensor PriorInput(Tensor observation) =>
        _kind is ContinuousPrior.Asymmetric or ContinuousPrior.FrozenAsymmetric ? observation.Slice(1, 0, PointMassTask.PositionSize) : observation;
}
