// `engine bench ops`: median time of the main CPU kernels at language-model sizes ([4096, 256] float32
// activations: 4096 tokens of width 256), with the memory traffic or arithmetic rate where it means
// something. Forward+backward cases go through autograd, as training does.
// With --pool each call runs inside a BufferScope, as a pooled training step would, so results are
// recycled arrays instead of fresh ones.
//   engine bench ops [--threads N] [--reps N] [--only name,name] [--pool] [--json]
using System.Globalization;
using System.Text.Json;
using Engine.Autograd;
using Engine.Models.Griffin;
using Engine.Nn;
using Engine.Nn.Functional;
using Engine.Optim;
using Engine.Tensors;
using Engine.Training.Cli;

namespace Engine.Training.Bench;

public static class OpsBenchmark
{
    private const int Tokens = 4096, Width = 256, Vocab = 1024;

    /// <summary>One benchmark: its work and how many bytes it moves or flops it does per call (0: not meaningful).</summary>
    private sealed record Case(string Name, string Shape, Action Run, double Bytes, double Flops);

    private sealed record Result(Case Case, double Seconds);

    public static int Run(string[] args)
    {
        var options = new Arguments("bench ops", args, new HashSet<string> { "json", "pool" });
        int threads = options.Int("threads", Environment.ProcessorCount, 1, 1024);
        int reps = options.Int("reps", 7, 1, 1000);
        string? only = options.String("only");
        bool json = options.Has("json"), pool = options.Has("pool");
        options.RejectUnknown();

        int savedThreads = Parallelism.MaxThreads;
        var results = new List<Result>();
        try
        {
            Parallelism.MaxThreads = threads;
            foreach (var c in Cases())
            {
                if (only is not null && !only.Split(',').Contains(c.Name)) continue;
                var run = pool ? () => { using (BufferScope.Begin()) c.Run(); } : c.Run;
                results.Add(new Result(c, BenchTiming.MedianSeconds(run, reps)));
            }
        }
        finally
        {
            Parallelism.MaxThreads = savedThreads;
        }
        if (json) WriteJson(threads, pool, results);
        else WriteTable(threads, pool, results);
        return 0;
    }

