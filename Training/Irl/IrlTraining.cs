// One training loss for a language model on prompt/response demonstrations, whichever objective is chosen:
// masked MLE, MLE + token-entropy bonus, offline IQLearn (NLL + λδ²), or online IQLearn with a mix-in
// weight α of the model's own samples (Wulfmeier et al. 2024 eqs. 14 and 16; specs/irl-rl.md A.3–A.4).
// A null mix-in is offline IQLearn; any mix-in, 0 included, runs the online machinery (sampling, a forward
// pass on the samples, the mixture terms), and at α = 0 that reproduces the offline step bit for bit.
// Online samples come from a Philox stream keyed by the step, so a run is reproducible and resumable
// without storing sampler state.
using Engine.Autograd;
using Engine.Models.Lm;
using Engine.Tensors;

namespace Engine.Training.Irl;

public enum IrlObjectiveKind
{
    Mle,
    IqLearn,
    MleEntropy,
}

public sealed record IrlObjective(IrlObjectiveKind Kind, double Lambda = 0.5, double Gamma = 0.99, double EntropyBeta = 0.1,
    double? MixIn = null, int ResponseLimit = 64, NextValueMode NextValue = NextValueMode.Differentiable,
    LossNormalisation Normalisation = LossNormalisation.PerToken)
{
    public static readonly string[] Names = ["mle", "iqlearn", "mle-entropy"];

    public static IrlObjectiveKind Parse(string name) => name switch
    {
        "mle" => IrlObjectiveKind.Mle,
        "iqlearn" => IrlObjectiveKind.IqLearn,
        "mle-entropy" => IrlObjectiveKind.MleEntropy,
        _ => throw new EngineException($"objective: unknown '{name}'; choose one of {string.Join(", ", Names)}"),
    };

    public static string NameOf(IrlObjectiveKind kind) => Names[(int)kind];

    public IqLearnSettings IqLearnSettings => new IqLearnSettings(Lambda, Gamma, NextValue, Normalisation).Validated();

    public IrlObjective Validated()
    {
        _ = IqLearnSettings;
        if (!(EntropyBeta >= 0) || double.IsInfinity(EntropyBeta)) throw new EngineException($"objective: the entropy weight must be a finite non-negative number, got {EntropyBeta}");
        if (MixIn is { } alpha && !(alpha >= 0 && alpha <= 1)) throw new EngineException($"objective: the mix-in weight must be in [0, 1], got {alpha}");
        if (MixIn is not null && Kind != IrlObjectiveKind.IqLearn) throw new EngineException("objective: a mix-in of model samples applies to iqlearn only");
        if (ResponseLimit < 1) throw new EngineException($"objective: the response limit must be at least 1, got {ResponseLimit}");
        return this;
    }
}

public static class IrlTraining
{
    /// <summary>The device of the model's parameters, where its batches must live.</summary>
    public static Device DeviceOf(LanguageModel model) => model.Parameters().First().Device;

    /// <summary>The transition batch of sequences, on the model's device.</summary>
    public static TransitionBatch Batch(LanguageModel model, IReadOnlyList<PromptResponse> sequences, int padToken) =>
        TransitionBatch.Create(sequences, padToken).To(DeviceOf(model));

    /// <summary>Logits [B, L, V] of a transition batch.</summary>
    public static Tensor Logits(LanguageModel model, TransitionBatch batch) => model.Forward(batch.TokensTensor(), batch.PositionsTensor());

    /// <summary>The objective's loss on a batch of demonstrations. step and samplerSeed key the online samples.</summary>
    public static Tensor Loss(LanguageModel model, IReadOnlyList<PromptResponse> demonstrations, IrlObjective objective,
        int padToken, int eosToken, long step = 0, ulong samplerSeed = 0)
    {
        var batch = Batch(model, demonstrations, padToken);
        var logits = Logits(model, batch);
        switch (objective.Kind)
        {
            case IrlObjectiveKind.Mle:
                return IrlObjectives.Mle(logits, batch, objective.Normalisation);
            case IrlObjectiveKind.MleEntropy:
                return IrlObjectives.MleWithEntropyBonus(logits, batch, objective.EntropyBeta, objective.Normalisation);
        }
        if (objective.MixIn is not { } alpha) return IrlObjectives.IqLearn(logits, batch, objective.IqLearnSettings);
        var rng = new Generator(samplerSeed, (ulong)step << 24);
        var samples = ResponseSampler.Sample(model, [.. demonstrations.Select(d => d.Prompt)], objective.ResponseLimit, eosToken, rng);
        var policy = Batch(model, samples, padToken);
        return IrlObjectives.OnlineIqLearn(logits, batch, Logits(model, policy), policy, objective.IqLearnSettings, alpha);
    }

    /// <summary>Mean negative log-likelihood per response token of held-out demonstrations (no gradients).</summary>
    public static double HeldOutNll(LanguageModel model, IReadOnlyList<PromptResponse> demonstrations, int padToken, int batchSize = 64)
    {
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            double total = 0;
            long tokens = 0;
            for (int start = 0; start < demonstrations.Count; start += batchSize)
            {
                var batch = Batch(model, [.. demonstrations.Skip(start).Take(batchSize)], padToken);
                total += IrlObjectives.Mle(Logits(model, batch), batch).Item() * batch.ActionCount;
                tokens += batch.ActionCount;
            }
            return total / Math.Max(tokens, 1);
        }
        finally
        {
            model.Train(wasTraining);
        }
    }
}
