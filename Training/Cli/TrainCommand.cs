// `engine train`: trains a language model on the embedded default corpus or the user's text, writing a
// run folder (config.json, metrics.jsonl, curves.svg, checkpoint.safetensors), then prints samples.
using System.Globalization;
using Engine.Training.Data;
using Engine.Training.Irl;
using Engine.Training.Lm;
using Engine.Training.Reporting;

namespace Engine.Training.Cli;

public static class TrainCommand
{
    private static readonly string Help = $"""
        usage: engine train [options]

        Trains a byte-level language model and prints samples from it. With no options it trains the
        default model on the embedded default corpus (this project's docs and source) for about two minutes.

        options:
          --data PATH            a UTF-8 text file or folder to train on (default: the embedded corpus)
          --separator TEXT       text between documents inside a file, with \n for newline (e.g. "\n%\n" for
                                 fortune files; default: each file is one document)
          --model NAME           model preset: {string.Join(", ", ModelCatalog.Names)} (default {ModelCatalog.DefaultPreset})
          --steps N              optimizer steps; also the length of the cosine schedule (default 20000)
          --time SECONDS         stop after this much training time, 0 for no limit (default 120)
          --batch N              sequences per batch (default 8)
          --seq N                tokens per sequence (default 64)
          --lr X                 peak learning rate (default 0.003)
          --warmup N             linear warm-up steps, at most --steps (default 50)
          --eval-every N         evaluate every N steps (default 100)
          --checkpoint-every N   checkpoint every N steps (default 200)
          --seed N               seed for initialisation and data order (default 1)
          --run DIR              run folder (default runs/<model>, or runs/<model>-2, ... if that holds a run)
          --resume PATH          continue from a checkpoint file or run folder; --steps and --time may change
          --stop-at N            end this invocation after step N (with a checkpoint); resume later
          --overwrite            start a new run in a --run folder that already holds a checkpoint
          --sample-length N      bytes per sample printed at the end (default 240; 0 for none)
          --device NAME          cpu, cuda or ilgpu-cpu (ILGPU's CPU accelerator, for testing; default cpu);
                                 byte-stream data only

        prompt/response data (--data FILE.jsonl: one JSON object per line with "prompt" and "response" strings):
          --objective NAME       mle (response tokens only), iqlearn (IQLearn as TD-regularised MLE) or
                                 mle-entropy (MLE + token-entropy bonus) (default mle)
          --lambda L             iqlearn: weight of the TD (chi-squared) term; 0 is exactly MLE (default 0.5)
          --gamma G              iqlearn: discount in [0, 1] (default 0.99)
          --mix-in A             iqlearn: run online IQLearn with this weight in [0, 1] of the model's own
                                 samples (default: offline)
          --beta B               mle-entropy: weight of the token-entropy bonus (default 0.1)
          --response-limit N     most tokens in a sampled response (default 64)
        """;

    private static readonly string[] FixedWhenResuming =
        ["data", "separator", "model", "batch", "seq", "lr", "warmup", "eval-every", "checkpoint-every", "seed",
         "objective", "lambda", "gamma", "mix-in", "beta", "response-limit"];

