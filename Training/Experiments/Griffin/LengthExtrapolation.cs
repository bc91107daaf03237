// Length extrapolation on language modelling (Griffin §6.1, Fig. 5): train each family on byte windows of
// length T from the default corpus, then measure validation loss on windows of T, 2T, 4T, ... The paper
// finds that Griffin and Hawk keep improving (or hold) beyond the training length while the transformer
// degrades. Every length is evaluated on the same validation text (the first EvalBatches windows of length
// T, cut into windows of length L instead), so only the context the model may use changes. We report the
// mean loss over each whole window (as the paper does) and the mean over the positions at or beyond T
// only, where a model meets context lengths it never trained on.
using System.Diagnostics;
using Engine.Autograd;
using Engine.Models.Griffin;
using Engine.Nn.Functional;
using Engine.Optim;
using Engine.Tensors;
using Engine.Training.Data;
using Engine.Training.Lm;

namespace Engine.Training.Experiments.Griffin;

/// <summary>Device is where the model and its batches live (the CPU when null).</summary>
public sealed record ExtrapolationSettings(int Steps, int Batch, int TrainLength, double LearningRate,
    int EvalBatches, IReadOnlyList<int> EvalLengths, ulong Seed, Device? Device = null);

/// <summary>Loss in nats per byte: over whole windows of each length, and over positions ≥ TrainLength.</summary>
public sealed record ExtrapolationResult(Family Family, long Parameters, double FinalTrainLoss,
    IReadOnlyDictionary<int, double> WindowLoss, IReadOnlyDictionary<int, double> BeyondTrainLoss, double Seconds);

public static class LengthExtrapolation
{
    public static ExtrapolationResult Run(Family family, GriffinConfig config, TextCorpus corpus, ExtrapolationSettings s, Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        var model = new GriffinModel(config, new Generator(s.Seed));
        model.To(s.Device ?? Device.Cpu);
        var decay = model.NamedParameters().Where(p => p.Value.Rank >= 2).ToList();
        var noDecay = model.NamedParameters().Where(p => p.Value.Rank < 2).ToList();
        var optimizer = new AdamW([new ParamGroup(decay, s.LearningRate, 0.01), new ParamGroup(noDecay, s.LearningRate, 0)]);
        var schedule = new WarmupCosineLr(s.LearningRate, Math.Max(1, s.Steps / 10), s.Steps, s.LearningRate / 10);
        var batcher = new TokenBatcher(corpus.Train, s.Batch, s.TrainLength, s.Seed);
        var recent = new Queue<double>();
        for (int step = 1; step <= s.Steps; step++)
        {
            optimizer.SetLearningRate(schedule.LearningRate(step - 1));
            using (BufferScope.Begin())
            {
                var loss = LmObjective.Loss(model, batcher.Next());
                optimizer.ZeroGrad();
                loss.Backward();
                GradClip.ClipGlobalNorm(model.Parameters(), 1.0);
                optimizer.Step();
                recent.Enqueue(loss.Item());
                if (recent.Count > 20) recent.Dequeue();
                optimizer.ZeroGrad();
            }
            if (step % Math.Max(1, s.Steps / 4) == 0 || step == s.Steps)
                log($"  extrapolation, {FamilyConfigs.Name(family)}: step {step}, train loss {recent.Average():F3}");
        }
        var window = new SortedDictionary<int, double>();
        var beyond = new SortedDictionary<int, double>();
        foreach (int length in s.EvalLengths)
        {
            var (whole, late) = Evaluate(model, corpus.Validation, s.Batch, length, s.TrainLength, s.EvalBatches);
            window[length] = whole;
            beyond[length] = late;
        }
        return new ExtrapolationResult(family, model.ParameterCount, recent.Average(), window, beyond, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Mean next-byte loss over the text of the first trainBatches validation batches at the
    /// training length, cut into windows of the given length: over all positions, and over positions ≥
    /// trainLength (NaN when the window is no longer than that).</summary>
    private static (double Whole, double Beyond) Evaluate(GriffinModel model, CorpusSplit split, int batchSize, int length, int trainLength, int trainBatches)
    {
        int maxBatches = Math.Max(1, (int)((long)trainBatches * trainLength / length));
        model.Eval();
        try
        {
            using var noGrad = GradMode.NoGrad();
            var batcher = new TokenBatcher(split, batchSize, length, seed: 0, shuffle: false);
            double wholeSum = 0, beyondSum = 0;
            long wholeCount = 0, beyondCount = 0;
            foreach (var batch in batcher.OnePass().Take(maxBatches))
            {
                using var scope = BufferScope.Begin();
                var device = model.Parameters().First().Device;
                var logits = model.Forward(new Tensor(batch.Inputs.To(device).Contiguous()), new Tensor(batch.Positions.To(device)));
                var losses = Losses.CrossEntropy(logits, new Tensor(LmObjective.ByteTargets(batch.Targets).To(device)), reduction: Reduction.None)
                    .Data.ToDType(DType.Float64).ToArray<double>();
                var targets = LmObjective.ByteTargets(batch.Targets).ToArray<long>();
                for (int i = 0; i < losses.Length; i++)
                {
                    if (targets[i] == Losses.DefaultIgnoreIndex) continue;
                    wholeSum += losses[i];
                    wholeCount++;
                    if (i % length >= trainLength)
                    {
                        beyondSum += losses[i];
                        beyondCount++;
                    }
                }
            }
            return (wholeSum / Math.Max(1, wholeCount), beyondCount == 0 ? double.NaN : beyondSum / beyondCount);
        }
        finally
        {
            model.Train();
        }
    }
}
