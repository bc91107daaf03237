// The skill-discovery training loop (spec irl-rl.md §B.1, F B-2/B-3): sample z uniformly, roll out the
// tabular policy π(a | s, z, t) for T steps from the start cell, score the final state with the
// discriminator's intrinsic reward, update the policy by REINFORCE with a per-skill exponential-moving-
// average baseline (plain SGD on −(1/B) Σ_i (R_i − b_{z_i}) Σ_t log π, differentiated by the tape), then
// take one discriminator step. Every few iterations the skills are counted from exact P(s_T | z).
using Engine.Autograd;
using Engine.Optim;
using Engine.Tensors;

namespace Engine.Training.Rl.Skills;

public enum SkillMethod
{
    /// <summary>VIC with explicit options: softmax discriminator, τ = 1, reward log q(z|s_T) − log p(z).</summary>
    Vic,

    /// <summary>The APART paper's simplified method: VIC with the reward divided by log n and a softmax temperature τ &lt; 1.</summary>
    Simplified,

    /// <summary>APART: all-pairs discriminator with dropout and a pairwise ("ascending") reward.</summary>
    Apart,
}

public sealed record SkillRunConfig(
    int Rows, int Columns, int Horizon, int Skills, SkillMethod Method, int Iterations, ulong Seed,
    int Batch = 64, double PolicyLearningRate = 20, double BaselineDecay = 0.9,
    double DiscriminatorLearningRate = 0.05, double Temperature = 1.0, bool Rescale = false,
    AllPairsReward ApartReward = AllPairsReward.WinFraction, double Dropout = 0.2, int Hidden = 64,
    int EvaluateEvery = 100)
{
    /// <summary>
    /// The tuned defaults per method (single-seed sweeps on 4×4, see docs/papers/apart.md): policy SGD 20 and
    /// discriminator Adam 0.05 for all; the simplified method divides the reward by log n with τ = 0.1; APART
    /// uses reward (b) and a policy step 55 ≈ 20 log 16, since its rewards lie in [0, 1] rather than spanning log n.
    /// </summary>
    public static SkillRunConfig For(SkillMethod method, int rows, int columns, int horizon, int skills, int iterations, ulong seed) => method switch
    {
        SkillMethod.Vic => new(rows, columns, horizon, skills, method, iterations, seed),
        SkillMethod.Simplified => new(rows, columns, horizon, skills, method, iterations, seed, Temperature: 0.1, Rescale: true),
        _ => new(rows, columns, horizon, skills, method, iterations, seed, PolicyLearningRate: 55),
    };
}

/// <summary>One evaluation: episodes sampled so far, skills counted, and I(Z; S_T) in bits.</summary>
public sealed record SkillProgress(long Episodes, int DiscoveredSkills, double MutualInformationBits);

public static class SkillTrainer
{
    public static IReadOnlyList<SkillProgress> Run(SkillRunConfig config, Action<SkillProgress>? onEvaluate = null)
    {
        if (config.Skills < 2 || config.Iterations < 1 || config.Batch < 1 || config.EvaluateEvery < 1)
            throw new EngineException($"SkillTrainer: need ≥ 2 skills and positive iterations, batch and evaluation interval, got {config}");
        var grid = new GridWorld(config.Rows, config.Columns);
        var mdp = grid.ToMdp((0, 0), gamma: 0.9);   // γ is unused: episodes have the fixed horizon T
        int n = config.Skills, horizon = config.Horizon, states = mdp.StateCount;
        var initRng = new Generator(config.Seed);
        var rolloutRng = new Generator(config.Seed + 0x9E3779B97F4A7C15UL);
        var policy = new SkillPolicy(n, horizon, states, mdp.ActionCount);
        var policyOptimizer = new Sgd([ParamGroup.Of(policy, config.PolicyLearningRate)]);
        ISkillDiscriminator discriminator = config.Method == SkillMethod.Apart
            ? new AllPairsDiscriminator(states, n, config.Hidden, config.Dropout, config.ApartReward, config.DiscriminatorLearningRate, initRng)
            : new SoftmaxDiscriminator(states, n, config.Temperature, config.Rescale, config.DiscriminatorLearningRate, initRng);
        var baseline = new double[n];
        var baselineSeen = new bool[n];
        var progress = new List<SkillProgress>();
        int batch = config.Batch;
        var skills = new int[batch];
        var finals = new int[batch];
        var visited = new long[batch * horizon];
        for (int iteration = 1; iteration <= config.Iterations; iteration++)
        {
            var probabilities = policy.Probabilities();
            var u = rolloutRng.Uniform([batch * (1 + 2 * horizon)], 0, 1, DType.Float64).ToArray<double>();
            for (int i = 0, k = 0; i < batch; i++)
            {
                int z = Math.Min(n - 1, (int)(u[k++] * n));
                int s = grid.StateOf(0, 0);
                for (int t = 0; t < horizon; t++)
                {
                    int offset = policy.FlatIndex(z, t, s, 0);
                    int a = RolloutSampler.SampleIndex(probabilities.AsSpan(offset, mdp.ActionCount), u[k++]);
                    visited[i * horizon + t] = offset + a;
                    s = RolloutSampler.SampleIndex(mdp.TransitionRow(s, a), u[k++]);
                }
                skills[i] = z;
                finals[i] = s;
            }
            var rewards = discriminator.Rewards(skills, finals);
            var weights = new double[batch * horizon];
            for (int i = 0; i < batch; i++)
            {
                int z = skills[i];
                double advantage = baselineSeen[z] ? rewards[i] - baseline[z] : 0;
                baseline[z] = baselineSeen[z] ? config.BaselineDecay * baseline[z] + (1 - config.BaselineDecay) * rewards[i] : rewards[i];
                baselineSeen[z] = true;
                for (int t = 0; t < horizon; t++) weights[i * horizon + t] = -advantage / batch;
            }
            policyOptimizer.ZeroGrad();
            (policy.LogProbabilities(visited) * Tensor.FromArray(weights, weights.Length)).Sum().Backward();
            policyOptimizer.Step();
            discriminator.Train(skills, finals);

            if (iteration % config.EvaluateEvery == 0 || iteration == config.Iterations)
            {
                var snapshot = policy.Probabilities();
                var distributions = SkillCounter.FinalStateDistributions(mdp, [.. Enumerable.Range(0, n).Select(z => policy.ForSkill(z, snapshot))], horizon);
                var point = new SkillProgress((long)iteration * batch, SkillCounter.Count(distributions), SkillCounter.MutualInformationBits(distributions));
                progress.Add(point);
                onEvaluate?.Invoke(point);
            }
        }
        return progress;
    }
}
