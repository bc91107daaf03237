// `engine bench step`: wall time, managed allocation and gen-2 collections per training step (forward,
// backward, AdamW step, zero-grad) at steady state. Each step runs inside a BufferScope, so its arrays are
// recycled (--no-pool turns that off, for comparison). A model preset is one entry in Presets.
//   engine bench step [--model mlp|griffin-small|hawk-small|mqa-small] [--steps 100] [--warmup 10] [--threads N] [--no-pool]
//                     [--device cpu|cuda|ilgpu-cpu] [--json]
// On a GPU the model, its batch and the optimizer state live on the device; each timed step ends by
// waiting for the device, so the time is the device's.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Engine.Autograd;
using Engine.Nn;
using Engine.Nn.Functional;
using Engine.Optim;
using Engine.Tensors;
using Engine.Training.Cli;
using Engine.Training.Lm;

namespace Engine.Training.Bench;

/// <summary>A model ready to train: its parameters and one step's loss on a fixed batch.</summary>
public sealed record StepWorkload(Module Model, Func<Tensor> Loss, string Description);

public static class StepBenchmark
{
    /// <summary>The models `--model` can name; each builds its workload from a seeded generator.</summary>
    public static readonly IReadOnlyDictionary<string, Func<Generator, Device, StepWorkload>> Presets =
        new Dictionary<string, Func<Generator, Device, StepWorkload>>
        {
            ["mlp"] = Mlp,
            ["griffin-small"] = (rng, device) => LanguageModelStep("griffin-small", rng, device),
            ["hawk-small"] = (rng, device) => LanguageModelStep("hawk-small", rng, device),
            ["mqa-small"] = (rng, device) => LanguageModelStep("mqa-small", rng, device),
        };

    /// <summary>A byte-level language-model preset on a batch of 8 random sequences of 128 bytes.</summary>
    private static StepWorkload LanguageModelStep(string preset, Generator rng, Device device)
    {
        const int batch = 8, time = 128;
        var model = ModelCatalog.Create(preset, seed: 1);
        model.To(device);
        var tokens = rng.Uniform([batch, time + 1], 0, 256).ToDType(DType.Int64);
        var inputs = new Tensor(tokens.Slice(1, 0, time).To(device));
        var targets = new Tensor(tokens.Slice(1, 1, time + 1).To(device));
        var positions = new Tensor(NDArray.Arange(0, time, 1, DType.Int64).Reshape(1, time).Expand(batch, time).To(device));
        return new StepWorkload(model, () => Losses.CrossEntropy(model.Forward(inputs, positions), targets),
            $"{ModelCatalog.Describe(preset)}, batch {batch} x {time} bytes, AdamW");
    }

    private sealed record Result(string Model, string Description, bool Pooled, int Steps, double MedianSeconds,
        double MeanSeconds, double BytesPerStep, int Gen2Collections, long Parameters, string Device);

    public static int Run(string[] args)
    {
        var options = new Arguments("bench step", args, new HashSet<string> { "json", "no-pool" });
        string model = options.String("model") ?? "mlp";
        int steps = options.Int("steps", 100, 1, 100000);
        int warmup = options.Int("warmup", 10, 0, 100000);
        int threads = options.Int("threads", Environment.ProcessorCount, 1, 1024);
        bool json = options.Has("json"), pool = !options.Has("no-pool");
        string deviceName = options.String("device") ?? "cpu";
        options.RejectUnknown();
        var device = Device.Parse(deviceName);
        if (!Presets.TryGetValue(model, out var build))
            throw new UsageException($"bench step: unknown model '{model}' (known: {string.Join(", ", Presets.Keys)})");

        int savedThreads = Parallelism.MaxThreads;
        Result result;
        try
        {
            Parallelism.MaxThreads = threads;
            result = Measure(model, build(new Generator(1234), device), steps, warmup, pool, device);
        }
        finally
        {
            Parallelism.MaxThreads = savedThreads;
        }
        if (json) WriteJson(threads, result);
        else WriteTable(threads, result);
        return 0;
    }

