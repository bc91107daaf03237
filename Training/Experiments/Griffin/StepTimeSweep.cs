// Training step time against sequence length at equal parameter count (Griffin §4.3, Fig. 3): the paper
// keeps the tokens per batch fixed and finds that, as the sequence grows, the MQA transformer's step time
// grows (attention is O(T²)) while Griffin's stays nearly flat (linear layers O(T·D²), RG-LRU O(T·D), local
// attention O(T·W)). Each family is timed with `engine bench step`'s measurement on random byte tokens;
// the lengths are interleaved (all families at one length, then the next), so the load of a shared
// machine falls on all three alike.
using Engine.Models.Griffin;
using Engine.Tensors;
using Engine.Training.Bench;

namespace Engine.Training.Experiments.Griffin;

/// <summary>Device is where the models train (the CPU when null); on a GPU each timed step ends by waiting for it.</summary>
public sealed record StepTimeSettings(FamilySize Size, int TokensPerBatch, IReadOnlyList<int> Lengths, int Steps, int Warmup, Device? Device = null);

/// <summary>Median wall and process-CPU milliseconds per step; on a busy machine the CPU time is the steadier.</summary>
public sealed record StepTimeRow(Family Family, long Parameters, int Batch, int Length, double MedianMs, double MedianCpuMs, double BytesPerStep);

public static class StepTimeSweep
{
    public static List<StepTimeRow> Run(StepTimeSettings s, Action<string> log)
    {
        var rows = new List<StepTimeRow>();
        foreach (int length in s.Lengths)
        {
            int batch = Math.Max(1, s.TokensPerBatch / length);
            foreach (var family in FamilyConfigs.All)
            {
                // Each model starts from an empty buffer pool, as in its own `engine bench step` process; the
                // previous model's arrays would otherwise fill the pool's byte budget with the wrong sizes.
                BufferPool.Clear();
                var config = FamilyConfigs.Config(family, s.Size);
                var model = new GriffinModel(config, new Generator(1));
                var workload = StepBenchmark.LanguageModelStep(model, new Generator(1234), new StepShape(batch, length), FamilyConfigs.Name(family), s.Device);
                var timing = StepBenchmark.Measure(FamilyConfigs.Name(family), workload, s.Steps, s.Warmup, pool: true, s.Device);
                rows.Add(new StepTimeRow(family, timing.Parameters, batch, length, timing.MedianSeconds * 1e3, timing.MedianCpuSeconds * 1e3, timing.BytesPerStep));
                log($"  step time, {FamilyConfigs.Name(family)}: batch {batch} x {length}: {timing.MedianSeconds * 1e3:F1} ms per step, {timing.MedianCpuSeconds * 1e3:F1} CPU ms");
            }
        }
        return rows;
    }
}
