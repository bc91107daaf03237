// Sampling text from a language model: prefill a prompt, then draw one byte at a time with temperature,
// top-k and top-p (nucleus) filtering, from a seeded Philox stream so a seed always gives the same text.
using Engine.Autograd;
using Engine.Models.Lm;
using Engine.Tensors;
using Engine.Training.Data;

namespace Engine.Training.Lm;

public sealed record SamplingOptions(double Temperature = 0.8, int TopK = 0, double TopP = 1.0, ulong Seed = 1)
{
    public SamplingOptions Validated()
    {
        if (!(Temperature >= 0)) throw new EngineException($"sample: temperature must be non-negative, got {Temperature}");
        if (TopK < 0) throw new EngineException($"sample: top-k must be non-negative, got {TopK}");
        if (!(TopP > 0 && TopP <= 1)) throw new EngineException($"sample: top-p must be in (0, 1], got {TopP}");
        return this;
    }
}

public static class TextSampler
{
    /// <summary>Continues prompt by length bytes. The prompt starts a new document (BOS first).</summary>
    public static string Continue(LanguageModel model, string prompt, int length, SamplingOptions options)
    {
        options.Validated();
        if (length < 0) throw new EngineException($"sample: length must be non-negative, got {length}");
        var tokenizer = new ByteTokenizer();
        var ids = tokenizer.Encode(prompt, addBos: true);
        var rng = new Generator(options.Seed);
        model.Eval();
        using var _ = GradMode.NoGrad();
        var decoder = model.StartDecoding();
        var tokens = NDArray.FromArray(ids.Select(i => (long)i).ToArray(), 1, ids.Length);
        var positions = NDArray.Arange(0, ids.Length, 1, DType.Int64).Reshape(1, ids.Length);
        var logits = decoder.Prefill(new Tensor(tokens), new Tensor(positions)).Data.Select(1, -1).Select(0, 0);
        var generated = new List<int>();
        for (int i = 0; i < length; i++)
        {
            int next = Pick(logits, options, rng);
            if (next >= 256) break;
            generated.Add(next);
            var step = NDArray.FromArray(new long[] { next }, 1);
            var position = NDArray.FromArray(new long[] { ids.Length + i }, 1);
            logits = decoder.Step(new Tensor(step), new Tensor(position)).Data.Select(0, 0);
        }
        return tokenizer.Decode(generated.ToArray());
    }

    /// <summary>Draws a token from one row of logits after temperature, top-k and top-p.</summary>
    public static int Pick(NDArray logits, SamplingOptions options, Generator rng)
    {
        var values = logits.ToDoubleArray();
        if (options.Temperature == 0) return Array.IndexOf(values, values.Max());
        double max = values.Max();
        var weights = values.Select(v => Math.Exp((v - max) / options.Temperature)).ToArray();
        var order = Enumerable.Range(0, weights.Length).OrderByDescending(i => weights[i]).ThenBy(i => i).ToArray();
        int keep = options.TopK > 0 ? Math.Min(options.TopK, order.Length) : order.Length;
        // Top-p applies to the distribution left after top-k (the Hugging Face convention).
        double total = 0, running = 0;
        for (int r = 0; r < keep; r++) total += weights[order[r]];
        for (int r = 0; r < keep; r++)
        {
            running += weights[order[r]];
            if (running >= options.TopP * total)
            {
                keep = r + 1;
                break;
            }
        }
        var filtered = new double[weights.Length];
        for (int r = 0; r < keep; r++) filtered[order[r]] = weights[order[r]];
        return (int)rng.Categorical(NDArray.FromArray(filtered)).Item();
    }
}