    public static int Run(string[] args)
    {
        var a = new Arguments("train", args, new HashSet<string> { "help", "overwrite" });
        if (a.Has("help"))
        {
            Console.WriteLine(Help);
            return 0;
        }
        string? resume = a.String("resume");
        LmCheckpoint? checkpoint = null;
        var config = new LmRunConfig();
        if (resume is not null)
        {
            foreach (var fixedOption in FixedWhenResuming)
                if (a.Has(fixedOption))
                    throw new UsageException($"train: --{fixedOption} cannot change when resuming; the checkpoint's run config is used (only --steps, --time, --run, --stop-at and --sample-length may be given)");
            resume = ResolveCheckpoint(resume);
            checkpoint = LmCheckpoint.Load(resume);
            config = checkpoint.Config;
        }
        else
        {
            string? data = a.String("data");
            if (data is not null && !File.Exists(data) && !Directory.Exists(data))
                throw new UsageException($"train: --data {data}: no such file or folder");
            config = config with
            {
                Data = data is null ? null : Path.GetFullPath(data),
                DocumentSeparator = a.String("separator")?.Replace("\\n", "\n").Replace("\\t", "\t"),
                Model = a.String("model") ?? config.Model,
                BatchSize = a.Int("batch", config.BatchSize, 1, 4096),
                SequenceLength = a.Int("seq", config.SequenceLength, 1, 1 << 20),
                LearningRate = a.Double("lr", config.LearningRate, 1e-12, 10),
                MinLearningRate = Math.Min(config.MinLearningRate, a.Double("lr", config.LearningRate, 1e-12, 10)),
                WarmupSteps = a.Int("warmup", config.WarmupSteps, 0),
                EvalEvery = a.Int("eval-every", config.EvalEvery, 1),
                CheckpointEvery = a.Int("checkpoint-every", config.CheckpointEvery, 1),
                Seed = (ulong)a.Int("seed", (int)config.Seed, 0),
                Objective = a.String("objective") ?? config.Objective,
                Lambda = a.Double("lambda", config.Lambda, 0, 1e6),
                Gamma = a.Double("gamma", config.Gamma, 0, 1),
                MixIn = a.Has("mix-in") ? a.Double("mix-in", 0, 0, 1) : null,
                EntropyBeta = a.Double("beta", config.EntropyBeta, 0, 1e6),
                ResponseLimit = a.Int("response-limit", config.ResponseLimit, 1, 1 << 16),
            };
            if (!IrlObjective.Names.Contains(config.Objective))
                throw new UsageException($"train: --objective must be one of {string.Join(", ", IrlObjective.Names)}, got '{config.Objective}'");
            if (config.Objective != "mle" && !config.IsPromptResponseData)
                throw new UsageException($"train: --objective {config.Objective} needs --data FILE.jsonl with {{\"prompt\": ..., \"response\": ...}} lines");
        }
        config = config with
        {
            Steps = a.Int("steps", config.Steps, 1),
            TimeLimitSeconds = a.Double("time", config.TimeLimitSeconds, 0, 1e7),
        };
        string runDir = a.String("run") ?? (resume is not null ? Path.GetDirectoryName(Path.GetFullPath(resume))! : FreshRunFolder(config.Model));
        int sampleLength = a.Int("sample-length", 240, 0, 100_000);
        int? stopAt = a.Has("stop-at") ? a.Int("stop-at", 0, 1) : null;
        bool overwrite = a.Has("overwrite");
        string deviceName = a.DeviceName();
        a.RejectUnknown();
        if (config.IsPromptResponseData && deviceName != "cpu")
            throw new UsageException($"train: --device {deviceName} is not supported with prompt/response data (--data FILE.jsonl) yet; use --device cpu");
        var device = Engine.Tensors.Device.Parse(deviceName);

        if (checkpoint is not null && (config.Steps <= checkpoint.Step || stopAt <= checkpoint.Step))
            throw new UsageException($"train: the checkpoint is at step {checkpoint.Step}; --steps and --stop-at must be later");
        if (checkpoint is null && File.Exists(LmTrainer.CheckpointPath(runDir)) && !overwrite)
            throw new UsageException($"train: {runDir} already holds a checkpoint; continue it with --resume {runDir}, start again with --overwrite, or choose another --run folder");
        if (config.IsPromptResponseData) return RunPromptResponse(config, runDir, checkpoint, resume, stopAt, sampleLength);
        var result = LmTrainer.Run(config, runDir, Progress.ForConsole(logEvery: 50), checkpoint, resume, stopAt, device);
        result.Model.To(Engine.Tensors.Device.Cpu);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"run folder {runDir}: config.json, metrics.jsonl, curves.svg, {LmTrainer.CheckpointFile}"));
        if (result.ValidationLoss is { } v)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"final validation loss {v:F4} nats/byte = {LmObjective.BitsPerByte(v):F3} bits/byte"));
        if (sampleLength > 0)
            foreach (var (prompt, seed) in new[] { ("The ", 1UL), ("public static ", 2UL) })
            {
                Console.WriteLine($"--- sample (prompt \"{prompt}\", temperature 0.8) ---");
                Console.WriteLine(prompt + TextSampler.Continue(result.Model, prompt, sampleLength, new SamplingOptions(Seed: seed)));
            }
        return 0;
    }

    /// <summary>Trains on JSONL prompt/response pairs and prints a sampled response to a few held-out prompts.</summary>
    private static int RunPromptResponse(LmRunConfig config, string runDir, LmCheckpoint? checkpoint, string? resume, int? stopAt, int sampleLength)
    {
        var result = IrlTrainer.Run(config, runDir, Progress.ForConsole(logEvery: 50), checkpoint, resume, stopAt);
        Console.WriteLine($"run folder {runDir}: config.json, metrics.jsonl, curves.svg, {LmTrainer.CheckpointFile}");
        if (result.ValidationLoss is { } v)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"final held-out response NLL {v:F4} nats/token"));
        if (sampleLength == 0 || result.Validation.Count == 0) return 0;
        var tokenizer = new ByteTokenizer();
        var prompts = result.Validation.Take(3).Select(p => p.Prompt).ToList();
        var samples = ResponseSampler.Sample(result.Model, prompts, Math.Min(sampleLength, config.ResponseLimit), ByteTokenizer.Eos, new Engine.Tensors.Generator(1));
        foreach (var s in samples)
            Console.WriteLine($"--- prompt \"{tokenizer.Decode(s.Prompt)}\" -> \"{tokenizer.Decode(s.Response)}\"{(s.EndsWithEos ? "" : " (truncated)")}");
        return 0;
    }

    /// <summary>runs/MODEL, or runs/MODEL-2, -3, ... : the first that holds no checkpoint yet.</summary>
    private static string FreshRunFolder(string model)
    {
        string folder = Path.Combine("runs", model);
        for (int n = 2; File.Exists(LmTrainer.CheckpointPath(folder)); n++) folder = Path.Combine("runs", $"{model}-{n}");
        return folder;
    }

    /// <summary>A checkpoint file, or a run folder holding one.</summary>
    public static string ResolveCheckpoint(string path)
    {
        string file = Directory.Exists(path) ? LmTrainer.CheckpointPath(path) : path;
        if (!File.Exists(file)) throw new UsageException($"no checkpoint at {file}");
        return file;
    }
}