    private static List<Case> Cases()
    {
        var rng = new Generator(7);
        const double act = 4.0 * Tokens * Width;
        var x = rng.Normal([Tokens, Width]);
        var y = rng.Normal([Tokens, Width]);
        var mask = x.Binary(BinaryOp.Gt, 0);
        var ids = rng.Uniform([Tokens], 0, Vocab).ToDType(DType.Int64);
        var targets = new Tensor(rng.Uniform([Tokens], 0, Width).ToDType(DType.Int64));
        var table = rng.Normal([Vocab, Width]);
        var spread = NDArray.SpreadIndex(ids, [Tokens, Width], 0);
        var rms = new RMSNorm(Width);
        var layerNorm = new LayerNorm(Width);
        var conv = new Conv1d(64, 64, 4, rng, groups: 64, causal: true);
        var convInput = new Tensor(rng.Normal([64, 64, 259]));
        var griffinConv = new Conv1D(Width, rng, DType.Float32);
        var griffinInput = rng.Normal([16, Tokens / 16, Width]);
        var reach = GriffinReach(16, Tokens / 16);
        var conv2d = new Conv2d(16, 32, (3, 3), rng, padding: (1, 1));
        var conv2dInput = rng.Normal([32, 16, 28, 28]);
        var cases = new List<Case>
        {
            new("add", "[4096,256]", () => x.Add(y), 3 * act, Tokens * Width),
            new("mul", "[4096,256]", () => x.Mul(y), 3 * act, Tokens * Width),
            new("exp", "[4096,256]", () => x.Exp(), 2 * act, 0),
            new("tanh", "[4096,256]", () => x.Tanh(), 2 * act, 0),
            new("chain", "tanh(exp((x+y)*x))", () => x.Add(y).Mul(x).Exp().Tanh(), 8 * act, 0),
            new("gt", "[4096,256] > 0", () => x.Binary(BinaryOp.Gt, 0), 2 * act, 0),
            new("where", "[4096,256]", () => NDArray.Where(mask, x, y), 4 * act, 0),
            new("cumsum", "[4096,256] axis 1", () => x.CumSum(1), 2 * act, Tokens * Width),
            new("sum_leading", "[4096,256] axis 0", () => x.Sum(0), act, Tokens * Width),
            new("sum_trailing", "[4096,256] axis 1", () => x.Sum(1), act, Tokens * Width),
            new("softmax", "[4096,256] axis -1", () => x.Softmax(-1), 2 * act, 0),
            new("log_softmax", "[4096,256] axis -1", () => x.LogSoftmax(-1), 2 * act, 0),
            new("cross_entropy_fb", "logits [4096,256]", () => ForwardBackward(x, t => Losses.CrossEntropy(t, targets)), 0, 0),
            new("rmsnorm_fb", "[4096,256]", () => ForwardBackward(x, t => rms.Forward(t).Sum(), rms), 0, 0),
            new("rmsnorm_fb_composite", "[4096,256]", () => ForwardBackward(x, t => CompositeRmsNorm(t, rms.Scale).Sum(), rms), 0, 0),
            new("layernorm_fb", "[4096,256]", () => ForwardBackward(x, t => layerNorm.Forward(t).Sum(), layerNorm), 0, 0),
            new("layernorm_fb_composite", "[4096,256]", () => ForwardBackward(x, t => CompositeLayerNorm(t, layerNorm).Sum(), layerNorm), 0, 0),
            new("gelu_tanh_fb", "[4096,256]", () => ForwardBackward(x, t => Activations.GeluTanh(t).Sum()), 0, 0),
            new("gelu_tanh_fb_composite", "[4096,256]", () => ForwardBackward(x, t => CompositeGeluTanh(t).Sum()), 0, 0),
            new("gelu_fb", "[4096,256]", () => ForwardBackward(x, t => Activations.Gelu(t).Sum()), 0, 0),
            new("gelu_fb_composite", "[4096,256]", () => ForwardBackward(x, t => CompositeGelu(t).Sum()), 0, 0),
            new("griffin_conv_fb", "[16,256,256] k4", () => ForwardBackward(griffinInput, t => GriffinConv(t, griffinConv, reach, fused: true).Sum(), griffinConv), 0, 0),
            new("griffin_conv_fb_composite", "[16,256,256] k4", () => ForwardBackward(griffinInput, t => GriffinConv(t, griffinConv, reach, fused: false).Sum(), griffinConv), 0, 0),
            new("conv1d_dw_causal", "[64,64,259] k4", () => conv.Forward(convInput), 0, 2.0 * 64 * 64 * 259 * 4),
            new("conv2d_fb", "[32,16,28,28] 3x3 to 32", () => ForwardBackward(conv2dInput, t => conv2d.Forward(t).Sum(), conv2d), 0, 6.0 * 32 * 32 * 16 * 9 * 28 * 28),
            new("index_select", "[1024,256] x 4096 ids", () => table.IndexSelect(0, ids), 2 * act, 0),
            new("scatter_add", "4096 rows into [1024,256]", () => NDArray.ZerosLike(table).ScatterAdd(0, spread, y), 2 * act, Tokens * Width),
        };
        cases.Add(AdamWCase(rng));
        return cases;
    }

    // The composite formulas the fused primitives replaced, kept here to measure what fusing gained.
    private static Tensor CompositeRmsNorm(Tensor x, Tensor scale) => x / ((x * x).Mean([-1], keepDim: true) + 1e-6).Sqrt() * (1.0 + scale);

    private static Tensor CompositeLayerNorm(Tensor x, LayerNorm layer)
    {
        var centered = x - x.Mean([-1], keepDim: true);
        return centered / ((centered * centered).Mean([-1], keepDim: true) + layer.Eps).Sqrt() * layer.Weight + layer.Bias;
    }

    private static Tensor CompositeGelu(Tensor x) => 0.5 * x * (1.0 + (x / Math.Sqrt(2)).Erf());

