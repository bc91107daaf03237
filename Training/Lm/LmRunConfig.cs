// The settings of one language-model training run. Saved as config.json in the run folder and inside
// every checkpoint, so `--resume`, `sample` and `eval` rebuild exactly the same model and data stream.
using System.Text.Json;
using System.Text.Json.Serialization;
using Engine.Tensors;
using Engine.Training.Data;

namespace Engine.Training.Lm;

public sealed record LmRunConfig
{
    /// <summary>A model preset name (see ModelCatalog).</summary>
    public string Model { get; init; } = ModelCatalog.DefaultPreset;

    /// <summary>A UTF-8 file or folder; null trains on the embedded default corpus.</summary>
    public string? Data { get; init; }

    /// <summary>Text that separates documents inside a file (e.g. "\n%\n" for fortune files); null: one document per file.</summary>
    public string? DocumentSeparator { get; init; }

    public int BatchSize { get; init; } = 8;
    public int SequenceLength { get; init; } = 64;

    /// <summary>Optimizer steps; the run may stop earlier at TimeLimitSeconds.</summary>
    public int Steps { get; init; } = 20_000;

    /// <summary>Wall-clock budget in seconds (0: none). A time-limited run stops after the step that crosses it.</summary>
    public double TimeLimitSeconds { get; init; } = 120;

    public double LearningRate { get; init; } = 3e-3;
    public double MinLearningRate { get; init; } = 3e-4;
    public int WarmupSteps { get; init; } = 50;
    public double WeightDecay { get; init; } = 0.01;
    public double GradClip { get; init; } = 1.0;
    public int EvalEvery { get; init; } = 100;
    public int EvalBatches { get; init; } = 8;
    public int CheckpointEvery { get; init; } = 200;
    public ulong Seed { get; init; } = 1;

    /// <summary>Objective on prompt/response (.jsonl) data: mle, iqlearn or mle-entropy (see Training/Irl).
    /// Text data always trains with mle.</summary>
    public string Objective { get; init; } = "mle";

    /// <summary>IQLearn's χ² weight λ (0 is MLE), its discount γ, and the online mix-in weight α (null: offline).</summary>
    public double Lambda { get; init; } = 0.5;
    public double Gamma { get; init; } = 0.99;
    public double? MixIn { get; init; }

    /// <summary>The token-entropy bonus weight β of mle-entropy.</summary>
    public double EntropyBeta { get; init; } = 0.1;

    /// <summary>The most tokens a model-sampled response may have (online IQLearn and the final samples).</summary>
    public int ResponseLimit { get; init; } = 64;

    /// <summary>True when the data is a JSONL file of {"prompt", "response"} pairs.</summary>
    [JsonIgnore]
    public bool IsPromptResponseData => Data is not null && Data.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static LmRunConfig FromJson(string json, string source)
    {
        try
        {
            return (JsonSerializer.Deserialize<LmRunConfig>(json, Json) ?? throw new EngineException($"{source}: empty run config")).Validated(source);
        }
        catch (JsonException e)
        {
            throw new EngineException($"{source}: invalid run config: {e.Message}");
        }
    }

    /// <summary>Checks every setting and names the first bad one.</summary>
    public LmRunConfig Validated(string source)
    {
        void Require(bool ok, string what)
        {
            if (!ok) throw new EngineException($"{source}: {what}");
        }
        Require(BatchSize >= 1, $"batch size must be at least 1, got {BatchSize}");
        Require(SequenceLength >= 1, $"sequence length must be at least 1, got {SequenceLength}");
        Require(Steps >= 1, $"steps must be at least 1, got {Steps}");
        Require(TimeLimitSeconds >= 0, $"time limit must be non-negative, got {TimeLimitSeconds}");
        Require(LearningRate > 0 && MinLearningRate >= 0 && MinLearningRate <= LearningRate, $"need 0 <= min lr <= lr and lr > 0, got {MinLearningRate} and {LearningRate}");
        Require(WarmupSteps >= 0, $"warm-up steps must be non-negative, got {WarmupSteps}");
        Require(WeightDecay >= 0, $"weight decay must be non-negative, got {WeightDecay}");
        Require(GradClip > 0, $"gradient clip must be positive, got {GradClip}");
        Require(EvalEvery >= 1 && EvalBatches >= 1 && CheckpointEvery >= 1, "eval-every, eval-batches and checkpoint-every must be at least 1");
        Require(DocumentSeparator is null || DocumentSeparator.Length > 0, "the document separator must not be empty");
        Require(Irl.IrlObjective.Names.Contains(Objective), $"unknown objective '{Objective}'; choose one of {string.Join(", ", Irl.IrlObjective.Names)}");
        Require(Objective == "mle" || IsPromptResponseData, $"objective {Objective} needs prompt/response data: a .jsonl file of {{\"prompt\": ..., \"response\": ...}} lines");
        Irl.IrlTrainer.ObjectiveOf(this);
        ModelCatalog.Describe(Model);
        return this;
    }

    /// <summary>Opens the run's corpus: its data path, or dataIfDefault for the embedded default.</summary>
    public TextCorpus OpenCorpus(string dataIfDefault) =>
        TextCorpus.Open(Data ?? dataIfDefault, new CorpusOptions { DocumentSeparator = DocumentSeparator });
}
