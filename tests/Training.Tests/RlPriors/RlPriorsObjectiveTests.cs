// Behaviour priors (Training/Rl/Priors), spec irl-rl.md §F D-1 and the KL terms: soft value iteration against
// a brute-force search over stochastic policies, the EM alternation's monotone objective, gradchecks of the
// categorical and Gaussian KL against float64 finite differences, and their values against independent sums.
using Engine.Autograd;
using Engine.Tensors;
using Engine.Training.Rl;
using Engine.Training.Rl.Priors;
using Xunit;

namespace Engine.Training.Tests.RlPriors;

public class RlPriorsObjectiveTests
{
    // A 3-state chain with actions left/right (clipped at the ends), reward 1 for acting in the right end.
    private static TabularMdp Chain()
    {
        var p = new double[3, 2, 3];
        var r = new double[3, 2];
        for (int s = 0; s < 3; s++)
        {
            p[s, 0, Math.Max(0, s - 1)] = 1;
            p[s, 1, Math.Min(2, s + 1)] = 1;
        }
        r[2, 0] = r[2, 1] = 1;
        return new TabularMdp(p, r, 0.9, [1.0 / 3, 1.0 / 3, 1.0 / 3]);
    }

    [Fact]
    public void SoftValueIterationMatchesBruteForceOverStochasticPolicies()
    {
        var mdp = Chain();
        var prior = new TabularPolicy(new double[,] { { 0.7, 0.3 }, { 0.6, 0.4 }, { 0.8, 0.2 } });
        const double alpha = 0.5;
        var soft = SoftValueIteration.Solve(mdp, prior, alpha);

        // Brute force: maximise Σ_s V^reg(s) over π(right|s) ∈ [0, 1]³ by a grid search that zooms in on the best point.
        double[] centre = [0.5, 0.5, 0.5];
        double halfWidth = 0.5, best = double.NegativeInfinity;
        for (int round = 0; round < 14; round++)
        {
            double[] bestPoint = centre;
            const int points = 9;
            for (int i = 0; i < points; i++)
                for (int j = 0; j < points; j++)
                    for (int k = 0; k < points; k++)
                    {
                        double[] candidate = [Grid(centre[0], i), Grid(centre[1], j), Grid(centre[2], k)];
                        double value = PolicyEvaluation.RegularisedStateValues(mdp, FromRight(candidate), prior, alpha).Sum();
                        if (value > best) (best, bestPoint) = (value, candidate);
                    }
            centre = bestPoint;
            halfWidth /= 3;

            double Grid(double c, int index) => Math.Clamp(c - halfWidth + 2 * halfWidth * index / (points - 1), 1e-12, 1 - 1e-12);
        }
        var bruteForce = FromRight(centre);
        for (int s = 0; s < 3; s++)
        {
            Assert.True(Math.Abs(bruteForce[s, 1] - soft.Policy[s, 1]) < 1e-4, $"state {s}: brute force {bruteForce[s, 1]}, soft VI {soft.Policy[s, 1]}");
            Assert.True(Math.Abs(soft.Values[s] - PolicyEvaluation.RegularisedStateValues(mdp, bruteForce, prior, alpha)[s]) < 1e-7);
        }
        // The optimum has the form π ∝ π0 exp(Q/α), with Q the regularised action values of the brute-force policy.
        var q = PolicyEvaluation.RegularisedActionValues(mdp, bruteForce, prior, alpha);
        for (int s = 0; s < 3; s++)
        {
            double right = prior[s, 1] * Math.Exp(q[s, 1] / alpha), left = prior[s, 0] * Math.Exp(q[s, 0] / alpha);
            Assert.True(Math.Abs(right / (left + right) - bruteForce[s, 1]) < 1e-4, $"state {s}");
        }
        Assert.True(best >= soft.Values.Sum() - 1e-9 && best <= soft.Values.Sum() + 1e-9);
    }

    private static TabularPolicy FromRight(double[] right) =>
        new(new double[,] { { 1 - right[0], right[0] }, { 1 - right[1], right[1] }, { 1 - right[2], right[2] } });

