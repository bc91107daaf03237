// Spec irl-rl.md §F E-2: pretrain IWPLA on goals 0..K−2 of the GoalMaze (shared Q torso, per-goal heads, π0
// distilled from the task policies), then adapt to the held-out last goal and record the exact success
// probability of each variant's policy after M adaptation episodes:
// (a) IW policy with the learned π0 and the pretrained torso; (b) IW with a uniform π0 (Boltzmann over Q) and the
// pretrained torso; (c) the learned π0 with Q from scratch; (d) the tabular actor-critic from scratch
// (Training/Rl/Priors, uniform prior, α = 0.1).
using Engine.Tensors;
using Engine.Training.Rl.Priors;

namespace Engine.Training.Rl.Iwpla;

public enum AdaptationVariant { PretrainedTorsoLearnedPrior, PretrainedTorsoUniformPrior, ScratchQLearnedPrior, ActorCriticFromScratch }

public sealed record AdaptationRun(AdaptationVariant Variant, int Seed, double[] SuccessAfter, double PretrainSuccess);

public sealed record IwplaExperimentSettings(int Seeds = 5, int PretrainEpisodes = 600, int[]? Checkpoints = null)
{
    public int[] AdaptationCheckpoints => Checkpoints ?? [0, 10, 30, 100];
    public IwplaSettings Agent { get; init; } = new();
}

public static class IwplaExperiment
{
    public static IReadOnlyList<AdaptationRun> Run(GoalMaze maze, IwplaExperimentSettings settings, Action<string>? log = null)
    {
        int heldOut = maze.GoalCount - 1, trainGoals = maze.GoalCount - 1;
        var runs = new List<AdaptationRun>();
        for (int seed = 1; seed <= settings.Seeds; seed++)
        {
            ulong baseSeed = (ulong)seed * 1000 + 500;
            var pretrainedQ = new MultiTaskQ(maze.StateCount, maze.ActionCount, maze.GoalCount, settings.Agent.Features, new Generator(baseSeed));
            var pretrainer = new IwplaAgent(maze, pretrainedQ, IwplaPrior.Learned, settings.Agent, new Generator(baseSeed + 1));
            var goalDraws = new Generator(baseSeed + 2).Uniform([settings.PretrainEpisodes], 0, 1, DType.Float64).ToArray<double>();
            foreach (double u in goalDraws) pretrainer.RunEpisode(Math.Min(trainGoals - 1, (int)(u * trainGoals)));
            double pretrainSuccess = Enumerable.Range(0, trainGoals).Average(pretrainer.SuccessProbability);
            log?.Invoke($"E-2 seed {seed}: pretraining success on the {trainGoals} training goals {pretrainSuccess:F3}");
            var prior = pretrainer.PriorLogitsCopy();

            foreach (var variant in Enum.GetValues<AdaptationVariant>())
            {
                var adapt = Adapter(maze, settings, variant, pretrainedQ, prior, baseSeed + 10 + (ulong)variant);
                var successAfter = new double[settings.AdaptationCheckpoints.Length];
                int played = 0;
                for (int c = 0; c < successAfter.Length; c++)
                {
                    for (; played < settings.AdaptationCheckpoints[c]; played++) adapt.Episode(heldOut);
                    successAfter[c] = adapt.Success(heldOut);
                }
                runs.Add(new AdaptationRun(variant, seed, successAfter, pretrainSuccess));
                log?.Invoke($"E-2 seed {seed} {variant}: success after {string.Join("/", settings.AdaptationCheckpoints)} episodes = {string.Join(" ", successAfter.Select(v => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
            }
        }
        return runs;
    }

    private sealed record Learner(Func<int, bool> Episode, Func<int, double> Success);

    private static Learner Adapter(GoalMaze maze, IwplaExperimentSettings settings, AdaptationVariant variant, MultiTaskQ pretrained, double[] prior, ulong seed)
    {
        if (variant == AdaptationVariant.ActorCriticFromScratch)
        {
            var model = new FlatBehaviour(maze.GoalCount, maze.StateCount, maze.ActionCount, PriorKind.Uniform);
            var agent = new PriorActorCritic(maze, model, new ActorCriticSettings(), new Generator(seed));
            return new Learner(g => agent.RunEpisode(g).Success, g => ActorCriticSuccess(maze, agent, g));
        }
        var q = new MultiTaskQ(maze.StateCount, maze.ActionCount, maze.GoalCount, settings.Agent.Features, new Generator(seed));
        if (variant != AdaptationVariant.ScratchQLearnedPrior) pretrained.CopyTorsoTo(q);
        var iw = variant == AdaptationVariant.PretrainedTorsoUniformPrior
            ? new IwplaAgent(maze, q, IwplaPrior.Uniform, settings.Agent, new Generator(seed + 100))
            : new IwplaAgent(maze, q, IwplaPrior.Frozen, settings.Agent, new Generator(seed + 100), prior);
        return new Learner(iw.RunEpisode, iw.SuccessProbability);
    }

    private static double ActorCriticSuccess(GoalMaze maze, PriorActorCritic agent, int goal)
    {
        var (probabilities, _) = agent.Tables(goal);
        var table = new double[maze.StateCount, maze.ActionCount];
        for (int s = 0; s < maze.StateCount; s++)
            for (int a = 0; a < maze.ActionCount; a++) table[s, a] = probabilities[s * maze.ActionCount + a];
        return FiniteHorizon.FinalStateDistribution(maze.GoalMdp(goal), new TabularPolicy(table), maze.Horizon)[maze.DoneState];
    }
}
