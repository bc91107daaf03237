// `engine bench gemm --device cuda|ilgpu-cpu`: GFLOP/s of the GPU backend's tiled GEMM
// (Tensors/Gpu/Kernels/GemmKernel.cs) on square float32 matrices. Each size is warmed up (which also
// compiles the kernel), then timed over --reps products with the device synchronised before and after;
// row 0 of the last product is checked against a float64 dot product on the CPU, so a fast wrong kernel
// cannot pass unnoticed.
//   engine bench gemm --device cuda [--sizes 1024,2048,4096,8192] [--reps 10] [--dtype f32|f64] [--json]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Engine.Tensors;
using Engine.Tensors.Gpu;
using Engine.Training.Cli;

namespace Engine.Training.Bench;

public static class GpuGemmBenchmark
{
    private sealed record Row(int N, double Milliseconds, double Gflops, double MaxRelativeError);

    /// <summary>True when the arguments name a device other than the CPU.</summary>
    public static bool Requested(string[] args)
    {
        int at = Array.IndexOf(args, "--device");
        return at >= 0 && at + 1 < args.Length && args[at + 1] != "cpu";
    }

    public static int Run(string[] args)
    {
        var options = new Arguments("bench gemm", args, new HashSet<string> { "json" });
        var device = Device.Parse(options.String("device") ?? "cuda");
        var sizes = ParseSizes(options.String("sizes") ?? "1024,2048,4096,8192");
        int reps = options.Int("reps", 10, 1, 1000);
        string dtypeName = options.String("dtype") ?? "f32";
        bool json = options.Has("json");
        options.RejectUnknown();
        var dtype = dtypeName switch
        {
            "f32" => DType.Float32,
            "f64" => DType.Float64,
            _ => throw new UsageException($"bench gemm: --dtype must be f32 or f64, got '{dtypeName}'"),
        };
        var gpu = GpuDevice.Get(device);
        var rows = sizes.Select(n => Measure(gpu, n, reps, dtype)).ToList();
        if (json) WriteJson(gpu, dtype, reps, rows);
        else
        {
            Console.WriteLine($"gemm on {gpu.Name} ({gpu.Accelerator.Name}), {dtype.Name()}, C = A·B square, {reps} timed products per size");
            Console.WriteLine("       n        ms     GFLOP/s   max rel err (row 0)");
            foreach (var r in rows)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.N,8} {r.Milliseconds,9:F3} {r.Gflops,11:F1}   {r.MaxRelativeError:E2}"));
        }
        return 0;
    }

    private static int[] ParseSizes(string text)
    {
        var parts = text.Split(',');
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1 || sizes[i] > 16384)
                throw new UsageException($"bench gemm: --sizes needs a comma-separated list of sizes in 1..16384, got '{text}'");
        return sizes;
    }

    private static Row Measure(GpuDevice gpu, int n, int reps, DType dtype)
    {
        var rng = new Generator((ulong)n);
        var hostA = rng.Normal([n, n], dtype: dtype);
        var hostB = rng.Normal([n, n], dtype: dtype);
        var a = hostA.To(gpu.Device);
        var b = hostB.To(gpu.Device);
        for (int i = 0; i < 2; i++)
            using (BufferScope.Begin()) a.MatMul(b);
        gpu.Synchronize();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++)
            using (BufferScope.Begin()) a.MatMul(b);
        gpu.Synchronize();
        double seconds = clock.Elapsed.TotalSeconds / reps;
        double error = RowZeroError(hostA, hostB, a.MatMul(b).Select(0, 0).ToDoubleArray());
        a.Storage.Free();
        b.Storage.Free();
        return new Row(n, seconds * 1e3, 2.0 * n * n * (double)n / seconds / 1e9, error);
    }

    /// <summary>The largest |c - exact| / (|A row|·|B col|) over row 0, with exact in float64 on the CPU.</summary>
    private static double RowZeroError(NDArray a, NDArray b, double[] row)
    {
        int n = a.Dim(0);
        var a0 = a.Select(0, 0).ToDoubleArray();
        var bd = b.ToDoubleArray();
        double worst = 0;
        for (int j = 0; j < n; j++)
        {
            double exact = 0, scale = 0;
            for (int k = 0; k < n; k++)
            {
                exact += a0[k] * bd[k * n + j];
                scale += Math.Abs(a0[k] * bd[k * n + j]);
            }
            worst = Math.Max(worst, Math.Abs(row[j] - exact) / Math.Max(scale, 1e-30));
        }
        return worst;
    }

    private static void WriteJson(GpuDevice gpu, DType dtype, int reps, List<Row> rows)
    {
        using var stream = Console.OpenStandardOutput();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("device", gpu.Name);
            json.WriteString("accelerator", gpu.Accelerator.Name);
            json.WriteString("dtype", dtype.Name());
            json.WriteNumber("reps", reps);
            json.WriteStartArray("sizes");
            foreach (var r in rows)
            {
                json.WriteStartObject();
                json.WriteNumber("n", r.N);
                json.WriteNumber("ms", Math.Round(r.Milliseconds, 4));
                json.WriteNumber("gflops", Math.Round(r.Gflops, 1));
                json.WriteNumber("max_rel_err", r.MaxRelativeError);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
    }
}
