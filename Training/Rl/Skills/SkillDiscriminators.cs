// Discriminators q(z | s_T) for skill discovery and the intrinsic rewards built on them (spec irl-rl.md
// §B.1–B.2). Both are Nn modules trained with Adam through autograd:
//  - SoftmaxDiscriminator: one-vs-all, q = softmax(g(s)/τ) with g linear in the one-hot cell (a table of
//    logits). Reward log q(z|s_T) − log p(z) (VIC), or that divided by log n (the simplified method's
//    rescaling — the spec's candidate; the exact rescaling is unverified).
//  - AllPairsDiscriminator: one-vs-one (APART), an MLP on the one-hot cell with dropout and n(n−1)/2
//    sigmoid heads, D_ij(s) ≈ P(z = i | s, z ∈ {i, j}), D_ji = 1 − D_ij, each head trained by binary
//    cross-entropy on the final states of skills i and j only. The paper's "ascending" reward formula
//    could not be read (only the abstract is available); the spec's two candidates and one of ours are
//    implemented (AllPairsReward).
using Engine.Autograd;
using Engine.Nn;
using Engine.Nn.Functional;
using Engine.Optim;
using Engine.Tensors;

namespace Engine.Training.Rl.Skills;

public interface ISkillDiscriminator
{
    /// <summary>The intrinsic reward of each episode (skill z_i ended in state s_i), without gradients.</summary>
    double[] Rewards(int[] skills, int[] finalStates);

    /// <summary>One optimizer step on the batch.</summary>
    void Train(int[] skills, int[] finalStates);
}

public sealed class SoftmaxDiscriminator : Module, ISkillDiscriminator
{
    private readonly Linear _logits;
    private readonly Adam _optimizer;
    private readonly int _skills, _states;
    private readonly double _temperature;
    private readonly bool _rescale;

    /// <param name="temperature">τ in q = softmax(g/τ); 1 is vanilla VIC.</param>
    /// <param name="rescale">Divide the reward log q(z|s) − log p(z) by log n.</param>
    public SoftmaxDiscriminator(int states, int skills, double temperature, bool rescale, double learningRate, Generator rng)
    {
        if (!(temperature > 0)) throw new EngineException($"SoftmaxDiscriminator: temperature must be positive, got {temperature}");
        (_states, _skills, _temperature, _rescale) = (states, skills, temperature, rescale);
        _logits = RegisterModule("logits", new Linear(states, skills, rng, bias: false, dtype: DType.Float64));
        _optimizer = new Adam([ParamGroup.Of(this, learningRate)]);
    }

    /// <summary>log q(z | s) for every skill, [batch, n].</summary>
    public Tensor LogPosterior(int[] finalStates) => (_logits.Forward(OneHot(finalStates, _states)) / _temperature).LogSoftmax(-1);

    public double[] Rewards(int[] skills, int[] finalStates)
    {
        using var _ = GradMode.NoGrad();
        var logQ = LogPosterior(finalStates).ToDoubleArray();
        double logN = Math.Log(_skills);
        var rewards = new double[skills.Length];
        for (int i = 0; i < skills.Length; i++)
        {
            double vic = logQ[i * _skills + skills[i]] + logN;
            rewards[i] = _rescale ? vic / logN : vic;
        }
        return rewards;
    }

    public void Train(int[] skills, int[] finalStates)
    {
        _optimizer.ZeroGrad();
        var targets = Tensor.FromArray(skills.Select(z => (long)z).ToArray(), skills.Length);
        Losses.Nll(LogPosterior(finalStates), targets).Backward();
        _optimizer.Step();
    }

    internal static Tensor OneHot(int[] states, int count)
    {
        var data = new double[states.Length * count];
        for (int i = 0; i < states.Length; i++) data[i * count + states[i]] = 1;
        return Tensor.FromArray(data, states.Length, count);
    }
}

/// <summary>The spec's candidates for APART's "ascending" reward (§B.2), from the pairwise scores D_zj(s_T), j ≠ z.</summary>
public enum AllPairsReward
{
    /// <summary>(a) the mean score (1/(n−1)) Σ_j D_zj, in [0, 1].</summary>
    MeanScore,

