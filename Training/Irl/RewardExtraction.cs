// Reward recovery from a soft-Q language model (IQ-Learn eq. 11; Wulfmeier et al. 2024 §5 reward
// correlation; specs/irl-rl.md A.5): r_t = Q(s_t, a_t) − γ·V(s_{t+1}), with V = 0 after a terminal EOS and
// a bootstrapped V after a truncated response. Both accumulations are reported because the paper's is not
// known: the undiscounted sum Σ_t r_t and the discounted return Σ_t γ^t r_t (t = 0 at the first response token).
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Training.Irl;

public sealed record SequenceRewards(double[] PerToken, double Undiscounted, double Discounted);

public static class RewardExtraction
{
    /// <summary>The rewards of each row's response tokens, computed without gradients.</summary>
    public static IReadOnlyList<SequenceRewards> Extract(Tensor logits, TransitionBatch batch, double gamma)
    {
        if (!(gamma >= 0 && gamma <= 1)) throw new EngineException($"rewards: gamma must be in [0, 1], got {gamma}");
        using var _ = GradMode.NoGrad();
        var q = TokenMdp.ActionQ(logits, batch).Data.ToDoubleArray();
        var next = TokenMdp.DiscountedNextValues(TokenMdp.Values(logits), batch, gamma).Data.ToDoubleArray();
        int width = batch.Length - 1;
        var result = new SequenceRewards[batch.BatchSize];
        for (int row = 0; row < batch.BatchSize; row++)
        {
            var rewards = new double[batch.ResponseLength[row]];
            double undiscounted = 0, discounted = 0, discount = 1;
            for (int t = 0; t < rewards.Length; t++)
            {
                int at = row * width + batch.FirstAction[row] + t;
                rewards[t] = q[at] - next[at];
                undiscounted += rewards[t];
                discounted += discount * rewards[t];
                discount *= gamma;
            }
            result[row] = new SequenceRewards(rewards, undiscounted, discounted);
        }
        return result;
    }
}
