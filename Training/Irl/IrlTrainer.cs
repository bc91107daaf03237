// `engine train` on prompt/response (JSONL) data: the LM training loop (AdamW, warm-up + cosine learning
// rate, global-norm clipping, atomic checkpoints, resume) with one of the IRL objectives in place of
// next-byte prediction. Every 20th pair is held out (when there are at least 20) and its per-token
// response NLL is the validation loss. The run folder has the same files as a text run.
using System.Globalization;
using Engine.Models.Lm;
using Engine.Nn.Checkpoints;
using Engine.Optim;
using Engine.Tensors;
using Engine.Training.Data;
using Engine.Training.Lm;
using Engine.Training.Reporting;

namespace Engine.Training.Irl;

public sealed record IrlRunResult(long FinalStep, IReadOnlyList<double> TrainLosses, double? ValidationLoss, LanguageModel Model,
    IReadOnlyList<PromptResponse> Validation);

public static class IrlTrainer
{
    private const ulong SamplerSalt = 0x5A3D_0F1E_77C2_9B41UL;

    public static IrlObjective ObjectiveOf(LmRunConfig config) => new IrlObjective(IrlObjective.Parse(config.Objective),
        config.Lambda, config.Gamma, config.EntropyBeta, config.MixIn, config.ResponseLimit).Validated();

    /// <summary>Splits pairs into train and held-out: every 20th pair is held out when there are 20 or more.</summary>
    public static (IReadOnlyList<PromptResponse> Train, IReadOnlyList<PromptResponse> Validation) Split(IReadOnlyList<PromptResponse> pairs)
    {
        if (pairs.Count < 20) return (pairs, []);
        return ([.. pairs.Where((_, i) => i % 20 != 19)], [.. pairs.Where((_, i) => i % 20 == 19)]);
    }

    public static IrlRunResult Run(LmRunConfig config, string runDir, Progress progress, LmCheckpoint? checkpoint = null,
        string? checkpointSource = null, long? stopAtStep = null)
    {
        config = config.Validated("train");
        var objective = ObjectiveOf(config);
        Directory.CreateDirectory(runDir);
        AtomicFile.Write(Path.Combine(runDir, "config.json"), s => s.Write(System.Text.Encoding.UTF8.GetBytes(config.ToJson())));
        var (train, validation) = Split(PromptResponseFile.Read(config.Data!));
        int longest = train.Max(p => p.Prompt.Length + p.Response.Length);
        if (longest > config.SequenceLength)
            throw new EngineException($"{config.Data}: a prompt plus response has {longest} tokens, more than --seq {config.SequenceLength}");
        var batcher = new PromptResponseBatcher(train, config.BatchSize, config.Seed);
        var model = ModelCatalog.Create(config.Model, config.Seed);
        var optimizer = new AdamW(LmTrainer.ParameterGroups(model, config));
        long step = TrainingLoop.Resume(checkpoint, checkpointSource, model, optimizer, batcher.Restore, progress);
        progress.Line(string.Create(CultureInfo.InvariantCulture,
            $"model {config.Model}: {model.ParameterCount:N0} parameters; {config.Data}: {train.Count} train / {validation.Count} held-out pairs; objective {config.Objective}"));

        var task = new TrainingTask(
            Loss: n =>
            {
                var pairs = batcher.NextPairs();
                var loss = IrlTraining.Loss(model, pairs, objective, ByteTokenizer.Pad, ByteTokenizer.Eos, n, config.Seed ^ SamplerSalt);
                return (loss, pairs.Sum(p => (long)p.Prompt.Length + p.Response.Length));
            },
            Validate: validation.Count > 0 ? () => IrlTraining.HeldOutNll(model, validation, ByteTokenizer.Pad) : null,
            DescribeValidation: v => string.Create(CultureInfo.InvariantCulture, $"held-out response NLL {v:F4} nats/token"),
            DataState: () => batcher.State,
            PlotTitle: $"{config.Model}, {config.Objective} on {Path.GetFileName(config.Data)}");
        var result = TrainingLoop.Run(config, runDir, progress, model, optimizer, step, stopAtStep, task);
        return new IrlRunResult(result.FinalStep, result.TrainLosses, result.ValidationLoss, model, validation);
    }
}
