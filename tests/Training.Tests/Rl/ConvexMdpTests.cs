// Convex MDPs as a game (Training/Rl/ConvexMdp; Zahavy et al. 2021): spec irl-rl.md §F, C-1 (mechanical)
// and C-2..C-5 (the paper's claims at the spec's thresholds). Optima come from outside the game
// (ConvexMdpOptima): H* bracketed between a policy's entropy and a weak-duality bound, and asserted to be
// pinned to 1e-4, so the bracket certifies itself; f* = 0 for apprenticeship; the constrained-MDP value by
// a search over the Lagrange multiplier (strong duality).
using Engine.Training.Rl;
using Engine.Training.Rl.ConvexMdp;
using Xunit;
using Xunit.Abstractions;

namespace Engine.Training.Tests.Rl;

public class ConvexMdpTests(ITestOutputHelper output)
{
    private static readonly GridWorld Grid = ConvexMdpSetups.Grid();
    private static readonly TabularMdp Mdp = ConvexMdpSetups.Mdp(Grid);

    [Fact]
    public void C1_OccupanciesAreValidAndBestResponseMatchesBruteForce()
    {
        for (ulong seed = 0; seed < 3; seed++)
        {
            var d = Occupancy.StateActions(Mdp, RandomMdps.Policy(Grid.StateCount, GridWorld.ActionCount, seed));
            double total = 0;
            foreach (double v in d) total += v;
            Assert.True(Math.Abs(total - 1) < 1e-10, $"Σ d = {total}");
            Assert.True(Occupancy.FlowResidual(Mdp, d) < 1e-10);
        }
        var small = new GridWorld(2, 2).ToMdp((0, 0), 0.9);
        for (ulong seed = 0; seed < 3; seed++)
        {
            var cost = RandomMdps.Create(4, 5, 0.5, 60 + seed).RewardsCopy();
            var reward = OccupancyMath.Negate(cost);
            var task = small.WithRewards(reward);
            double best = double.NegativeInfinity;
            foreach (var actions in RandomMdps.AllDeterministic(4, 5))
                best = Math.Max(best, PolicyEvaluation.ExpectedReturn(task, TabularPolicy.Deterministic(actions, 5)));
            var responded = new BestResponsePolicyPlayer(small).Play(cost);
            Assert.Equal(best * (1 - small.Gamma), Occupancy.Dot(responded, reward), 12);
        }
    }

    [Fact]
    public void C2_MaxEntropyAverageConvergesWhileTheLastIterateDoesNot()
    {
        var entropy = new StateEntropyObjective();
        var averages = new Dictionary<int, double>();
        double lastEntropy = 0;
        ConvexMdpGame.Run(Mdp, new FollowTheLeaderCostPlayer(entropy), new BestResponsePolicyPlayer(Mdp), 1000, round =>
        {
            if (round.Round is 10 or 100 or 1000) averages[round.Round] = StateEntropyObjective.Entropy(round.Average);
            lastEntropy = StateEntropyObjective.Entropy(round.Last);
        });
        var (optimum, upper) = ConvexMdpOptima.MaxEntropy(Mdp);
        output.WriteLine($"H* in [{optimum:F6}, {upper:F6}] (policy mirror ascent, dual bound); H(d̄_10) = {averages[10]:F4}, H(d̄_100) = {averages[100]:F4}, H(d̄_1000) = {averages[1000]:F5} (gap {optimum - averages[1000]:E2}); last iterate H = {lastEntropy:F3}");
        Assert.True(averages[100] >= 3.175, $"H(d̄_100) = {averages[100]}");
        Assert.True(averages[1000] >= 3.182, $"H(d̄_1000) = {averages[1000]}");
        Assert.True(lastEntropy < 2.0, $"last-iterate entropy {lastEntropy}");
        Assert.True(upper - optimum < 1e-4, $"H* not pinned: [{optimum}, {upper}]");
        Assert.True(averages[1000] <= upper + 1e-9, $"H(d̄_1000) = {averages[1000]} exceeds the dual bound {upper}");
    }

    [Fact]
    public void C3_ApprenticeshipAverageMatchesTheExpertAtRateOneOverK()
    {
        var objective = new SquaredDistanceObjective(ConvexMdpSetups.ExpertOccupancy(Grid));
        double initial = objective.Value(ConvexMdpGame.InitialOccupancy(Mdp));
        var gaps = new List<(double K, double F)>();
        double last = 0;
        ConvexMdpGame.Run(Mdp, new FollowTheLeaderCostPlayer(objective), new BestResponsePolicyPlayer(Mdp), 1000, round =>
        {
            if (round.Round % 10 == 0) gaps.Add((round.Round, objective.Value(round.Average)));
            last = objective.Value(round.Last);
        });
        double at100 = gaps.First(g => g.K == 100).F, at1000 = gaps[^1].F;
        double slope = LogLogSlope(gaps);
        output.WriteLine($"f(d_0) = {initial:E2}; f(d̄_100) = {at100:E2}, f(d̄_1000) = {at1000:E2}; last iterate f = {last:E2}; log-log slope {slope:F3}");
        Assert.True(at100 <= 1e-3 * initial, $"f(d̄_100) = {at100}");
        Assert.True(at1000 <= 1e-5, $"f(d̄_1000) = {at1000}");
        Assert.True(last >= 1e-2, $"last iterate f = {last}");
        Assert.True(slope <= -0.9, $"log-log slope {slope}");
    }

