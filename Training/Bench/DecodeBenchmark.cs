// `engine bench decode`: per-token decode time and decode-state bytes against context length for Griffin,
// Hawk and the MQA transformer at about equal parameter count (Griffin paper, inference section: a recurrent model's state and
// step cost stay fixed while a transformer's KV cache grows with the context). Each model prefills a random
// context of C bytes (batch 1), reads its decode-state bytes, takes 2 warm-up steps, then times --tokens single-token
// steps (median). Each model first steps a short prompt for 1.5 s so the JIT has optimised the step code.
//   engine bench decode [--models griffin,hawk,mqa] [--contexts 256,512,1024,2048,4096,8192] [--tokens 32] [--json]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Engine.Autograd;
using Engine.Models.Griffin;
using Engine.Tensors;
using Engine.Training.Cli;

namespace Engine.Training.Bench;

public static class DecodeBenchmark
{
    private const int WarmUpSteps = 2;
    private const double JitWarmUpSeconds = 1.5;

    public static IReadOnlyList<string> ModelNames { get; } = ["griffin", "hawk", "mqa"];

    /// <summary>The model a name stands for at a given context: Griffin is the small preset (local window
    /// 64); Hawk and the MQA transformer take the MLP width that brings their parameter count nearest
    /// Griffin's. The transformer's window covers the prompt and every decoded token, so its attention is
    /// global; it is set per context because the decoder allocates and attends over all W ring-buffer slots.</summary>
    public static GriffinConfig Config(string name, int context, int tokens) => name switch
    {
        "griffin" => GriffinPresets.SmallGriffin,
        "hawk" => MatchGriffin(GriffinPresets.SmallHawk),
        "mqa" => MatchGriffin(GriffinPresets.SmallTransformer) with { AttentionWindowSize = context + WarmUpSteps + tokens },
        _ => throw new UsageException($"bench decode: unknown model '{name}' (known: {string.Join(", ", ModelNames)})"),
    };

    private static GriffinConfig MatchGriffin(GriffinConfig config)
    {
        long target = GriffinPresets.SmallGriffin.ParameterCount();
        return Enumerable.Range(1, 8 * config.Width).Select(m => config with { MlpExpandedWidth = m })
            .MinBy(c => Math.Abs(c.ParameterCount() - target))!;
    }

    private sealed record Row(string Model, long Parameters, int Context, int Window, double PrefillSeconds,
        double MedianStepSeconds, long StateBytes);

    public static int Run(string[] args)
    {
        var options = new Arguments("bench decode", args, new HashSet<string> { "json" });
        var models = List(options.String("models") ?? "griffin,hawk,mqa", "models", s => s);
        var contexts = List(options.String("contexts") ?? "256,512,1024,2048,4096,8192", "contexts",
            s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v is >= 1 and <= 65536 ? v
                : throw new UsageException($"bench decode: --contexts needs integers in [1, 65536], got '{s}'"));
        int tokens = options.Int("tokens", 32, 1, 100000);
        bool json = options.Has("json");
        options.RejectUnknown();
        // Warming up builds every model first, so an unknown name fails before any output.
        foreach (var model in models) JitWarmUp(model, tokens);
        var rows = new List<Row>();
        foreach (var model in models)
            foreach (int context in contexts)
            {
                var row = Measure(model, context, tokens);
                rows.Add(row);
                if (!json) WriteRow(row);
            }
        if (json) WriteJson(tokens, rows);
        return 0;
    }

    private static T[] List<T>(string text, string option, Func<string, T> parse)
    {
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items.Any(string.IsNullOrEmpty))
            throw new UsageException($"bench decode: --{option} needs a comma-separated list, got '{text}'");
        return [.. items.Select(parse)];
    }

    /// <summary>Steps each model on a short prompt for JitWarmUpSeconds before anything is timed: the JIT's
    /// tiered compilation needs many calls before the step code reaches its optimised tier, and otherwise the
    /// first model's first contexts measure tier-0 code.</summary>
    private static void JitWarmUp(string name, int tokens)
    {
        const int context = 16;
        var decoder = (GriffinDecoder)new GriffinModel(Config(name, context, tokens), new Generator(1)).StartDecoding();
        var prompt = new Tensor(NDArray.Arange(0, context, 1, DType.Int64).Reshape(1, context).Contiguous());
        decoder.Prefill(prompt, prompt);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < WarmUpSteps || clock.Elapsed.TotalSeconds < JitWarmUpSeconds; i++)
            decoder.Step(Tensor.FromArray([(long)(i % 256)], 1), Tensor.FromArray([(long)(context + i)], 1));
    }

    private static Row Measure(string name, int context, int tokens)
    {
        var config = Config(name, context, tokens);
        var model = new GriffinModel(config, new Generator(1));
        var rng = new Generator(1234);
        var prompt = new Tensor(rng.Uniform([1, context], 0, 256).ToDType(DType.Int64));
        var positions = new Tensor(NDArray.Arange(0, context, 1, DType.Int64).Reshape(1, context).Contiguous());
        var decoder = (GriffinDecoder)model.StartDecoding();
        var prefillClock = Stopwatch.StartNew();
        decoder.Prefill(prompt, positions);
        double prefillSeconds = prefillClock.Elapsed.TotalSeconds;
        long stateBytes = decoder.StateBytes;
        var stepTokens = new Random(1234);
        var times = new List<double>(tokens);
        for (int i = 0; i < WarmUpSteps + tokens; i++)
        {
            var token = Tensor.FromArray([(long)stepTokens.Next(256)], 1);
            var position = Tensor.FromArray([(long)(context + i)], 1);
            var clock = Stopwatch.StartNew();
            decoder.Step(token, position);
            if (i >= WarmUpSteps) times.Add(clock.Elapsed.TotalSeconds);
        }
        return new Row(name, config.ParameterCount(), context, config.AttentionWindowSize, prefillSeconds,
            BenchTiming.Median(times), stateBytes);
    }

    private static void WriteRow(Row r) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r.Model,-8} params {r.Parameters,8}  context {r.Context,6}  window {r.Window,6}  prefill {r.PrefillSeconds,8:F2} s  " +
        $"ms/token {r.MedianStepSeconds * 1e3,8:F3}  state bytes {r.StateBytes,10}"));

    private static void WriteJson(int tokens, List<Row> rows)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("tokens", tokens);
            json.WriteNumber("threads", Parallelism.MaxThreads);
            json.WriteStartArray("rows");
            foreach (var r in rows)
            {
                json.WriteStartObject();
                json.WriteString("model", r.Model);
                json.WriteNumber("parameters", r.Parameters);
                json.WriteNumber("context", r.Context);
                json.WriteNumber("window", r.Window);
                json.WriteNumber("prefill_s", Math.Round(r.PrefillSeconds, 3));
                json.WriteNumber("median_ms_per_token", Math.Round(r.MedianStepSeconds * 1e3, 4));
                json.WriteNumber("state_bytes", r.StateBytes);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        Console.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