    [Fact]
    public void EmAlternationNeverDecreasesTheMultiGoalObjective()
    {
        var maze = GoalMaze.Standard();
        var trace = KlRegularisedObjective.Alternate(maze, alpha: 0.1, alternations: 20);
        for (int k = 1; k < trace.Objectives.Length; k++)
            Assert.True(trace.Objectives[k] >= trace.Objectives[k - 1] - 1e-9, $"alternation {k}: {trace.Objectives[k - 1]} -> {trace.Objectives[k]}");
        Assert.True(trace.Objectives[^1] > trace.Objectives[0] + 0.1, $"the learned prior should help: {trace.Objectives[0]} -> {trace.Objectives[^1]}");
        // The final prior is the occupancy-weighted mixture of the final policies' previous iterate, so one more
        // prior step can only raise J, and J(π, π0) is at least J(π, uniform) for the mixture prior of π.
        var uniform = TabularPolicy.Uniform(maze.StateCount, maze.ActionCount);
        var mixture = KlRegularisedObjective.MixturePrior(maze, trace.Policies, uniform);
        Assert.True(KlRegularisedObjective.Exact(maze, trace.Policies, mixture, 0.1) >= KlRegularisedObjective.Exact(maze, trace.Policies, uniform, 0.1) - 1e-12);
    }

    [Fact]
    public void CategoricalKlPassesGradcheckAndMatchesADirectSum()
    {
        var rng = new Generator(7);
        var p = new Tensor(rng.Normal([3, 5], dtype: DType.Float64), requiresGrad: true);
        var q = new Tensor(rng.Normal([3, 5], dtype: DType.Float64), requiresGrad: true);
        var result = GradCheck.Check(x => KlDivergence.Categorical(x[0], x[1]), [p, q]);
        Assert.True(result.Passed, result.ToString());

        var kl = KlDivergence.Categorical(p, q).ToDoubleArray();
        var pl = p.ToDoubleArray();
        var ql = q.ToDoubleArray();
        for (int row = 0; row < 3; row++)
        {
            var pp = Softmax(pl.AsSpan(row * 5, 5));
            var qq = Softmax(ql.AsSpan(row * 5, 5));
            double expected = 0;
            for (int a = 0; a < 5; a++) expected += pp[a] * Math.Log(pp[a] / qq[a]);
            Assert.True(Math.Abs(kl[row] - expected) < 1e-12, $"row {row}: {kl[row]} vs {expected}");
        }
    }

    [Fact]
    public void GaussianKlPassesGradcheckAndMatchesNumericalIntegration()
    {
        var rng = new Generator(8);
        Tensor Leaf(double scale) => new(rng.Normal([2, 3], dtype: DType.Float64).Mul(NDArray.Scalar(scale, DType.Float64)), requiresGrad: true);
        Tensor[] inputs = [Leaf(1), Leaf(0.3), Leaf(1), Leaf(0.3)];
        var result = GradCheck.Check(x => KlDivergence.DiagonalGaussian(x[0], x[1], x[2], x[3]), inputs);
        Assert.True(result.Passed, result.ToString());

        // Row 0: Σ over the 3 axes of ∫ p log(p/q) by the trapezoid rule on a wide grid.
        var kl = KlDivergence.DiagonalGaussian(inputs[0], inputs[1], inputs[2], inputs[3]).ToDoubleArray();
        var values = inputs.Select(t => t.ToDoubleArray()).ToArray();
        double integral = 0;
        for (int axis = 0; axis < 3; axis++)
        {
            double mu = values[0][axis], sigma = Math.Exp(values[1][axis]), mu0 = values[2][axis], sigma0 = Math.Exp(values[3][axis]);
            const int n = 200_001;
            double low = mu - 30 * sigma, high = mu + 30 * sigma, h = (high - low) / (n - 1);
            for (int i = 0; i < n; i++)
            {
                double x = low + i * h;
                double logP = -0.5 * Math.Pow((x - mu) / sigma, 2) - Math.Log(sigma) - 0.5 * Math.Log(2 * Math.PI);
                double logQ = -0.5 * Math.Pow((x - mu0) / sigma0, 2) - Math.Log(sigma0) - 0.5 * Math.Log(2 * Math.PI);
                integral += (i == 0 || i == n - 1 ? 0.5 : 1) * h * Math.Exp(logP) * (logP - logQ);
            }
        }
        Assert.True(Math.Abs(kl[0] - integral) < 1e-6, $"closed form {kl[0]}, integral {integral}");
    }

    private static double[] Softmax(ReadOnlySpan<double> logits)
    {
        double max = double.NegativeInfinity;
        foreach (double v in logits) max = Math.Max(max, v);
        var result = new double[logits.Length];
        double total = 0;
        for (int i = 0; i < logits.Length; i++) total += result[i] = Math.Exp(logits[i] - max);
        for (int i = 0; i < logits.Length; i++) result[i] /= total;
        return result;
    }
}