    [Fact]
    public void C4_ConstrainedMdpAverageMeetsTheConstraintAndTheLpOptimum()
    {
        var (reward, cost, threshold) = ConvexMdpSetups.Constrained(Grid);
        var lastCosts = new List<double>();
        var average = ConvexMdpGame.Run(Mdp, new LagrangianCostPlayer(reward, cost, threshold, stepScale: 20), new BestResponsePolicyPlayer(Mdp), 2000, round =>
        {
            if (round.Round > 1000) lastCosts.Add(Occupancy.Dot(round.Last, cost));
        });
        double averageReward = Occupancy.Dot(average, reward), averageCost = Occupancy.Dot(average, cost);
        double optimum = ConvexMdpOptima.Constrained(Mdp, reward, cost, threshold);
        double range = lastCosts.Max() - lastCosts.Min();
        output.WriteLine($"optimum r·d* = {optimum:F5}; K = 2000: average reward {averageReward:F4}, average cost {averageCost:F4}; last-iterate cost range {range:F3}");
        Assert.True(averageCost <= threshold + 0.001, $"average cost {averageCost}");
        Assert.True(Math.Abs(averageReward - optimum) <= 0.006, $"average reward {averageReward} vs optimum {optimum}");
        Assert.True(range >= 0.04, $"last-iterate cost range {range}");
    }

    [Fact]
    public void C5_NaturalPolicyGradientPlayerAlsoReachesTheEntropyOptimum()
    {
        var entropy = new StateEntropyObjective();
        var player = new NaturalPolicyGradientPolicyPlayer(Mdp, learningRate: 0.5);
        var average = ConvexMdpGame.Run(Mdp, new FollowTheLeaderCostPlayer(entropy), player, 2000);
        var (optimum, _) = ConvexMdpOptima.MaxEntropy(Mdp);
        double h = StateEntropyObjective.Entropy(average), last = StateEntropyObjective.Entropy(Occupancy.StateActions(Mdp, player.CurrentPolicy));
        output.WriteLine($"NPG player: H(d̄_2000) = {h:F4}, gap {optimum - h:E2}; last iterate H = {last:F4}");
        Assert.True(optimum - h <= 0.01, $"gap {optimum - h}");
    }

    [Fact]
    public void MaxDistanceWithMirrorDescentCostPlayerApproachesTheExpert()
    {
        var expert = ConvexMdpSetups.ExpertOccupancy(Grid);
        var objective = new MaxDistanceObjective(expert);
        double initial = objective.Value(ConvexMdpGame.InitialOccupancy(Mdp));
        var average = ConvexMdpGame.Run(Mdp, new ExponentiatedGradientCostPlayer(expert, stepSize: 50), new BestResponsePolicyPlayer(Mdp), 1000);
        double final = objective.Value(average);
        output.WriteLine($"‖d − d_E‖∞: d_0 {initial:E2}, d̄_1000 {final:E2}");
        Assert.True(final <= 0.05 * initial, $"‖d̄ − d_E‖∞ = {final}, started at {initial}");
    }

    [Fact]
    public void SkillGameRewardIsTheVicRewardOfTheBayesDiscriminatorAndRaisesMutualInformation()
    {
        const int skills = 4;
        var policies = Enumerable.Range(0, skills).Select(z => RandomMdps.Policy(Grid.StateCount, GridWorld.ActionCount, 70 + (ulong)z)).ToArray();
        var initial = policies.Select(p => Occupancy.StateActions(Mdp, p)).ToArray();
        var rewards = SkillDiversityGame.Rewards(initial);
        var marginals = initial.Select(Occupancy.StateMarginal).ToArray();
        for (int s = 0; s < Grid.StateCount; s++)
        {
            double evidence = marginals.Sum(m => m[s] / skills);
            for (int z = 0; z < skills; z++)
            {
                double posterior = marginals[z][s] / skills / evidence;   // q(z|s) by Bayes' rule
                Assert.Equal(Math.Log(posterior) - Math.Log(1.0 / skills), rewards[z][s, 0], 6);   // ε = 1e-12 inside the logs
            }
        }
        double before = SkillDiversityGame.MutualInformation(initial);
        var players = policies.Select(p => (IPolicyPlayer)new NaturalPolicyGradientPolicyPlayer(Mdp, 0.5, p)).ToArray();
        var after = SkillDiversityGame.MutualInformation(SkillDiversityGame.Run(initial, players, 300));
        output.WriteLine($"I(Z;S): initial {before:F4} nats, after 300 rounds {after:F4} (log 4 = {Math.Log(4):F4})");
        Assert.True(after >= before + 0.5 && after <= Math.Log(skills), $"I(Z;S) from {before} to {after}");
    }

    private static double LogLogSlope(List<(double K, double F)> points)
    {
        var logs = points.Select(p => (X: Math.Log(p.K), Y: Math.Log(p.F))).ToArray();
        double mx = logs.Average(p => p.X), my = logs.Average(p => p.Y);
        return logs.Sum(p => (p.X - mx) * (p.Y - my)) / logs.Sum(p => (p.X - mx) * (p.X - mx));
    }
}
