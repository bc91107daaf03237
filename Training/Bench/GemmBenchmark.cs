// `engine bench gemm`: GFLOP/s of the engine's packed GEMM (Tensors/Kernels/Gemm) on square sizes and on
// the language-model shapes, next to the system OpenBLAS when it is installed and to an estimate of the
// machine's peak FMA throughput. Each figure is the median of several timed runs after warm-up.
//   engine bench gemm [--sizes 256,512,1024,2048] [--threads N] [--dtype f32|f64] [--reps N] [--json]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Engine.Tensors;

namespace Engine.Training.Bench;

public static class GemmBenchmark
{
    /// <summary>(M, K, N) of the GEMMs in a transformer block's projections: tokens x width x output.</summary>
    private static readonly (int M, int K, int N)[] LanguageModelShapes = [(4096, 256, 768), (4096, 768, 256), (256, 4096, 256)];

    private const double MinTimedSeconds = 0.4;
    private const int MaxReps = 50;

    private sealed record Options(int[] Sizes, int Threads, bool Double, int Reps, bool Json);

    private sealed record Row(int M, int K, int N, double EngineGflops, double? OpenBlasGflops);

    public static int Run(string[] args)
    {
        var options = Parse(args, out string? error);
        if (options is null)
        {
            Console.Error.WriteLine($"bench gemm: {error}");
            return 2;
        }

        var openBlas = OpenBlasGemm.TryLoad();
        openBlas?.SetThreads(options.Threads);
        int savedThreads = Parallelism.MaxThreads;
        var rows = new List<Row>();
        double peak;
        try
        {
            Parallelism.MaxThreads = options.Threads;
            var shapes = options.Sizes.Select(s => (M: s, K: s, N: s)).Concat(LanguageModelShapes);
            foreach (var (m, k, n) in shapes)
                rows.Add(options.Double ? Measure<double>(m, k, n, options, openBlas) : Measure<float>(m, k, n, options, openBlas));
            peak = FmaPeak.Measure(options.Threads, options.Double, Gemm.BestIsa == GemmIsa.Avx512);
        }
        finally
        {
            Parallelism.MaxThreads = savedThreads;
        }

        if (options.Json) WriteJson(options, openBlas, peak, rows);
        else WriteTable(options, openBlas, peak, rows);
        return 0;
    }

