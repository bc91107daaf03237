// Draws responses to prompts from a language model (online IQLearn's policy samples, and the evaluation's
// k samples per prompt): prompts of equal length are decoded together with the model's incremental
// decoder; each row stops at EOS (a terminal sequence) or after maxTokens (truncated, not terminal).
// Tokens are drawn at a temperature from a seeded Philox stream, so a seed always gives the same samples.
using Engine.Autograd;
using Engine.Models.Lm;
using Engine.Tensors;

namespace Engine.Training.Irl;

public static class ResponseSampler
{
    public static IReadOnlyList<PromptResponse> Sample(LanguageModel model, IReadOnlyList<int[]> prompts, int maxTokens, int eosToken,
        Generator rng, double temperature = 1.0)
    {
        if (maxTokens < 1) throw new EngineException($"sampler: the response limit must be at least 1, got {maxTokens}");
        if (!(temperature > 0)) throw new EngineException($"sampler: temperature must be positive, got {temperature}");
        var result = new PromptResponse[prompts.Count];
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            foreach (var group in Enumerable.Range(0, prompts.Count).GroupBy(i => prompts[i].Length))
            {
                var rows = group.ToArray();
                var sampled = SampleGroup(model, [.. rows.Select(i => prompts[i])], maxTokens, eosToken, rng, temperature);
                for (int r = 0; r < rows.Length; r++) result[rows[r]] = sampled[r];
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        return result;
    }

    private static PromptResponse[] SampleGroup(LanguageModel model, int[][] prompts, int maxTokens, int eosToken, Generator rng, double temperature)
    {
        int batch = prompts.Length, promptLength = prompts[0].Length;
        var tokens = NDArray.FromArray(prompts.SelectMany(p => p.Select(t => (long)t)).ToArray(), batch, promptLength);
        var positions = NDArray.FromArray(Enumerable.Range(0, batch).SelectMany(_ => Enumerable.Range(0, promptLength).Select(i => (long)i)).ToArray(), batch, promptLength);
        var device = IrlTraining.DeviceOf(model);
        var decoder = model.StartDecoding();
        var logits = decoder.Prefill(new Tensor(tokens.To(device)), new Tensor(positions.To(device))).Data.Select(1, promptLength - 1);
        var responses = Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();
        var finished = new bool[batch];
        for (int step = 0; step < maxTokens; step++)
        {
            // Drawn on the CPU from the Philox stream, so a seed gives the same samples on every device.
            var weights = logits.To(Device.Cpu).ToDType(DType.Float64).Mul(NDArray.Scalar(1 / temperature, DType.Float64)).Softmax(1);
            var picks = rng.Categorical(weights).ToArray<long>();
            for (int b = 0; b < batch; b++)
            {
                if (finished[b]) continue;
                responses[b].Add((int)picks[b]);
                if (picks[b] == eosToken) finished[b] = true;
            }
            if (finished.All(f => f) || step == maxTokens - 1) break;
            var next = NDArray.FromArray(picks, batch);
            var at = NDArray.FromArray(Enumerable.Repeat((long)(promptLength + step), batch).ToArray(), batch);
            logits = decoder.Step(new Tensor(next.To(device)), new Tensor(at.To(device))).Data;
        }
        return [.. Enumerable.Range(0, batch).Select(b => new PromptResponse(prompts[b], [.. responses[b]], finished[b]))];
    }
}
