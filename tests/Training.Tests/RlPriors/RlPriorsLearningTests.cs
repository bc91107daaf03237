// Smoke tests of the behaviour-prior actor-critic and experiments (Training/Rl/Priors) at tiny sizes: the
// hierarchical policy is a proper distribution, learning raises success, a full-information prior collapses
// onto the policy, and the threshold counter of spec §F D-3 counts as defined.
using Engine.Tensors;
using Engine.Autograd;
using Engine.Training.Rl.Priors;
using Xunit;

namespace Engine.Training.Tests.RlPriors;

public class RlPriorsLearningTests
{
    [Fact]
    public void HierarchicalPolicyRowsAreDistributions()
    {
        var maze = GoalMaze.Standard();
        var model = new HierarchicalBehaviour(maze.GoalCount, maze.StateCount, maze.ActionCount, 3, new Generator(1));
        var goals = new Tensor(NDArray.FromArray(new long[] { 0, 1, 3 }, 3));
        var states = new Tensor(NDArray.FromArray(new long[] { 0, 5, maze.StartState }, 3));
        var probs = model.PolicyProbabilities(goals, states).ToDoubleArray();
        for (int row = 0; row < 3; row++)
            Assert.True(Math.Abs(probs.AsSpan(row * 5, 5).ToArray().Sum() - 1) < 1e-12);
        Assert.All(model.KlToFixedPrior(goals, states).ToDoubleArray(), kl => Assert.True(kl >= -1e-12));
    }

    [Fact]
    public void ActorCriticLearnsAndTheFullInformationPriorCollapses()
    {
        var maze = GoalMaze.Standard();
        var settings = new PriorExperimentSettings(Seeds: 1, Episodes: 300);
        var runs = PriorExperiments.LearningSpeed(maze, settings);
        Assert.Equal(3, runs.Count);
        foreach (var run in runs)
        {
            double early = run.Successes.Take(50).Average(s => s ? 1.0 : 0.0), late = run.Successes.Skip(250).Average(s => s ? 1.0 : 0.0);
            Assert.True(late > early, $"{run.Kind}: success {early} early, {late} late");
        }
        double LateKl(PriorKind kind) => runs.Single(r => r.Kind == kind).MeanKl.Skip(250).Average();
        Assert.True(LateKl(PriorKind.FullInformation) < 0.5 * LateKl(PriorKind.Uniform),
            $"full-information KL {LateKl(PriorKind.FullInformation)}, uniform {LateKl(PriorKind.Uniform)}");
    }

    [Fact]
    public void TransferSmokeRunsEveryVariant()
    {
        var maze = GoalMaze.Standard();
        var runs = PriorExperiments.Transfer(maze, new PriorExperimentSettings(Seeds: 1, PretrainEpisodes: 60, TransferEpisodes: 30));
        Assert.Equal(Enum.GetValues<TransferVariant>().Length, runs.Count);
        Assert.All(runs, r => Assert.InRange(r.EpisodesToThreshold, 20, 31));
    }

    [Fact]
    public void EpisodesToThresholdUsesATrailingWindow()
    {
        bool[] successes = [false, true, true, false, true, true, true];
        Assert.Equal(5, PriorExperiments.EpisodesToThreshold(successes, window: 4, threshold: 0.75));
        Assert.Equal(8, PriorExperiments.EpisodesToThreshold(successes, window: 4, threshold: 1.0));
        var mixed = PriorExperiments.MixWithUniform([0.0, 50.0], 2, 0.1);
        Assert.True(Math.Abs(Math.Exp(mixed[0]) - 0.05) < 1e-12 && Math.Abs(Math.Exp(mixed[1]) - 0.95) < 1e-12);
    }
}
