// The tabular RL toolkit (Training/Rl): every exact solver is checked against a different computation —
// the LU solve against the residual, evaluation and occupancy against truncated power series, value /
// policy iteration against brute force over all deterministic policies, soft value iteration against
// exact regularised evaluation of its own policy, and rollouts against exact expectations.
using Engine.Tensors;
using Engine.Training.Rl;
using Xunit;

namespace Engine.Training.Tests.Rl;

public class RlToolkitTests
{
    [Fact]
    public void LuSolveLeavesATinyResidualAndRejectsSingularMatrices()
    {
        const int n = 30;
        var values = new Generator(3).Normal([n * n + n], dtype: DType.Float64).ToArray<double>();
        var matrix = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) matrix[i, j] = values[i * n + j];
        var rhs = values.AsSpan(n * n, n).ToArray();
        var x = LuSolver.Solve(matrix, rhs);
        for (int i = 0; i < n; i++)
        {
            double row = 0;
            for (int j = 0; j < n; j++) row += matrix[i, j] * x[j];
            Assert.True(Math.Abs(row - rhs[i]) < 1e-10, $"row {i}: residual {row - rhs[i]}");
        }
        Assert.Throws<EngineException>(() => LuSolver.Solve(new double[,] { { 1, 2 }, { 2, 4 } }, [1.0, 1.0]));
    }

    [Fact]
    public void GridMovesClipAtBordersAndWalls()
    {
        var grid = new GridWorld(3, 3, [(1, 1)]);
        Assert.Equal(8, grid.StateCount);
        int corner = grid.StateOf(0, 0);
        Assert.Equal(corner, grid.Move(corner, GridAction.Up));
        Assert.Equal(corner, grid.Move(corner, GridAction.Left));
        Assert.Equal(corner, grid.Move(corner, GridAction.Stay));
        Assert.Equal(grid.StateOf(0, 1), grid.Move(corner, GridAction.Right));
        Assert.Equal(grid.StateOf(0, 1), grid.Move(grid.StateOf(0, 1), GridAction.Down));   // (1, 1) is a wall
        Assert.Equal(grid.StateOf(2, 1), grid.Move(grid.StateOf(2, 1), GridAction.Up));
        Assert.Throws<EngineException>(() => grid.StateOf(1, 1));
        var mdp = grid.ToMdp((0, 0), 0.9, slip: 0.2);
        Assert.Equal(0.8 + 3 * 0.2 / 5, mdp.Transition(corner, (int)GridAction.Up, corner), 12);
        Assert.Equal(0.2 / 5, mdp.Transition(corner, (int)GridAction.Up, grid.StateOf(0, 1)), 12);
    }

    [Fact]
    public void PolicyEvaluationMatchesTheTruncatedSeries()
    {
        var mdp = RandomMdps.Create(7, 3, 0.8, seed: 11);
        var policy = RandomMdps.Policy(7, 3, seed: 12);
        var values = PolicyEvaluation.StateValues(mdp, policy);
        var series = TruncatedSeriesValues(mdp, policy, steps: 400);
        for (int s = 0; s < 7; s++) Assert.Equal(series[s], values[s], 10);
        var q = PolicyEvaluation.ActionValues(mdp, policy);
        for (int s = 0; s < 7; s++)
        {
            double expected = 0;
            for (int a = 0; a < 3; a++) expected += policy[s, a] * q[s, a];
            Assert.Equal(values[s], expected, 10);
        }
    }

    [Fact]
    public void OccupancyIsNormalisedSatisfiesTheFlowConstraintsAndMatchesTheSeries()
    {
        var mdp = RandomMdps.Create(9, 4, 0.9, seed: 21);
        var policy = RandomMdps.Policy(9, 4, seed: 22);
        var d = Occupancy.StateActions(mdp, policy);
        double total = 0;
        foreach (double v in d) total += v;
        Assert.Equal(1, total, 12);
        Assert.True(Occupancy.FlowResidual(mdp, d) < 1e-12);
        // (1 − γ) Σ_t γ^t μ_t, with μ_t propagated step by step.
        var series = new double[9];
        var mu = mdp.StartDistributionCopy();
        double weight = 1 - mdp.Gamma;
        for (int t = 0; t < 600; t++, weight *= mdp.Gamma)
        {
            for (int s = 0; s < 9; s++) series[s] += weight * mu[s];
            mu = FiniteHorizon.Step(mdp, policy, t, mu);
        }
        var dS = Occupancy.States(mdp, policy);
        for (int s = 0; s < 9; s++) Assert.Equal(series[s], dS[s], 10);
        // r·d = (1 − γ) ρ0·V_π
        Assert.Equal((1 - mdp.Gamma) * PolicyEvaluation.ExpectedReturn(mdp, policy), Occupancy.Dot(d, mdp.RewardsCopy()), 10);
        // and the Markov policy read back from d is π
        var back = TabularPolicy.FromOccupancy(d);
        for (int s = 0; s < 9; s++)
            for (int a = 0; a < 4; a++) Assert.Equal(policy[s, a], back[s, a], 10);
    }

    [Fact]
    public void ValueIterationPolicyIterationAndBestResponseMatchBruteForce()
    {
        var mdp = RandomMdps.Create(5, 3, 0.85, seed: 31);
        double bestReturn = double.NegativeInfinity;
        var bestValues = Enumerable.Repeat(double.NegativeInfinity, 5).ToArray();
        foreach (var actions in RandomMdps.AllDeterministic(5, 3))
        {
            var values = PolicyEvaluation.StateValues(mdp, TabularPolicy.Deterministic(actions, 3));
            for (int s = 0; s < 5; s++) bestValues[s] = Math.Max(bestValues[s], values[s]);
            bestReturn = Math.Max(bestReturn, PolicyEvaluation.ExpectedReturn(mdp, TabularPolicy.Deterministic(actions, 3)));
        }
        var vi = ValueIteration.Solve(mdp);
        var pi = PolicyIteration.Solve(mdp);
        var br = BestResponse.Solve(mdp);
        for (int s = 0; s < 5; s++)
        {
            Assert.Equal(bestValues[s], vi.Values[s], 9);
            Assert.Equal(bestValues[s], pi.Values[s], 12);
            Assert.Equal(bestValues[s], br.Values[s], 12);
        }
        Assert.Equal(bestReturn, PolicyEvaluation.ExpectedReturn(mdp, br.Policy), 12);
    }

    [Fact]
    public void GreedyBreaksTiesOnTheLowestAction()
    {
        var q = new double[,] { { 1, 2, 2 }, { 3, 3, 3 }, { 0, -1, 0.5 } };
        Assert.Equal([1, 0, 2], TabularPolicy.GreedyActions(q));
    }

    [Fact]
    public void SoftValueIterationIsTheRegularisedValueOfItsOwnPolicyAndBeatsOtherPolicies()
    {
        var mdp = RandomMdps.Create(6, 3, 0.9, seed: 41);
        var prior = RandomMdps.Policy(6, 3, seed: 42);
        const double temperature = 0.3;
        var soft = SoftValueIteration.Solve(mdp, prior, temperature);
        var evaluated = PolicyEvaluation.RegularisedStateValues(mdp, soft.Policy, prior, temperature);
        for (int s = 0; s < 6; s++) Assert.Equal(soft.Values[s], evaluated[s], 9);
        for (ulong seed = 0; seed < 5; seed++)
        {
            var other = PolicyEvaluation.RegularisedStateValues(mdp, RandomMdps.Policy(6, 3, 100 + seed), prior, temperature);
            for (int s = 0; s < 6; s++) Assert.True(other[s] <= soft.Values[s] + 1e-9, $"state {s}: {other[s]} > {soft.Values[s]}");
        }
        // As α → 0 the soft values approach the hard optimum; the gap is about α log π0(a*|s) / (1 − γ) ≈ 3e-3 here.
        var cold = SoftValueIteration.Solve(mdp, prior, 1e-4);
        var hard = ValueIteration.Solve(mdp);
        for (int s = 0; s < 6; s++) Assert.True(Math.Abs(hard.Values[s] - cold.Values[s]) < 0.01, $"state {s}: soft {cold.Values[s]} vs hard {hard.Values[s]}");
    }

    [Fact]
    public void RolloutsAreSeededAndTheirAveragesMatchExactExpectations()
    {
        var mdp = RandomMdps.Create(5, 3, 0.7, seed: 51);
        var policy = RandomMdps.Policy(5, 3, seed: 52);
        const int horizon = 40, count = 20_000;
        var first = new RolloutSampler(mdp, new Generator(7)).Sample(policy, horizon, count);
        var again = new RolloutSampler(mdp, new Generator(7)).Sample(policy, horizon, 3);
        Assert.Equal(first[2].States, again[2].States);
        Assert.Equal(first[2].Actions, again[2].Actions);
        double mean = first.Average(t => t.DiscountedReturn(mdp.Gamma));
        Assert.Equal(PolicyEvaluation.ExpectedReturn(mdp, policy), mean, 1);   // 0.7^40 truncation ≈ 6e-7
        var counts = new double[5];
        foreach (var t in first) counts[t.States[5]] += 1.0 / count;
        var exact = FiniteHorizon.StateDistributions(mdp, policy, 5)[5];
        for (int s = 0; s < 5; s++) Assert.True(Math.Abs(counts[s] - exact[s]) < 0.015, $"state {s}: {counts[s]} vs {exact[s]}");
    }

    [Fact]
    public void InvalidInputsNameTheProblem()
    {
        var bad = new double[1, 1, 1] { { { 0.5 } } };
        var e = Assert.Throws<EngineException>(() => new TabularMdp(bad, new double[1, 1], 0.9, [1.0]));
        Assert.Contains("sums to 0.5", e.Message);
        Assert.Throws<EngineException>(() => new TabularMdp(new double[1, 1, 1] { { { 1 } } }, new double[1, 1], 1.0, [1.0]));
        Assert.Throws<EngineException>(() => new TabularPolicy(new double[,] { { 0.2, 0.2 } }));
    }

    private static double[] TruncatedSeriesValues(TabularMdp mdp, TabularPolicy policy, int steps)
    {
        var rPi = mdp.PolicyRewards(policy);
        var pPi = mdp.StateTransitionMatrix(policy);
        var values = new double[mdp.StateCount];
        for (int k = 0; k < steps; k++)
        {
            var next = new double[mdp.StateCount];
            for (int s = 0; s < mdp.StateCount; s++)
            {
                double expected = 0;
                for (int s2 = 0; s2 < mdp.StateCount; s2++) expected += pPi[s, s2] * values[s2];
                next[s] = rPi[s] + mdp.Gamma * expected;
            }
            values = next;
        }
        return values;
    }
}
