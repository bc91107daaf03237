// `engine bench step`: wall time, managed allocation and gen-2 collections per training step (forward,
// backward, AdamW step, zero-grad) at steady state. Each step runs inside a BufferScope, so its arrays are
// recycled (--no-pool turns that off, for comparison). A model preset is one entry in Presets; `--model
// griffin --config FILE` trains any Griffin, Hawk or MQA-transformer config given in the reference's JSON
// fields, on random tokens of its vocabulary, with --batch B and --seq T.
//   engine bench step [--model mlp|griffin|griffin-small|hawk-small|mqa-small] [--config FILE] [--batch 8] [--seq 128]
//                     [--steps 100] [--warmup 10] [--threads N] [--no-pool] [--device cpu|cuda|ilgpu-cpu] [--json]
// On a GPU the model, its batch and the optimizer state live on the device; each timed step ends by
// waiting for the device, so the time is the device's.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Engine.Autograd;
using Engine.Models.Griffin;
using Engine.Models.Lm;
using Engine.Nn;
using Engine.Nn.Functional;
using Engine.Optim;
using Engine.Tensors;
using Engine.Training.Cli;
using Engine.Training.Lm;

namespace Engine.Training.Bench;

/// <summary>A model ready to train: its parameters and one step's loss on a fixed batch.</summary>
public sealed record StepWorkload(Module Model, Func<Tensor> Loss, string Description, StepShape? Shape = null);

/// <summary>The batch of a language-model step: Batch sequences of Time tokens.</summary>
public sealed record StepShape(int Batch, int Time);

/// <summary>One measurement: median and mean wall seconds per step, median process CPU seconds per step (all
/// threads, GC included: on a shared machine this counts the work, not the waiting), managed bytes allocated
/// per step, gen-2 collections.</summary>
public sealed record StepTiming(string Model, string Description, bool Pooled, int Steps, double MedianSeconds,
    double MeanSeconds, double MedianCpuSeconds, double BytesPerStep, int Gen2Collections, long Parameters, StepShape? Shape,
    string Device = "cpu");

public static class StepBenchmark
{
    private const string ConfigModel = "griffin";

    /// <summary>The models `--model` can name; each builds its workload from a seeded generator, the batch
    /// shape (which the MLP ignores) and the device it trains on.</summary>
    public static readonly IReadOnlyDictionary<string, Func<Generator, StepShape, Device, StepWorkload>> Presets =
        new Dictionary<string, Func<Generator, StepShape, Device, StepWorkload>>
        {
            ["mlp"] = (rng, _, device) => Mlp(rng, device),
            ["griffin-small"] = (rng, shape, device) => PresetStep("griffin-small", rng, shape, device),
            ["hawk-small"] = (rng, shape, device) => PresetStep("hawk-small", rng, shape, device),
            ["mqa-small"] = (rng, shape, device) => PresetStep("mqa-small", rng, shape, device),
        };

    private static StepWorkload PresetStep(string preset, Generator rng, StepShape shape, Device device) =>
        LanguageModelStep(ModelCatalog.Create(preset, seed: 1), rng, shape, ModelCatalog.Describe(preset), device);

    /// <summary>A language model on a batch of random tokens from its vocabulary, one document per row; the
    /// model is moved to the device (the CPU unless given) and its batch made there.</summary>
    public static StepWorkload LanguageModelStep(LanguageModel model, Generator rng, StepShape shape, string description, Device? device = null)
    {
        var (batch, time) = shape;
        var target = device ?? Device.Cpu;
        model.To(target);
        var tokens = rng.Uniform([batch, time + 1], 0, model.VocabSize).ToDType(DType.Int64);
        var inputs = new Tensor(tokens.Slice(1, 0, time).Contiguous().To(target));
        var targets = new Tensor(tokens.Slice(1, 1, time + 1).Contiguous().To(target));
        var positions = new Tensor(NDArray.Arange(0, time, 1, DType.Int64).Reshape(1, time).Expand(batch, time).Contiguous().To(target));
        return new StepWorkload(model, () => Losses.CrossEntropy(model.Forward(inputs, positions), targets),
            $"{description}, batch {batch} x {time} tokens, AdamW", shape);
    }

