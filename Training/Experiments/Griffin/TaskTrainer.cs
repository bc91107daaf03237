// Trains one model on a synthetic recall task (Griffin §6.2) and measures answer accuracy: during training
// at the training length, and at the end at longer lengths too (the induction-heads extrapolation test).
// AdamW with warm-up and cosine decay, global-norm clipping, weight decay on matrices only; every batch and
// every evaluation set comes from a seeded Philox generator, so a run is reproducible.
using System.Diagnostics;
using Engine.Autograd;
using Engine.Models.Griffin;
using Engine.Nn.Functional;
using Engine.Optim;
using Engine.Tensors;

namespace Engine.Training.Experiments.Griffin;

/// <summary>Device is where the model, its batches and the optimizer state live (the CPU when null).</summary>
public sealed record TaskSettings(int Steps, int Batch, int TrainLength, double LearningRate, int EvalEvery,
    int EvalSequences, IReadOnlyList<int> EvalLengths, ulong Seed, Device? Device = null);

public sealed record CurvePoint(int Step, double TrainLoss, double Accuracy);

public sealed record TaskResult(string Task, Family Family, long Parameters, IReadOnlyList<CurvePoint> Curve,
    IReadOnlyDictionary<int, double> AccuracyByLength, double Seconds);

public static class TaskTrainer
{
    // Evaluation batches hold at most this many attention logits per head (rows × T × T), so the global
    // attention of the transformer stays within a few hundred MB at the longest lengths.
    private const long EvalLogitBudget = 1 << 22;

    public static TaskResult Train(SyntheticTask task, Family family, GriffinConfig config, TaskSettings s, Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        var model = new GriffinModel(config, new Generator(s.Seed));
        var device = s.Device ?? Device.Cpu;
        model.To(device);
        var decay = model.NamedParameters().Where(p => p.Value.Rank >= 2).ToList();
        var noDecay = model.NamedParameters().Where(p => p.Value.Rank < 2).ToList();
        var optimizer = new AdamW([new ParamGroup(decay, s.LearningRate, 0.01), new ParamGroup(noDecay, s.LearningRate, 0)]);
        var schedule = new WarmupCosineLr(s.LearningRate, Math.Max(1, s.Steps / 10), s.Steps, s.LearningRate / 10);
        var data = new Generator(s.Seed + 1);
        var trainEval = EvalSet(task, s, s.TrainLength);
        var curve = new List<CurvePoint>();
        double lossSum = 0;
        int lossCount = 0;
        for (int step = 1; step <= s.Steps; step++)
        {
            optimizer.SetLearningRate(schedule.LearningRate(step - 1));
            using (BufferScope.Begin())
            {
                var batch = task.Sample(data, s.Batch, s.TrainLength);
                var logits = model.Forward(new Tensor(batch.Inputs.To(device)), new Tensor(batch.Positions.To(device)));
                var loss = Losses.CrossEntropy(logits, new Tensor(batch.Targets.To(device)));
                optimizer.ZeroGrad();
                loss.Backward();
                GradClip.ClipGlobalNorm(model.Parameters(), 1.0);
                optimizer.Step();
                lossSum += loss.Item();
                lossCount++;
                optimizer.ZeroGrad();
            }
            if (step % s.EvalEvery == 0 || step == s.Steps)
            {
                double accuracy = Accuracy(model, trainEval);
                curve.Add(new CurvePoint(step, lossSum / lossCount, accuracy));
                log($"  {task.Name}, {FamilyConfigs.Name(family)}: step {step}, train loss {lossSum / lossCount:F3}, accuracy {accuracy:P1}");
                lossSum = 0;
                lossCount = 0;
            }
        }
        var byLength = new SortedDictionary<int, double>();
        foreach (int length in s.EvalLengths)
            byLength[length] = length == s.TrainLength ? curve[^1].Accuracy : Accuracy(model, EvalSet(task, s, length));
        return new TaskResult(task.Name, family, model.ParameterCount, curve, byLength, clock.Elapsed.TotalSeconds);
    }

    /// <summary>A fixed evaluation set per length, from its own seed, split into batches that keep the
    /// attention logits within EvalLogitBudget.</summary>
    private static List<TaskBatch> EvalSet(SyntheticTask task, TaskSettings s, int length)
    {
        var rng = new Generator(s.Seed + 1_000_003UL * (ulong)length);
        int rows = (int)Math.Clamp(EvalLogitBudget / ((long)length * length), 1, 64);
        var batches = new List<TaskBatch>();
        for (int done = 0; done < s.EvalSequences; done += rows)
            batches.Add(task.Sample(rng, Math.Min(rows, s.EvalSequences - done), length));
        return batches;
    }

    /// <summary>The fraction of answer positions whose most likely token is the target (batches are moved
    /// to the model's device).</summary>
    public static double Accuracy(GriffinModel model, IEnumerable<TaskBatch> batches)
    {
        bool wasTraining = model.IsTraining;
        model.Eval();
        long correct = 0, total = 0;
        var device = model.Parameters().First().Device;
        try
        {
            using var noGrad = GradMode.NoGrad();
            foreach (var batch in batches)
            {
                using var scope = BufferScope.Begin();
                var logits = model.Forward(new Tensor(batch.Inputs.To(device)), new Tensor(batch.Positions.To(device))).Data.ToArray<float>();
                var targets = batch.Targets.ToArray<long>();
                int vocab = model.VocabSize;
                for (int i = 0; i < targets.Length; i++)
                {
                    if (targets[i] == Losses.DefaultIgnoreIndex) continue;
                    var row = logits.AsSpan(i * vocab, vocab);
                    int best = 0;
                    for (int v = 1; v < vocab; v++) if (row[v] > row[best]) best = v;
                    if (best == targets[i]) correct++;
                    total++;
                }
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        return total == 0 ? double.NaN : (double)correct / total;
    }
}