    private static Options? Parse(string[] args, out string? error)
    {
        int[] sizes = [256, 512, 1024, 2048];
        int threads = Environment.ProcessorCount, reps = 5;
        bool isDouble = false, json = false;
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string? Value() => i + 1 < args.Length ? args[++i] : null;
            switch (arg)
            {
                case "--json":
                    json = true;
                    break;
                case "--sizes":
                    var list = Value();
                    var parsed = list?.Split(',').Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 0).ToArray();
                    if (parsed is null || parsed.Length == 0 || parsed.Any(v => v < 1 || v > 16384))
                    {
                        error = $"--sizes needs a comma-separated list of sizes in 1..16384, got '{list}'";
                        return null;
                    }
                    sizes = parsed;
                    break;
                case "--threads":
                    var threadsText = Value();
                    if (!TryPositive(threadsText, 1024, out threads))
                    {
                        error = $"--threads needs a whole number in 1..1024, got '{threadsText}'";
                        return null;
                    }
                    break;
                case "--reps":
                    var repsText = Value();
                    if (!TryPositive(repsText, 1000, out reps))
                    {
                        error = $"--reps needs a whole number in 1..1000, got '{repsText}'";
                        return null;
                    }
                    break;
                case "--dtype":
                    var dtype = Value();
                    if (dtype is not ("f32" or "f64"))
                    {
                        error = $"--dtype must be f32 or f64, got '{dtype}'";
                        return null;
                    }
                    isDouble = dtype == "f64";
                    break;
                default:
                    error = $"unknown argument '{arg}' (expected --sizes, --threads, --dtype, --reps, --json)";
                    return null;
            }
        }
        return new Options(sizes, threads, isDouble, reps, json);
    }

    private static bool TryPositive(string? text, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1 && value <= max;

    private static Row Measure<T>(int m, int k, int n, Options options, OpenBlasGemm? openBlas)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        var rng = new Random(m + 31 * k + 977 * n);
        T[] a = RandomValues<T>(m * k, rng), b = RandomValues<T>(k * n, rng), c = new T[m * n];
        var A = new MatrixView(0, k, 1);
        var B = new MatrixView(0, n, 1);
        var C = new MatrixView(0, n, 1);
        double flops = 2.0 * m * n * k;
        Action engine = () => Gemm.Multiply(m, n, k, a, A, b, B, c, C);
        Action? reference = openBlas is null ? null
            : typeof(T) == typeof(float)
                ? () => openBlas.Multiply(m, n, k, (float[])(object)a, (float[])(object)b, (float[])(object)c)
                : () => openBlas.Multiply(m, n, k, (double[])(object)a, (double[])(object)b, (double[])(object)c);
        var (engineSeconds, referenceSeconds) = MedianSeconds(engine, reference, options.Reps);
        return new Row(m, k, n, flops / engineSeconds / 1e9, reference is null ? null : flops / referenceSeconds / 1e9);
    }

    private static T[] RandomValues<T>(int count, Random rng) where T : unmanaged, System.Numerics.INumber<T>
    {
        var values = new T[count];
        for (int i = 0; i < count; i++) values[i] = T.CreateTruncating(rng.NextDouble() * 2 - 1);
        return values;
    }

    /// <summary>Median wall time of one call of each: two warm-up calls, then at least minReps timed calls
    /// and more until MinTimedSeconds have passed (at most MaxReps). The two are timed alternately, so load
    /// from other processes on the machine falls on both alike.</summary>
    private static (double First, double Second) MedianSeconds(Action first, Action? second, int minReps)
    {
        for (int warmUp = 0; warmUp < 2; warmUp++)
        {
            first();
            second?.Invoke();
        }
        List<double> firstTimes = [], secondTimes = [];
        var total = Stopwatch.StartNew();
        while (firstTimes.Count < minReps || (total.Elapsed.TotalSeconds < MinTimedSeconds && firstTimes.Count < MaxReps))
        {
            firstTimes.Add(Time(first));
            if (second is not null) secondTimes.Add(Time(second));
        }
        return (Median(firstTimes), second is null ? double.NaN : Median(secondTimes));
    }

    private static double Time(Action call)
    {
        var clock = Stopwatch.StartNew();
        call();
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static void WriteTable(Options options, OpenBlasGemm? openBlas, double peak, List<Row> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"gemm {(options.Double ? "f64" : "f32")}, {options.Threads} thread(s), engine kernels {Gemm.BestIsa}, " +
            $"OpenBLAS: {(openBlas is null ? "not found" : $"{openBlas.Library} (OPENBLAS_THREAD_TIMEOUT={openBlas.ThreadTimeout})")}");
        Console.WriteLine(string.Create(inv, $"peak FMA estimate: {peak:F1} GFLOP/s ({options.Threads} thread(s))"));
        Console.WriteLine($"{"M x K x N",-18} {"engine GFLOP/s",15} {"OpenBLAS GFLOP/s",17} {"engine/OpenBLAS",16} {"engine/peak",12}");
        foreach (var row in rows)
        {
            string shape = $"{row.M}x{row.K}x{row.N}";
            string reference = row.OpenBlasGflops is double r ? r.ToString("F1", inv) : "-";
            string ratio = row.OpenBlasGflops is double o ? (row.EngineGflops / o).ToString("F2", inv) : "-";
            Console.WriteLine(string.Create(inv,
                $"{shape,-18} {row.EngineGflops,15:F1} {reference,17} {ratio,16} {row.EngineGflops / peak,12:P0}"));
        }
    }

    private static void WriteJson(Options options, OpenBlasGemm? openBlas, double peak, List<Row> rows)
    {
        using var stream = Console.OpenStandardOutput();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("dtype", options.Double ? "f64" : "f32");
            json.WriteNumber("threads", options.Threads);
            json.WriteString("kernels", Gemm.BestIsa.ToString());
            if (openBlas is null) json.WriteNull("openblas");
            else
            {
                json.WriteString("openblas", openBlas.Library);
                json.WriteString("openblas_thread_timeout", openBlas.ThreadTimeout);
            }
            json.WriteNumber("peak_gflops", Math.Round(peak, 2));
            json.WriteStartArray("results");
            foreach (var row in rows)
            {
                json.WriteStartObject();
                json.WriteNumber("m", row.M);
                json.WriteNumber("k", row.K);
                json.WriteNumber("n", row.N);
                json.WriteNumber("engine_gflops", Math.Round(row.EngineGflops, 2));
                if (row.OpenBlasGflops is double o)
                {
                    json.WriteNumber("openblas_gflops", Math.Round(o, 2));
                    json.WriteNumber("ratio", Math.Round(row.EngineGflops / o, 3));
                }
                else
                {
                    json.WriteNull("openblas_gflops");
                    json.WriteNull("ratio");
                }
                json.WriteNumber("fraction_of_peak", Math.Round(row.EngineGflops / peak, 3));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
    }
}