    /// <summary>A Griffin-family model built from a JSON config; refuses one whose parameters, gradients and
    /// AdamW moments (16 bytes per parameter) would not fit in the memory the process may use.</summary>
    public static StepWorkload ConfigStep(string configPath, Generator rng, StepShape shape, Device? device = null)
    {
        var config = GriffinConfig.Load(configPath);
        long parameters = config.ParameterCount();
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (parameters * 16 > available)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"bench step: {configPath} has {parameters:N0} parameters; training needs about {parameters * 16 / 1e9:F1} GB for parameters, gradients and AdamW moments, more than the {available / 1e9:F1} GB available"));
        var model = new GriffinModel(config, new Generator(1));
        return LanguageModelStep(model, rng, shape, $"{Path.GetFileName(configPath)}: {Describe(config)}", device);
    }

    /// <summary>The block pattern and sizes of a config in a few words.</summary>
    public static string Describe(GriffinConfig config)
    {
        int attention = config.BlockTypes.Count(t => t == TemporalBlockType.Attention);
        return $"{config.NumBlocks} blocks ({config.NumBlocks - attention} recurrent, {attention} attention, window {config.AttentionWindowSize}), " +
               $"width {config.Width}, RNN width {config.LruWidth}, MLP {config.MlpExpandedWidth}, vocabulary {config.VocabSize}";
    }

    public static int Run(string[] args)
    {
        var options = new Arguments("bench step", args, new HashSet<string> { "json", "no-pool" });
        string model = options.String("model") ?? "mlp";
        string? configPath = options.String("config");
        var shape = new StepShape(options.Int("batch", 8, 1, 1 << 20), options.Int("seq", 128, 1, 1 << 20));
        bool shapeGiven = options.Has("batch") || options.Has("seq");
        int steps = options.Int("steps", 100, 1, 100000);
        int warmup = options.Int("warmup", 10, 0, 100000);
        int threads = options.Int("threads", Environment.ProcessorCount, 1, 1024);
        bool json = options.Has("json"), pool = !options.Has("no-pool");
        string deviceName = options.String("device") ?? "cpu";
        options.RejectUnknown();
        var device = Device.Parse(deviceName);
        Func<Generator, StepWorkload> build;
        if (model == ConfigModel)
        {
            if (configPath is null) throw new UsageException("bench step: --model griffin needs --config FILE (a Griffin config JSON with the reference's field names)");
            build = rng => ConfigStep(configPath, rng, shape, device);
        }
        else if (configPath is not null)
            throw new UsageException($"bench step: --config goes with --model griffin, not --model {model}");
        else if (!Presets.TryGetValue(model, out var preset))
            throw new UsageException($"bench step: unknown model '{model}' (known: {ConfigModel} with --config, {string.Join(", ", Presets.Keys)})");
        else if (model == "mlp" && shapeGiven)
            throw new UsageException("bench step: --batch and --seq apply to the language models, not --model mlp");
        else
            build = rng => preset(rng, shape, device);

        int savedThreads = Parallelism.MaxThreads;
        StepTiming result;
        try
        {
            Parallelism.MaxThreads = threads;
            result = Measure(model, build(new Generator(1234)), steps, warmup, pool, device);
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

    /// <summary>Times steps AdamW steps after warmup untimed ones; the arrays of each step go back to the
    /// pool at its end unless pool is false. On a GPU each step ends by waiting for the device.</summary>
    public static StepTiming Measure(string name, StepWorkload workload, int steps, int warmup, bool pool, Device? device = null)
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
            if (device is { Kind: DeviceKind.Gpu } gpu) Engine.Tensors.Gpu.GpuDevice.Get(gpu).Synchronize();
        }
        for (int i = 0; i < warmup; i++) Step();
        var times = new List<double>(steps);
        var cpuTimes = new List<double>(steps);
        int gen2Before = GC.CollectionCount(2);
        long bytesBefore = GC.GetTotalAllocatedBytes(precise: true);
        var total = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var clock = Stopwatch.StartNew();
            Step();
            times.Add(clock.Elapsed.TotalSeconds);
            cpuTimes.Add((Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds);
        }
        double totalSeconds = total.Elapsed.TotalSeconds;
        long bytes = GC.GetTotalAllocatedBytes(precise: true) - bytesBefore;
        int gen2 = GC.CollectionCount(2) - gen2Before;
        var on = device ?? Device.Cpu;
        return new StepTiming(name, workload.Description, pool, steps, BenchTiming.Median(times), totalSeconds / steps, BenchTiming.Median(cpuTimes),
            (double)bytes / steps, gen2, workload.Model.ParameterCount, workload.Shape, on.ToString());
    }

    private static void WriteTable(int threads, StepTiming r)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"step {r.Model} on {r.Device}: {r.Description}, {r.Parameters} parameters, {threads} thread(s), {r.Steps} steps, " +
            (r.Pooled ? "buffers pooled per step" : "no buffer pool"));
        Console.WriteLine(string.Create(inv, $"median ms/step   {r.MedianSeconds * 1e3:F2}"));
        Console.WriteLine(string.Create(inv, $"mean ms/step     {r.MeanSeconds * 1e3:F2}"));
        Console.WriteLine(string.Create(inv, $"median CPU ms    {r.MedianCpuSeconds * 1e3:F2}"));
        Console.WriteLine(string.Create(inv, $"MB alloc/step    {r.BytesPerStep / 1e6:F3}"));
        Console.WriteLine($"gen-2 GCs        {r.Gen2Collections}");
    }

    private static void WriteJson(int threads, StepTiming r)
    {
        // Through Console.Out (not the raw stdout stream), so a redirected Console sees it too.
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", r.Model);
            json.WriteString("description", r.Description);
            json.WriteString("device", r.Device);
            json.WriteNumber("parameters", r.Parameters);
            json.WriteNumber("threads", threads);
            json.WriteBoolean("pooled", r.Pooled);
            json.WriteNumber("steps", r.Steps);
            if (r.Shape is { } shape)
            {
                json.WriteNumber("batch", shape.Batch);
                json.WriteNumber("seq", shape.Time);
                json.WriteNumber("tokens_per_second", Math.Round(shape.Batch * shape.Time / r.MedianSeconds, 1));
            }
            json.WriteNumber("median_ms", Math.Round(r.MedianSeconds * 1e3, 3));
            json.WriteNumber("mean_ms", Math.Round(r.MeanSeconds * 1e3, 3));
            json.WriteNumber("median_cpu_ms", Math.Round(r.MedianCpuSeconds * 1e3, 3));
            json.WriteNumber("bytes_per_step", Math.Round(r.BytesPerStep));
            json.WriteNumber("gen2_collections", r.Gen2Collections);
            json.WriteEndObject();
        }
        Console.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
