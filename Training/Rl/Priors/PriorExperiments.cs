// The behaviour-prior experiments of spec irl-rl.md §F-D on the GoalMaze, as plain computations the
// `engine reproduce priors` command and the smoke tests share:
// - LearningSpeed (D-2): per-episode success of the tabular actor-critic with a uniform, an asymmetric
//   (cell only) and a full-information (cell and goal) prior, goals drawn uniformly each episode;
// - Transfer (D-3): pretrain on goals 0..K−2, then learn the held-out last goal with a uniform prior, with
//   the frozen asymmetric prior, and with the frozen hierarchical prior (shared low level, Tirumala et al.).
// Every run of one seed shares its goal sequence across variants (common random numbers).
using Engine.Tensors;

namespace Engine.Training.Rl.Priors;

public sealed record LearningSpeedRun(PriorKind Kind, int Seed, bool[] Successes, double[] MeanKl)
{
    /// <summary>The area under the success-rate curve, normalised to [0, 1]: the mean success over all episodes.</summary>
    public double Auc => Successes.Average(s => s ? 1.0 : 0.0);
}

public enum TransferVariant { UniformPrior, FrozenFlatPrior, FrozenFlatPriorMixed, FrozenHierarchicalPrior }

public sealed record TransferRun(TransferVariant Variant, int Seed, bool[] Successes, int EpisodesToThreshold);

public sealed record PriorExperimentSettings(
    int Seeds = 5, int Episodes = 1500, int PretrainEpisodes = 1500, int TransferEpisodes = 400,
    int Latents = 4, int SuccessWindow = 20, double SuccessThreshold = 0.8, double UniformMix = 0.05)
{
    public ActorCriticSettings ActorCritic { get; init; } = new();
}

public static class PriorExperiments
{
    public static IReadOnlyList<LearningSpeedRun> LearningSpeed(GoalMaze maze, PriorExperimentSettings settings, Action<string>? log = null)
    {
        var runs = new List<LearningSpeedRun>();
        for (int seed = 1; seed <= settings.Seeds; seed++)
        {
            var goals = GoalSequence(seed, settings.Episodes, maze.GoalCount);
            foreach (var kind in Enum.GetValues<PriorKind>())
            {
                var model = new FlatBehaviour(maze.GoalCount, maze.StateCount, maze.ActionCount, kind);
                var agent = new PriorActorCritic(maze, model, settings.ActorCritic, new Generator(AgentSeed(seed, (int)kind)));
                var outcomes = goals.Select(agent.RunEpisode).ToArray();
                var run = new LearningSpeedRun(kind, seed, outcomes.Select(o => o.Success).ToArray(), outcomes.Select(o => o.MeanKl).ToArray());
                runs.Add(run);
                log?.Invoke($"D-2 seed {seed} {kind}: AUC {run.Auc:F3}");
            }
        }
        return runs;
    }