    /// <summary>A 6-layer MLP of width 256 (GeLU-tanh between layers) on a batch of 64 with 256 classes.</summary>
    private static StepWorkload Mlp(Generator rng, Device device)
    {
        const int width = 256, batch = 64, layers = 6;
        var model = new Sequential();
        for (int i = 0; i < layers; i++)
        {
            model.Add(new Linear(width, width, rng));
            if (i < layers - 1) model.Add(new Activation(Activations.GeluTanh));
        }
        model.To(device);
        var input = new Tensor(rng.Normal([batch, width]).To(device));
        var targets = new Tensor(rng.Uniform([batch], 0, width).ToDType(DType.Int64).To(device));
        return new StepWorkload(model, () => Losses.CrossEntropy(model.Forward(input), targets),
            $"MLP {layers}x{width}, batch {batch}, AdamW");
    }

    private static Result Measure(string name, StepWorkload workload, int steps, int warmup, bool pool, Device device)
    {
        var optimizer = new AdamW([ParamGroup.Of(workload.Model, 1e-3, 0.01)]);
        void Step()
        {
            using var scope = pool ? BufferScope.Begin() : null;
            optimizer.ZeroGrad();
            workload.Loss().Backward();
            optimizer.Step();
            // The gradients live in the scope's buffers, which die with it.
            optimizer.ZeroGrad();
            if (device.Kind == DeviceKind.Gpu) Engine.Tensors.Gpu.GpuDevice.Get(device).Synchronize();
        }
        for (int i = 0; i < warmup; i++) Step();
        var times = new List<double>(steps);
        int gen2Before = GC.CollectionCount(2);
        long bytesBefore = GC.GetTotalAllocatedBytes(precise: true);
        var total = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            var clock = Stopwatch.StartNew();
            Step();
            times.Add(clock.Elapsed.TotalSeconds);
        }
        double totalSeconds = total.Elapsed.TotalSeconds;
        long bytes = GC.GetTotalAllocatedBytes(precise: true) - bytesBefore;
        int gen2 = GC.CollectionCount(2) - gen2Before;
        return new Result(name, workload.Description, pool, steps, BenchTiming.Median(times), totalSeconds / steps,
            (double)bytes / steps, gen2, workload.Model.ParameterCount, device.ToString());
    }

    private static void WriteTable(int threads, Result r)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"step {r.Model} on {r.Device}: {r.Description}, {r.Parameters} parameters, {threads} thread(s), {r.Steps} steps, " +
            (r.Pooled ? "buffers pooled per step" : "no buffer pool"));
        Console.WriteLine(string.Create(inv, $"median ms/step   {r.MedianSeconds * 1e3:F2}"));
        Console.WriteLine(string.Create(inv, $"mean ms/step     {r.MeanSeconds * 1e3:F2}"));
        Console.WriteLine(string.Create(inv, $"MB alloc/step    {r.BytesPerStep / 1e6:F3}"));
        Console.WriteLine($"gen-2 GCs        {r.Gen2Collections}");
    }

    private static void WriteJson(int threads, Result r)
    {
        using var stream = Console.OpenStandardOutput();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("model", r.Model);
            json.WriteString("description", r.Description);
            json.WriteString("device", r.Device);
            json.WriteNumber("parameters", r.Parameters);
            json.WriteNumber("threads", threads);
            json.WriteBoolean("pooled", r.Pooled);
            json.WriteNumber("steps", r.Steps);
            json.WriteNumber("median_ms", Math.Round(r.MedianSeconds * 1e3, 3));
            json.WriteNumber("mean_ms", Math.Round(r.MeanSeconds * 1e3, 3));
            json.WriteNumber("bytes_per_step", Math.Round(r.BytesPerStep));
            json.WriteNumber("gen2_collections", r.Gen2Collections);
            json.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
    }
}
