// `engine reproduce griffin`: the Griffin paper's small-scale claims, measured on Griffin, Hawk and the
// MQA transformer at equal parameter count (De et al., 2024, arXiv 2402.19427):
//   selective-copying  §6.2: all three learn it; Hawk more slowly (learning curves)
//   induction-heads    §6.2: trained at T, tested at 2T..8T; the recurrent models extrapolate, MQA does not
//   extrapolation      §6.1: byte LM trained at T, validation loss at T, 2T, 4T
//   step-time          §4.3: training step time against sequence length at fixed tokens per batch
// The quick default takes a few minutes on 2 cores; --smoke shrinks everything to seconds (for tests).
// Outputs in --out: results.json, results.md (the tables) and one SVG per part.
using Engine.Tensors;
using Engine.Training.Cli;
using Engine.Training.Data;

namespace Engine.Training.Experiments.Griffin;

/// <summary>Every size and step count of one reproduction run.</summary>
public sealed record ReproductionScale(
    FamilySize TaskSize, int TaskTrainLength, int TaskSteps, int TaskBatch, int TaskEvalEvery, int TaskEvalSequences,
    int CopySymbols, int CopyData, int InductionSymbols, int[] InductionLengthMultiples,
    FamilySize LmSize, ExtrapolationSettings Lm, StepTimeSettings StepTime)
{
    /// <summary>A few minutes on 2 free cores. Task models are §6.2's (width 64; Griffin's only attention
    /// block is the third, its local window half the training length) with 3 blocks instead of 5 and a
    /// shorter training length (64 instead of 256 or 1024), to fit the time.</summary>
    public static ReproductionScale Quick(ulong seed) => new(
        TaskSize: new FamilySize(Blocks: 3, Width: 64, Heads: 2, LruWidth: 64, VocabSize: 0, GriffinWindow: 32),
        TaskTrainLength: 64, TaskSteps: 200, TaskBatch: 16, TaskEvalEvery: 25, TaskEvalSequences: 128,
        CopySymbols: 8, CopyData: 8, InductionSymbols: 8, InductionLengthMultiples: [1, 2, 4, 8],
        LmSize: new FamilySize(Blocks: 3, Width: 64, Heads: 2, LruWidth: 64, VocabSize: 259, GriffinWindow: 32),
        Lm: new ExtrapolationSettings(Steps: 200, Batch: 8, TrainLength: 64, LearningRate: 3e-3, EvalBatches: 32, EvalLengths: [64, 128, 256], Seed: seed),
        StepTime: new StepTimeSettings(new FamilySize(3, 96, 4, 128, 259, 64), TokensPerBatch: 2048, Lengths: [128, 256, 512, 1024, 2048], Steps: 3, Warmup: 1));

    /// <summary>Seconds: the same code paths on tiny models, for the tests.</summary>
    public static ReproductionScale Smoke(ulong seed) => new(
        TaskSize: new FamilySize(Blocks: 3, Width: 16, Heads: 2, LruWidth: 16, VocabSize: 0, GriffinWindow: 8),
        TaskTrainLength: 16, TaskSteps: 4, TaskBatch: 4, TaskEvalEvery: 2, TaskEvalSequences: 8,
        CopySymbols: 4, CopyData: 3, InductionSymbols: 4, InductionLengthMultiples: [1, 2],
        LmSize: new FamilySize(Blocks: 3, Width: 16, Heads: 2, LruWidth: 16, VocabSize: 259, GriffinWindow: 8),
        Lm: new ExtrapolationSettings(Steps: 3, Batch: 2, TrainLength: 16, LearningRate: 3e-3, EvalBatches: 1, EvalLengths: [16, 32], Seed: seed),
        StepTime: new StepTimeSettings(new FamilySize(3, 16, 2, 16, 259, 8), TokensPerBatch: 32, Lengths: [8, 16], Steps: 1, Warmup: 0));
}

public static class GriffinReproduction
{
    public const string Summary = "Griffin §4.3, §6: selective copying, induction heads, length extrapolation, step time vs length";

    public static IReadOnlyList<string> Parts { get; } = ["selective-copying", "induction-heads", "extrapolation", "step-time"];

    private const double TaskLearningRate = 5e-3;

    private const string Help = """
        usage: engine reproduce griffin [options]

        Griffin, Hawk and the MQA transformer at equal parameter count on the paper's small-scale claims
        (docs/papers/griffin.md). The quick default takes a few minutes on 2 cores.

        options:
          --parts LIST   comma-separated, any of selective-copying, induction-heads, extrapolation, step-time (default: all)
          --out DIR      where results.json, results.md and the SVG plots go (default runs/reproduce-griffin)
          --seed N       seed of the models, the task data and the batch order (default 1)
          --steps N      training steps per model on each synthetic task (default 200)
          --lm-steps N   training steps per model for length extrapolation (default 200)
          --threads N    worker threads of the tensor kernels (default: all cores; 1 is faster on a busy machine)
          --device NAME  cpu, cuda or ilgpu-cpu: where the models, batches and optimizer state live (default cpu)
          --smoke        tiny models and a handful of steps: checks the pipeline in seconds
        """;

