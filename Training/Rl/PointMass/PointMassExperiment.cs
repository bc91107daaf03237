// The continuous version of the behaviour-prior experiments (spec irl-rl.md §F D-2/D-3 on the point mass):
// learning speed on all four goals with a fixed N(0, I), an asymmetric (position-only) and a full-information
// Gaussian prior, then transfer of the asymmetric prior pretrained on goals 0–2, frozen, to the held-out goal 3
// against the fixed N(0, I). Per-episode successes per seed; seeds share their goal sequence across variants.
using Engine.Tensors;

namespace Engine.Training.Rl.PointMass;

public sealed record PointMassRun(string Variant, int Seed, bool[] Successes, double[] MeanKl, double[] MeanStd)
{
    public double Auc => Successes.Average(s => s ? 1.0 : 0.0);
}

public sealed record PointMassSettings(int Seeds = 5, int Episodes = 200, int PretrainEpisodes = 200, int TransferEpisodes = 100)
{
    public Svg0Settings Agent { get; init; } = new();
}

public static class PointMassExperiment
{
    public static IReadOnlyList<PointMassRun> LearningSpeed(PointMassSettings settings, Action<string>? log = null)
    {
        var task = new PointMassTask();
        var runs = new List<PointMassRun>();
        for (int seed = 1; seed <= settings.Seeds; seed++)
        {
            var goals = Goals(seed, settings.Episodes, PointMassTask.Goals.Length);
            foreach (var kind in new[] { ContinuousPrior.StandardNormal, ContinuousPrior.Asymmetric, ContinuousPrior.FullInformation })
            {
                var agent = new Svg0PriorAgent(task, kind, settings.Agent, new Generator((ulong)seed * 1000 + 300 + (ulong)kind));
                var outcomes = goals.Select(agent.RunEpisode).ToArray();
                var run = new PointMassRun(kind.ToString(), seed, outcomes.Select(o => o.Success).ToArray(), outcomes.Select(o => o.MeanKl).ToArray(), outcomes.Select(o => o.MeanStd).ToArray());
                runs.Add(run);
                log?.Invoke($"point mass learning seed {seed} {kind}: success AUC {run.Auc:F3}");
            }
        }
        return runs;
    }

    public static IReadOnlyList<PointMassRun> Transfer(PointMassSettings settings, Action<string>? log = null)
    {
        var task = new PointMassTask();
        int heldOut = PointMassTask.Goals.Length - 1;
        var runs = new List<PointMassRun>();
        for (int seed = 1; seed <= settings.Seeds; seed++)
        {
            var pretrainer = new Svg0PriorAgent(task, ContinuousPrior.Asymmetric, settings.Agent, new Generator((ulong)seed * 1000 + 400));
            foreach (int g in Goals(seed, settings.PretrainEpisodes, heldOut)) pretrainer.RunEpisode(g);
            foreach (var kind in new[] { ContinuousPrior.StandardNormal, ContinuousPrior.FrozenAsymmetric })
            {
                var agent = new Svg0PriorAgent(task, kind, settings.Agent, new Generator((ulong)seed * 1000 + 410 + (ulong)kind),
                    kind == ContinuousPrior.FrozenAsymmetric ? pretrainer.Prior : null);
                var outcomes = Enumerable.Range(0, settings.TransferEpisodes).Select(_ => agent.RunEpisode(heldOut)).ToArray();
                var run = new PointMassRun(kind.ToString(), seed, outcomes.Select(o => o.Success).ToArray(), outcomes.Select(o => o.MeanKl).ToArray(), outcomes.Select(o => o.MeanStd).ToArray());
                runs.Add(run);
                log?.Invoke($"point mass transfer seed {seed} {kind}: success AUC {run.Auc:F3}");
            }
        }
        return runs;
    }

    private static int[] Goals(int seed, int episodes, int goalCount)
    {
        var uniforms = new Generator((ulong)seed * 104_729).Uniform([Math.Max(1, episodes)], 0, 1, DType.Float64).ToArray<double>();
        return Enumerable.Range(0, episodes).Select(e => Math.Min(goalCount - 1, (int)(uniforms[e] * goalCount))).ToArray();
    }
}