    private static Tensor CompositeGeluTanh(Tensor x) => 0.5 * x * (1.0 + (Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)).Tanh());

    /// <summary>Griffin's temporal conv, fused or as the per-tap composite (pad, slice, mask, multiply, add).</summary>
    private static Tensor GriffinConv(Tensor u, Conv1D conv, NDArray reach, bool fused)
    {
        if (fused) return Tensor.CausalDepthwiseConv(u, conv.W, conv.B, reach);
        int time = u.Dim(1), taps = conv.W.Dim(0);
        var output = u * conv.W.Select(0, taps - 1) + conv.B;
        for (int shift = 1; shift < taps; shift++)
        {
            var mask = new Tensor(reach.Binary(BinaryOp.Ge, NDArray.Scalar(shift, DType.Int64)).ToDType(u.DType).Reshape(u.Dim(0), time, 1));
            output = output + u.Pad([0, 0, shift, 0]).Slice(1, 0, time) * mask * conv.W.Select(0, taps - 1 - shift);
        }
        return output;
    }

    /// <summary>The look-back of rows of 64-token documents (a document start every 64 steps).</summary>
    private static NDArray GriffinReach(int batch, int time)
    {
        var positions = new long[batch * time];
        for (int i = 0; i < positions.Length; i++) positions[i] = i % time % 64;
        return new SegmentLayout(new Tensor(NDArray.FromArray(positions, batch, time)), DType.Float32).ConvReach();
    }

    /// <summary>The module's parameter gradients are dropped after each call, as a training step would,
    /// so they neither pile up across calls nor outlive a pooled call.</summary>
    private static void ForwardBackward(NDArray input, Func<Tensor, Tensor> loss, Module? module = null)
    {
        var leaf = new Tensor(input, requiresGrad: true);
        loss(leaf).Backward();
        module?.ZeroGrad();
    }

    /// <summary>One AdamW step over 1M float32 parameters (a [1024, 1024] weight with a fixed gradient).
    /// Reads p, g, m, v and writes p, m, v: 7 x 4 MB per step.</summary>
    private static Case AdamWCase(Generator rng)
    {
        var parameter = new Tensor(rng.Normal([1024, 1024], 0, 0.02), requiresGrad: true) { Name = "w" };
        parameter.Grad = new Tensor(rng.Normal([1024, 1024], 0, 1e-3));
        var optimizer = new AdamW([new ParamGroup([new KeyValuePair<string, Tensor>("w", parameter)], 1e-3, 0.1)]);
        return new Case("adamw_1m", "1M params", optimizer.Step, 7.0 * 4 * 1024 * 1024, 0);
    }

    private static void WriteTable(int threads, bool pool, List<Result> results)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"ops f32, {threads} thread(s), {(pool ? "pooled buffers" : "fresh arrays")}; median ms per call");
        Console.WriteLine($"{"op",-18} {"shape",-26} {"ms",10} {"GB/s",8} {"GFLOP/s",8}");
        foreach (var r in results)
        {
            string gbs = r.Case.Bytes > 0 ? (r.Case.Bytes / r.Seconds / 1e9).ToString("F1", inv) : "-";
            string gflops = r.Case.Flops > 0 ? (r.Case.Flops / r.Seconds / 1e9).ToString("F2", inv) : "-";
            Console.WriteLine(string.Create(inv, $"{r.Case.Name,-18} {r.Case.Shape,-26} {r.Seconds * 1e3,10:F3} {gbs,8} {gflops,8}"));
        }
    }

    private static void WriteJson(int threads, bool pool, List<Result> results)
    {
        using var stream = Console.OpenStandardOutput();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteNumber("threads", threads);
            json.WriteBoolean("pooled", pool);
            json.WriteStartArray("results");
            foreach (var r in results)
            {
                json.WriteStartObject();
                json.WriteString("op", r.Case.Name);
                json.WriteString("shape", r.Case.Shape);
                json.WriteNumber("ms", Math.Round(r.Seconds * 1e3, 4));
                if (r.Case.Bytes > 0) json.WriteNumber("gb_per_s", Math.Round(r.Case.Bytes / r.Seconds / 1e9, 2));
                if (r.Case.Flops > 0) json.WriteNumber("gflop_per_s", Math.Round(r.Case.Flops / r.Seconds / 1e9, 3));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
    }
}
