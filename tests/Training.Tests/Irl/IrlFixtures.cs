// Shared small inputs for the IRL objective tests: a batch of four sequences over an 8-token vocabulary
// (token 7 is EOS) with different prompt and response lengths, one of them truncated (no EOS), and random
// float64 logits for it, plus the reference quantities computed with plain double loops.
using Engine.Autograd;
using Engine.Tensors;
using Engine.Training.Irl;

namespace Engine.Training.Tests.Irl;

internal static class IrlFixtures
{
    public const int Vocab = 8;
    public const int Eos = 7;

    public static TransitionBatch Batch() => TransitionBatch.Create(
    [
        new PromptResponse([1, 2], [3, 4, 5, Eos], EndsWithEos: true),
        new PromptResponse([2], [6, Eos], EndsWithEos: true),
        new PromptResponse([1, 4, 4], [2, 2, 3], EndsWithEos: false),
        new PromptResponse([5], [1, 0, 6, 2, Eos], EndsWithEos: true),
    ], padToken: 0);

    public static Tensor RandomLogits(TransitionBatch batch, ulong seed, bool requiresGrad = true) =>
        new(new Generator(seed).Normal([batch.BatchSize, batch.Length, Vocab], 0, 1.5, DType.Float64), requiresGrad);

    /// <summary>logsumexp of row (b, i) of the logits, in plain doubles.</summary>
    public static double V(double[] logits, int length, int b, int i)
    {
        int at = (b * length + i) * Vocab;
        double max = double.NegativeInfinity;
        for (int v = 0; v < Vocab; v++) max = Math.Max(max, logits[at + v]);
        double sum = 0;
        for (int v = 0; v < Vocab; v++) sum += Math.Exp(logits[at + v] - max);
        return max + Math.Log(sum);
    }

    public static double Q(double[] logits, int length, int b, int i, long action) => logits[(b * length + i) * Vocab + action];

    /// <summary>The response transitions of row b: (position of the state, action, is terminal EOS).</summary>
    public static IEnumerable<(int State, long Action, bool Done)> Transitions(TransitionBatch batch, int b)
    {
        var tokens = batch.Tokens.ToArray<long>();
        int start = batch.FirstAction[b], n = batch.ResponseLength[b];
        for (int t = 0; t < n; t++)
        {
            int i = start + t;
            long action = tokens[b * batch.Length + i + 1];
            bool done = action == Eos && t == n - 1;
            yield return (i, action, done);
        }
    }
}
