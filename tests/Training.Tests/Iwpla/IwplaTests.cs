// IWPLA (Training/Rl/Iwpla), spec irl-rl.md §F E-1: sampling-importance-resampling from π0 reweighted by
// exp(Q/η) against the exact softmax(log π0 + Q/η), and the MPO temperature dual reaching KL(q ‖ π0) ≈ ε;
// plus a gradcheck of the dual and a smoke run of the E-2 adaptation experiment.
using Engine.Autograd;
using Engine.Tensors;
using Engine.Training.Rl.Iwpla;
using Engine.Training.Rl.Priors;
using Xunit;

namespace Engine.Training.Tests.Iwpla;

public class IwplaTests
{
    [Fact]
    public void SirWithAThousandProposalsMatchesTheExactSoftmax()
    {
        double[] prior = [0.5, 0.2, 0.15, 0.1, 0.05];
        double[] q = [0, 0.1, 0.3, 0.2, 0.25];
        const double eta = 0.1;
        // 2·10^4 draws instead of the spec's 10^5 keep the suite fast; the sampling noise in TV is then about 0.006.
        const int proposals = 1000, draws = 20_000, chunk = 1000;
        var exact = ImportanceWeightedPolicy.Exact(prior, q, eta);
        var counts = new double[prior.Length];
        var rng = new Generator(11);
        double minEss = double.PositiveInfinity;
        for (int done = 0; done < draws; done += chunk)
        {
            var uniforms = rng.Uniform([chunk * (proposals + 1)], 0, 1, DType.Float64).ToArray<double>();
            for (int i = 0; i < chunk; i++)
            {
                var (action, ess) = ImportanceWeightedPolicy.Sample(prior, q, eta, proposals, uniforms.AsSpan(i * (proposals + 1), proposals + 1));
                counts[action]++;
                minEss = Math.Min(minEss, ess);
            }
        }
        double tv = 0.5 * exact.Select((p, a) => Math.Abs(p - counts[a] / draws)).Sum();
        Assert.True(tv < 0.02, $"total variation {tv}");
        Assert.True(minEss >= 10, $"effective sample size fell to {minEss}");
        // Independent check of the target: π0 exp(Q/η) normalised by a direct sum.
        double z = prior.Select((p, a) => p * Math.Exp(q[a] / eta)).Sum();
        for (int a = 0; a < prior.Length; a++) Assert.True(Math.Abs(exact[a] - prior[a] * Math.Exp(q[a] / eta) / z) < 1e-12);
    }

    [Fact]
    public void TemperatureDualReachesTheKlBound()
    {
        const int states = 8, actions = 5, samples = 1000;
        const double epsilon = 0.1;
        var rng = new Generator(12);
        var qValues = rng.Normal([states, actions], dtype: DType.Float64).ToArray<double>();
        var priorLogits = rng.Normal([states, actions], dtype: DType.Float64).ToArray<double>();
        var priors = Enumerable.Range(0, states).Select(s => Softmax(priorLogits.AsSpan(s * actions, actions))).ToArray();
        var uniforms = rng.Uniform([states * samples], 0, 1, DType.Float64).ToArray<double>();
        var sampledQ = Enumerable.Range(0, states).Select(s => Enumerable.Range(0, samples)
            .Select(i => qValues[s * actions + Engine.Training.Rl.RolloutSampler.SampleIndex(priors[s], uniforms[s * samples + i])]).ToArray()).ToList();
        double eta = ImportanceWeightedPolicy.FitTemperature(sampledQ, epsilon, steps: 300, learningRate: 0.1);
        double meanKl = 0;
        for (int s = 0; s < states; s++)
        {
            var policy = ImportanceWeightedPolicy.Exact(priors[s], qValues.AsSpan(s * actions, actions), eta);
            for (int a = 0; a < actions; a++) meanKl += policy[a] * Math.Log(policy[a] / priors[s][a]) / states;
        }
        Assert.True(Math.Abs(meanKl - epsilon) <= 0.1 * epsilon, $"η = {eta}: mean KL(q ‖ π0) = {meanKl}, bound {epsilon}");
    }

    [Fact]
    public void TemperatureDualPassesGradcheck()
    {
        var rng = new Generator(13);
        var q = new Tensor(rng.Normal([3, 6], dtype: DType.Float64), requiresGrad: true);
        var eta = new Tensor(NDArray.FromArray(new[] { 0.7 }, 1), requiresGrad: true);
        var result = GradCheck.Check(x => ImportanceWeightedPolicy.Dual(x[0], x[1], 0.1), [q, eta]);
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void AdaptationSmokeRunsEveryVariant()
    {
        var runs = IwplaExperiment.Run(GoalMaze.Standard(), new IwplaExperimentSettings(Seeds: 1, PretrainEpisodes: 20, Checkpoints: [0, 3]));
        Assert.Equal(Enum.GetValues<AdaptationVariant>().Length, runs.Count);
        Assert.All(runs, r => Assert.All(r.SuccessAfter, p => Assert.InRange(p, 0, 1 + 1e-12)));
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