    /// <summary>(b) the fraction of pairwise contests won, #{j : D_zj > 1/2} / (n−1).</summary>
    WinFraction,

    /// <summary>
    /// (c) our own guess at "ascending", not in the spec: the lowest score after sorting the D_zj in ascending
    /// order, min_j D_zj — a skill is paid only as much as its hardest-to-tell-apart rival allows.
    /// </summary>
    MinScore,
}

public sealed class AllPairsDiscriminator : Module, ISkillDiscriminator
{
    private readonly Sequential _network;
    private readonly Adam _optimizer;
    private readonly int _skills, _states;
    private readonly AllPairsReward _reward;
    private readonly int[,] _pairIndex;   // head index of the unordered pair {i, j}

    public AllPairsDiscriminator(int states, int skills, int hidden, double dropout, AllPairsReward reward, double learningRate, Generator rng)
    {
        (_states, _skills, _reward) = (states, skills, reward);
        _pairIndex = new int[skills, skills];
        int heads = 0;
        for (int i = 0; i < skills; i++)
            for (int j = i + 1; j < skills; j++) _pairIndex[i, j] = _pairIndex[j, i] = heads++;
        _network = RegisterModule("net", new Sequential(
            new Linear(states, hidden, rng, dtype: DType.Float64),
            new Activation(Activations.Relu),
            new Dropout(dropout, rng),
            new Linear(hidden, heads, rng, dtype: DType.Float64)));
        _optimizer = new Adam([ParamGroup.Of(this, learningRate)]);
    }

    public int Heads => _skills * (_skills - 1) / 2;

    /// <summary>The logit of D_ij for head {i, j}, oriented so that a positive value favours the smaller index.</summary>
    public Tensor HeadLogits(int[] finalStates) => _network.Forward(SoftmaxDiscriminator.OneHot(finalStates, _states));

    /// <summary>D_zj(s) for every j ≠ z of every episode, [batch][n−1], in eval mode (no dropout).</summary>
    public double[][] Scores(int[] skills, int[] finalStates)
    {
        using var _ = GradMode.NoGrad();
        _network.Eval();
        var logits = HeadLogits(finalStates).ToDoubleArray();
        _network.Train();
        var scores = new double[skills.Length][];
        for (int i = 0; i < skills.Length; i++)
        {
            int z = skills[i];
            scores[i] = new double[_skills - 1];
            int k = 0;
            for (int j = 0; j < _skills; j++)
            {
                if (j == z) continue;
                double logit = logits[i * Heads + _pairIndex[z, j]];
                double dij = 1 / (1 + Math.Exp(-logit));     // P(smaller index | s, pair)
                scores[i][k++] = z < j ? dij : 1 - dij;
            }
        }
        return scores;
    }

    public double[] Rewards(int[] skills, int[] finalStates)
    {
        var scores = Scores(skills, finalStates);
        return scores.Select(row => _reward switch
        {
            AllPairsReward.MeanScore => row.Average(),
            AllPairsReward.WinFraction => row.Count(d => d > 0.5) / (double)row.Length,
            _ => row.Min(),
        }).ToArray();
    }

    /// <summary>Binary cross-entropy of every head {z, j} on the episode's final state; label 1 when z is the smaller index.</summary>
    public void Train(int[] skills, int[] finalStates)
    {
        int perEpisode = _skills - 1;
        var index = new long[skills.Length * perEpisode];
        var sign = new double[skills.Length * perEpisode];
        for (int i = 0; i < skills.Length; i++)
        {
            int k = 0;
            for (int j = 0; j < _skills; j++)
            {
                if (j == skills[i]) continue;
                index[i * perEpisode + k] = _pairIndex[skills[i], j];
                sign[i * perEpisode + k] = skills[i] < j ? 1 : -1;
                k++;
            }
        }
        _optimizer.ZeroGrad();
        var logits = HeadLogits(finalStates).Gather(1, Tensor.FromArray(index, skills.Length, perEpisode));
        // BCE with logits: −log σ(y·x) = softplus(−y·x) for labels y = ±1.
        var loss = Activations.Softplus(-(logits * Tensor.FromArray(sign, skills.Length, perEpisode))).Mean();
        loss.Backward();
        _optimizer.Step();
    }
}
