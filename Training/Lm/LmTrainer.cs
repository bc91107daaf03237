// The language-model training loop: AdamW with warm-up + cosine learning rate and global-norm clipping
// on shuffled byte windows; evaluation (loss, bits per byte) every EvalEvery steps; an atomic checkpoint
// every CheckpointEvery steps. A run resumed from a checkpoint continues the identical trajectory: the
// model, the optimizer buffers, the step and the data stream's position are all restored.
using System.Globalization;
using Engine.Models.Lm;
using Engine.Nn.Checkpoints;
using Engine.Optim;
using Engine.Tensors;
using Engine.Training.Data;
using Engine.Training.Reporting;

namespace Engine.Training.Lm;

public sealed record LmRunResult(long FinalStep, IReadOnlyList<double> TrainLosses, double? ValidationLoss, LanguageModel Model);

public sealed class LmTrainer
{
    public const string CheckpointFile = "checkpoint.safetensors";

    public static string CheckpointPath(string runDir) => Path.Combine(runDir, CheckpointFile);

    /// <summary>Trains from scratch, or on from a checkpoint (pass its config, with any deliberate changes).
    /// stopAtStep ends this invocation early (with a checkpoint) without changing the schedule.</summary>
    public static LmRunResult Run(LmRunConfig config, string runDir, Progress progress, LmCheckpoint? checkpoint = null,
        string? checkpointSource = null, long? stopAtStep = null, Device? device = null)
    {
        config = config.Validated("train");
        Directory.CreateDirectory(runDir);
        AtomicFile.Write(Path.Combine(runDir, "config.json"), s => s.Write(System.Text.Encoding.UTF8.GetBytes(config.ToJson())));

        string data = config.Data ?? DefaultCorpus.Extract(Path.Combine(runDir, "corpus"));
        using var corpus = config.OpenCorpus(data);
        var batcher = new TokenBatcher(corpus.Train, config.BatchSize, config.SequenceLength, config.Seed);
        bool canValidate = corpus.Validation.TokenCount > config.SequenceLength;
        var model = ModelCatalog.Create(config.Model, config.Seed);
        var optimizer = new AdamW(ParameterGroups(model, config));
        long step = TrainingLoop.Resume(checkpoint, checkpointSource, model, optimizer, batcher.Restore, progress);
        if (device is { Kind: DeviceKind.Gpu } gpu)
        {
            if (checkpoint is not null)
                throw new EngineException($"train: resuming on {gpu} is not supported yet (the optimizer state is loaded on the cpu); resume with --device cpu");
            model.To(gpu);
        }
        progress.Line(string.Create(CultureInfo.InvariantCulture,
            $"model {config.Model}: {model.ParameterCount:N0} parameters; corpus {data}: {corpus.Train.TokenCount:N0} train / {corpus.Validation.TokenCount:N0} validation tokens"));

        long tokensPerBatch = (long)config.BatchSize * config.SequenceLength;
        var task = new TrainingTask(
            Loss: _ => (LmObjective.Loss(model, batcher.Next()), tokensPerBatch),
            Validate: canValidate
                ? () => LmObjective.Evaluate(model, corpus.Validation, config.BatchSize, config.SequenceLength, config.EvalBatches)
                : null,
            DescribeValidation: v => string.Create(CultureInfo.InvariantCulture, $"validation loss {v:F4} ({LmObjective.BitsPerByte(v):F3} bits/byte)"),
            DataState: () => batcher.State,
            PlotTitle: $"{config.Model} on {(config.Data is null ? "the default corpus" : Path.GetFileName(config.Data.TrimEnd('/')))}");
        var result = TrainingLoop.Run(config, runDir, progress, model, optimizer, step, stopAtStep, task);
        return new LmRunResult(result.FinalStep, result.TrainLosses, result.ValidationLoss, model);
    }

    /// <summary>Matrices get weight decay; vectors (norm scales, biases) do not.</summary>
    internal static IEnumerable<ParamGroup> ParameterGroups(LanguageModel model, LmRunConfig config)
    {
        var decay = model.NamedParameters().Where(p => p.Value.Rank >= 2).ToList();
        var noDecay = model.NamedParameters().Where(p => p.Value.Rank < 2).ToList();
        if (decay.Count > 0) yield return new ParamGroup(decay, config.LearningRate, config.WeightDecay);
        if (noDecay.Count > 0) yield return new ParamGroup(noDecay, config.LearningRate, 0);
    }
}