    public static IReadOnlyList<TransferRun> Transfer(GoalMaze maze, PriorExperimentSettings settings, Action<string>? log = null)
    {
        int heldOut = maze.GoalCount - 1;
        var runs = new List<TransferRun>();
        for (int seed = 1; seed <= settings.Seeds; seed++)
        {
            var pretrainGoals = GoalSequence(seed, settings.PretrainEpisodes, maze.GoalCount - 1);
            var flat = new FlatBehaviour(maze.GoalCount, maze.StateCount, maze.ActionCount, PriorKind.Asymmetric);
            var flatAgent = new PriorActorCritic(maze, flat, settings.ActorCritic, new Generator(AgentSeed(seed, 10)));
            foreach (int g in pretrainGoals) flatAgent.RunEpisode(g);
            var hierarchical = new HierarchicalBehaviour(maze.GoalCount, maze.StateCount, maze.ActionCount, settings.Latents, new Generator(AgentSeed(seed, 11)));
            var hierarchicalAgent = new PriorActorCritic(maze, hierarchical, settings.ActorCritic, new Generator(AgentSeed(seed, 12)));
            foreach (int g in pretrainGoals) hierarchicalAgent.RunEpisode(g);

            foreach (var variant in Enum.GetValues<TransferVariant>())
            {
                IBehaviourModel model = variant switch
                {
                    TransferVariant.UniformPrior => new FlatBehaviour(maze.GoalCount, maze.StateCount, maze.ActionCount, PriorKind.Uniform),
                    TransferVariant.FrozenFlatPrior => new FlatBehaviour(maze.GoalCount, maze.StateCount, maze.ActionCount, PriorKind.Asymmetric,
                        frozenPriorLogits: flat.PriorLogitsCopy(), initialisePolicyFromPrior: true),
                    TransferVariant.FrozenFlatPriorMixed => new FlatBehaviour(maze.GoalCount, maze.StateCount, maze.ActionCount, PriorKind.Asymmetric,
                        frozenPriorLogits: MixWithUniform(flat.PriorLogitsCopy(), maze.ActionCount, settings.UniformMix), initialisePolicyFromPrior: true),
                    _ => hierarchical.Transfer(maze.GoalCount),
                };
                var agent = new PriorActorCritic(maze, model, settings.ActorCritic, new Generator(AgentSeed(seed, 20 + (int)variant)));
                var successes = new bool[settings.TransferEpisodes];
                for (int e = 0; e < successes.Length; e++) successes[e] = agent.RunEpisode(heldOut).Success;
                var run = new TransferRun(variant, seed, successes, EpisodesToThreshold(successes, settings.SuccessWindow, settings.SuccessThreshold));
                runs.Add(run);
                log?.Invoke($"D-3 seed {seed} {variant}: episodes to {settings.SuccessThreshold:P0} success {run.EpisodesToThreshold}");
            }
        }
        return runs;
    }

    /// <summary>
    /// The first episode count n ≥ window at which the success rate of episodes n−window..n−1 reaches the
    /// threshold; runs that never reach it count as Successes.Length + 1 (censored).
    /// </summary>
    public static int EpisodesToThreshold(bool[] successes, int window, double threshold)
    {
        int inWindow = 0;
        for (int n = 1; n <= successes.Length; n++)
        {
            if (successes[n - 1]) inWindow++;
            if (n > window && successes[n - 1 - window]) inWindow--;
            if (n >= window && inWindow >= threshold * window - 1e-9) return n;
        }
        return successes.Length + 1;
    }

    /// <summary>Success rate averaged over seeds, in consecutive blocks of `block` episodes: (episode at block end, rate).</summary>
    public static List<(double X, double Y)> BlockCurve(IEnumerable<bool[]> runs, int block)
    {
        var list = runs.ToList();
        int episodes = list.Min(r => r.Length);
        var curve = new List<(double, double)>();
        for (int start = 0; start + block <= episodes; start += block)
            curve.Add((start + block, list.Average(r => r.Skip(start).Take(block).Average(s => s ? 1.0 : 0.0))));
        return curve;
    }

    /// <summary>
    /// Logits of (1 − mix)·softmax(logits) + mix·uniform per row of `actions` entries: the "mix in 5% uniform"
    /// safeguard of spec §E.2, so a transferred prior keeps some mass on every action.
    /// </summary>
    public static double[] MixWithUniform(double[] logits, int actions, double mix)
    {
        var result = new double[logits.Length];
        for (int row = 0; row < logits.Length / actions; row++)
        {
            var span = logits.AsSpan(row * actions, actions);
            double max = double.NegativeInfinity, total = 0;
            foreach (double v in span) max = Math.Max(max, v);
            foreach (double v in span) total += Math.Exp(v - max);
            for (int a = 0; a < actions; a++)
                result[row * actions + a] = Math.Log((1 - mix) * Math.Exp(span[a] - max) / total + mix / actions);
        }
        return result;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    public static (double Mean, double Sem) MeanSem(IEnumerable<double> values)
    {
        var v = values.ToArray();
        double mean = v.Average();
        double sem = v.Length < 2 ? 0 : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1) / v.Length);
        return (mean, sem);
    }

    private static int[] GoalSequence(int seed, int episodes, int goalCount)
    {
        var uniforms = new Generator((ulong)seed * 7919).Uniform([Math.Max(1, episodes)], 0, 1, DType.Float64).ToArray<double>();
        return Enumerable.Range(0, episodes).Select(e => Math.Min(goalCount - 1, (int)(uniforms[e] * goalCount))).ToArray();
    }

    private static ulong AgentSeed(int seed, int stream) => (ulong)seed * 1000 + (ulong)stream;
}
