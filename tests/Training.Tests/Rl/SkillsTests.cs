// Skill discovery (Training/Rl/Skills): spec irl-rl.md §F B-1 as unit tests (exact P(s_T | z) against
// Monte Carlo; the skill counter on a hand-built policy), the all-pairs discriminator's mechanics, and
// smoke versions of B-2 (VIC and the simplified method) and B-3 (APART) on a tiny grid.
using Engine.Autograd;
using Engine.Tensors;
using Engine.Training.Rl;
using Engine.Training.Rl.Skills;
using Xunit;
using Xunit.Abstractions;

namespace Engine.Training.Tests.Rl;

public class SkillsTests(ITestOutputHelper output)
{
    [Fact]
    public void B1_ExactFinalStateDistributionMatchesMonteCarlo()
    {
        var grid = new GridWorld(4, 4);
        var mdp = grid.ToMdp((0, 0), 0.9);
        const int horizon = 6, rollouts = 20_000;
        var policy = new SkillPolicy(3, horizon, mdp.StateCount, mdp.ActionCount);
        policy.Logits.SetData(new Generator(5).Normal([3, horizon, mdp.StateCount, mdp.ActionCount], std: 1.5, dtype: DType.Float64));
        var probabilities = policy.Probabilities();
        var sampler = new RolloutSampler(mdp, new Generator(6));
        for (int z = 0; z < 3; z++)
        {
            var skill = policy.ForSkill(z, probabilities);
            var exact = FiniteHorizon.FinalStateDistribution(mdp, skill, horizon);
            var counts = new double[mdp.StateCount];
            foreach (var t in sampler.Sample(skill, horizon, rollouts)) counts[t.FinalState] += 1.0 / rollouts;
            for (int s = 0; s < mdp.StateCount; s++)
                Assert.True(Math.Abs(counts[s] - exact[s]) < 0.01, $"skill {z}, state {s}: Monte Carlo {counts[s]} vs exact {exact[s]}");
        }
    }

    [Fact]
    public void B1_CounterFindsEverySkillOfAHandBuiltPolicy()
    {
        var grid = new GridWorld(4, 4);
        var mdp = grid.ToMdp((0, 0), 0.9);
        const int horizon = 6;
        var skills = new List<IStepPolicy>();
        for (int row = 0; row < 4; row++)
            for (int column = 0; column < 4; column++)
            {
                // Move down `row` times, then right `column` times, then stay (at most 6 moves).
                var steps = new TabularPolicy[horizon];
                for (int t = 0; t < horizon; t++)
                {
                    var action = t < row ? GridAction.Down : t < row + column ? GridAction.Right : GridAction.Stay;
                    steps[t] = TabularPolicy.Deterministic(Enumerable.Repeat((int)action, mdp.StateCount).ToArray(), mdp.ActionCount);
                }
                skills.Add(new TimeIndexedPolicy(steps));
            }
        var distributions = SkillCounter.FinalStateDistributions(mdp, skills, horizon);
        Assert.Equal(16, SkillCounter.Count(distributions));
        Assert.Equal(4.0, SkillCounter.MutualInformationBits(distributions), 10);
        // Two skills sharing a cell count once; a skill below the 0.9 threshold does not count.
        var merged = distributions.Take(2).Append(distributions[0]).Append(Enumerable.Repeat(1.0 / 16, 16).ToArray()).ToArray();
        Assert.Equal(2, SkillCounter.Count(merged));
    }

    [Fact]
    public void AllPairsDiscriminatorLearnsOrientedPairwiseScores()
    {
        var discriminator = new AllPairsDiscriminator(states: 4, skills: 3, hidden: 16, dropout: 0.1, AllPairsReward.MeanScore, learningRate: 0.05, new Generator(8));
        Assert.Equal(3, discriminator.Heads);
        int[] skills = [0, 1, 2, 0, 1, 2], finals = [0, 1, 2, 0, 1, 2];   // skill z always ends in state z
        for (int i = 0; i < 300; i++) discriminator.Train(skills, finals);
        var scores = discriminator.Scores([0, 1, 2], [0, 1, 2]);
        foreach (var row in scores)
            foreach (double d in row) Assert.True(d > 0.9, $"D_zj = {d}");
        // In state 0, skill 1 loses to skill 0: D_10(0) = 1 − D_01(0) is small, so its reward is low.
        var rewards = discriminator.Rewards([0, 1], [0, 0]);
        Assert.True(rewards[0] > 0.9 && rewards[1] < 0.55, $"rewards {rewards[0]}, {rewards[1]}");
    }

    [Theory]
    [InlineData(SkillMethod.Vic)]
    [InlineData(SkillMethod.Simplified)]
    [InlineData(SkillMethod.Apart)]
    public void SmokeTrainingSeparatesSkillsOnATinyGrid(SkillMethod method)
    {
        var config = SkillRunConfig.For(method, 3, 3, horizon: 4, skills: 9, iterations: 400, seed: 1) with { EvaluateEvery = 200 };
        var curve = SkillTrainer.Run(config);
        output.WriteLine($"{method}: " + string.Join(", ", curve.Select(p => $"{p.Episodes} episodes -> {p.DiscoveredSkills} skills, {p.MutualInformationBits:F2} bits")));
        Assert.Equal(2, curve.Count);
        Assert.True(curve[^1].MutualInformationBits > 1.0, $"I(Z;S_T) = {curve[^1].MutualInformationBits} bits");
    }
}
