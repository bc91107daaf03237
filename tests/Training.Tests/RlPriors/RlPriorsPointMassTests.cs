// The point-mass task and the SVG(0) behaviour-prior agent (Training/Rl/PointMass): dynamics clip as
// documented, the reward peaks at the goal, and a tiny run of every prior kind (including a frozen transferred
// prior) stays finite.
using Engine.Tensors;
using Engine.Training.Rl.PointMass;
using Xunit;

namespace Engine.Training.Tests.RlPriors;

public class RlPriorsPointMassTests
{
    [Fact]
    public void DynamicsClipActionsAndTheSquare()
    {
        var (next, _) = PointMassTask.Step((0.95, 0), (5, -0.5), goal: 1);
        Assert.Equal(1.0, next.X, 12);
        Assert.Equal(-0.05, next.Y, 12);
        var goal = PointMassTask.Goals[1];
        var (_, atGoal) = PointMassTask.Step((goal.X, goal.Y), (0, 0), goal: 1);
        var (_, away) = PointMassTask.Step((0, 0), (0, 0), goal: 1);
        Assert.Equal(1.0, atGoal, 12);
        Assert.True(away < atGoal && away > 0);
        Assert.True(PointMassTask.Succeeded((goal.X + 0.1, goal.Y), 1) && !PointMassTask.Succeeded((0, 0), 1));
    }

    [Fact]
    public void EveryPriorKindRunsAndTransfers()
    {
        var task = new PointMassTask();
        var settings = new Svg0Settings(Hidden: 8, UpdatesPerEpisode: 2, BatchSize: 8, ActionSamples: 2);
        Svg0PriorAgent? asymmetric = null;
        foreach (var kind in new[] { ContinuousPrior.StandardNormal, ContinuousPrior.Asymmetric, ContinuousPrior.FullInformation })
        {
            var agent = new Svg0PriorAgent(task, kind, settings, new Generator(5));
            for (int e = 0; e < 3; e++) Assert.True(double.IsFinite(agent.RunEpisode(e % 4).MeanKl));
            if (kind == ContinuousPrior.Asymmetric) asymmetric = agent;
        }
        var transferred = new Svg0PriorAgent(task, ContinuousPrior.FrozenAsymmetric, settings, new Generator(6), asymmetric!.Prior);
        Assert.True(double.IsFinite(transferred.RunEpisode(3).MeanKl));
        Assert.Throws<EngineException>(() => new Svg0PriorAgent(task, ContinuousPrior.FrozenAsymmetric, settings, new Generator(7)));
    }
}
