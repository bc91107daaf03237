// The maximum-likelihood objective on byte batches: mean next-token cross-entropy, where targets that
// are special tokens (document starts) are ignored, so the loss in nats divided by ln 2 is bits per byte.
using Engine.Autograd;
using Engine.Models.Lm;
using Engine.Nn.Functional;
using Engine.Tensors;
using Engine.Training.Data;

namespace Engine.Training.Lm;

public static class LmObjective
{
    public static Tensor Loss(LanguageModel model, TokenBatch batch)
    {
        var device = model.Parameters().First().Device;
        var logits = model.Forward(new Tensor(batch.Inputs.To(device).Contiguous()), new Tensor(batch.Positions.To(device)));
        return Losses.CrossEntropy(logits, new Tensor(ByteTargets(batch.Targets).To(device)));
    }

    /// <summary>Targets with every special token replaced by the ignore index.</summary>
    public static NDArray ByteTargets(NDArray targets)
    {
        var ids = targets.Contiguous().ToArray<long>();
        for (int i = 0; i < ids.Length; i++)
            if (ids[i] >= 256) ids[i] = Losses.DefaultIgnoreIndex;
        return NDArray.FromArray(ids, targets.ShapeCopy());
    }

    /// <summary>Mean loss (nats per byte) over up to maxBatches batches of a split, in eval mode and without gradients.</summary>
    public static double Evaluate(LanguageModel model, CorpusSplit split, int batchSize, int sequenceLength, int maxBatches)
    {
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            var batcher = new TokenBatcher(split, batchSize, sequenceLength, seed: 0, shuffle: false);
            double total = 0;
            int count = 0;
            foreach (var batch in batcher.OnePass())
            {
                total += Loss(model, batch).Item();
                if (++count == maxBatches) break;
            }
            return count == 0 ? double.NaN : total / count;
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    public static double BitsPerByte(double natsPerByte) => natsPerByte / Math.Log(2);
}