    public static int Run(string[] args)
    {
        var a = new Arguments("reproduce griffin", args, new HashSet<string> { "help", "smoke" });
        if (a.Has("help"))
        {
            Console.WriteLine(Help);
            return 0;
        }
        var parts = (a.String("parts") ?? string.Join(",", Parts)).Split(',', StringSplitOptions.TrimEntries);
        foreach (var part in parts)
            if (!Parts.Contains(part))
                throw new UsageException($"reproduce griffin: unknown part '{part}' (known: {string.Join(", ", Parts)})");
        string outDir = a.String("out") ?? Path.Combine("runs", "reproduce-griffin");
        ulong seed = (ulong)a.Int("seed", 1, 0, int.MaxValue);
        var scale = a.Has("smoke") ? ReproductionScale.Smoke(seed) : ReproductionScale.Quick(seed);
        scale = scale with
        {
            TaskSteps = a.Int("steps", scale.TaskSteps, 1, 1_000_000),
            Lm = scale.Lm with { Steps = a.Int("lm-steps", scale.Lm.Steps, 1, 1_000_000) },
        };
        int threads = a.Int("threads", Environment.ProcessorCount, 1, 1024);
        string deviceName = a.DeviceName();
        a.RejectUnknown();
        var device = Device.Parse(deviceName);
        scale = scale with { Lm = scale.Lm with { Device = device }, StepTime = scale.StepTime with { Device = device } };
        int savedThreads = Parallelism.MaxThreads;
        Parallelism.MaxThreads = threads;
        try
        {
            return Run(parts, outDir, seed, scale, device);
        }
        finally
        {
            Parallelism.MaxThreads = savedThreads;
        }
    }

    private static int Run(string[] parts, string outDir, ulong seed, ReproductionScale scale, Device device)
    {
        try
        {
            Directory.CreateDirectory(outDir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"reproduce griffin: cannot create the output folder '{outDir}': {ex.Message}");
        }

        var report = new GriffinReport(outDir);
        void Log(string line) => Console.WriteLine(line);
        if (device != Device.Cpu) Log($"models and batches on {device}");
        if (parts.Contains("selective-copying"))
            report.SelectiveCopying = RunTask(new SelectiveCopying(scale.CopySymbols, scale.CopyData), scale, [1], seed, device, Log);
        if (parts.Contains("induction-heads"))
            report.InductionHeads = RunTask(new InductionHeads(scale.InductionSymbols), scale, scale.InductionLengthMultiples, seed, device, Log);
        if (parts.Contains("extrapolation"))
            report.Extrapolation = RunExtrapolation(scale, outDir, Log);
        if (parts.Contains("step-time"))
        {
            Log("step time against sequence length (fixed tokens per batch)");
            report.StepTime = StepTimeSweep.Run(scale.StepTime, Log);
        }
        report.Write();
        Log($"wrote {Path.Combine(outDir, GriffinReport.TablesFile)}, {Path.Combine(outDir, GriffinReport.JsonFile)} and the SVG plots");
        return 0;
    }

    private static List<TaskResult> RunTask(SyntheticTask task, ReproductionScale scale, int[] lengthMultiples, ulong seed, Device device, Action<string> log)
    {
        log($"{task.Name}: train at length {scale.TaskTrainLength} for {scale.TaskSteps} steps of batch {scale.TaskBatch}");
        var settings = new TaskSettings(scale.TaskSteps, scale.TaskBatch, scale.TaskTrainLength, TaskLearningRate, scale.TaskEvalEvery,
            scale.TaskEvalSequences, [.. lengthMultiples.Select(m => m * scale.TaskTrainLength)], seed, device);
        var size = scale.TaskSize with { VocabSize = task.VocabSize };
        return [.. FamilyConfigs.All.Select(f => TaskTrainer.Train(task, f, FamilyConfigs.Config(f, size), settings, log))];
    }

    private static List<ExtrapolationResult> RunExtrapolation(ReproductionScale scale, string outDir, Action<string> log)
    {
        log($"length extrapolation: byte LM on the default corpus, train at {scale.Lm.TrainLength} for {scale.Lm.Steps} steps, evaluate at {string.Join(", ", scale.Lm.EvalLengths)}");
        using var corpus = TextCorpus.Open(DefaultCorpus.Extract(Path.Combine(outDir, "corpus")));
        return [.. FamilyConfigs.All.Select(f => LengthExtrapolation.Run(f, FamilyConfigs.Config(f, scale.LmSize), corpus, scale.Lm, log))];
    }
}
