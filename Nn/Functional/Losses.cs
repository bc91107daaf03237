// Loss functions with PyTorch semantics. Cross-entropy takes logits [..., C] and int64 targets [...];
// targets equal to ignoreIndex contribute nothing and the mean is over the remaining ones. With label
// smoothing e the target distribution is (1 - e) one_hot + e / C (Szegedy et al. 2016), so the loss per
// target is (1 - e) * nll + e * mean_c(-log p_c). KL divergence takes log-probabilities and target
// probabilities, sum target * (log target - input), with 0 log 0 = 0.
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Nn.Functional;

public enum Reduction
{
    None,
    Mean,
    Sum,
    /// <summary>Sum divided by the size of the first axis; KL divergence only.</summary>
    BatchMean,
}

public static class Losses
{
    public const long DefaultIgnoreIndex = -100;

    public static Tensor CrossEntropy(Tensor logits, Tensor targets, long ignoreIndex = DefaultIgnoreIndex,
        double labelSmoothing = 0, Reduction reduction = Reduction.Mean)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new EngineException($"cross_entropy: label smoothing must be in [0, 1], got {labelSmoothing}");
        if (logits.Rank == 0) throw new EngineException($"cross_entropy: logits need a class axis, got shape {logits.ShapeString}");
        return ClassLoss("cross_entropy", logits.LogSoftmax(-1), targets, ignoreIndex, labelSmoothing, reduction);
    }

    /// <summary>Negative log-likelihood of log-probabilities [..., C] at int64 targets [...].</summary>
    public static Tensor Nll(Tensor logProbs, Tensor targets, long ignoreIndex = DefaultIgnoreIndex, Reduction reduction = Reduction.Mean)
    {
        if (logProbs.Rank == 0) throw new EngineException($"nll: log-probabilities need a class axis, got shape {logProbs.ShapeString}");
        return ClassLoss("nll", logProbs, targets, ignoreIndex, 0, reduction);
    }

    public static Tensor Mse(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        if (!input.Shape.SequenceEqual(target.Shape))
            throw new EngineException($"mse: input {input.ShapeString} and target {target.ShapeString} must have the same shape");
        var diff = input - target;
        return Reduce("mse", diff * diff, reduction, input.Size);
    }

    /// <summary>PyTorch kl_div(input, target): input holds log-probabilities, target probabilities.</summary>
    public static Tensor KlDiv(Tensor input, Tensor target, Reduction reduction = Reduction.BatchMean)
    {
        if (!input.Shape.SequenceEqual(target.Shape))
            throw new EngineException($"kl_div: input {input.ShapeString} and target {target.ShapeString} must have the same shape");
        var positive = target.Gt(Tensor.Scalar(0, target.DType));
        var safeTarget = Tensor.Where(positive, target, Tensor.Scalar(1, target.DType));
        var pointwise = Tensor.Where(positive, target * (safeTarget.Log() - input), Tensor.Scalar(0, input.DType));
        if (reduction == Reduction.BatchMean)
        {
            if (input.Rank == 0) throw new EngineException("kl_div: batchmean needs a batch axis, got a scalar");
            return pointwise.Sum() / input.Dim(0);
        }
        return Reduce("kl_div", pointwise, reduction, input.Size);
    }

    private static Tensor ClassLoss(string op, Tensor logProbs, Tensor targets, long ignoreIndex, double labelSmoothing, Reduction reduction)
    {
        int classes = logProbs.Dim(-1);
        var expected = logProbs.Data.ShapeCopy()[..^1];
        if (targets.DType != DType.Int64 || !targets.Shape.SequenceEqual(expected))
            throw new EngineException($"{op}: expected int64 targets of shape {ShapeMath.Format(expected)} for inputs {logProbs.ShapeString}, got {targets.DType.Name()} {targets.ShapeString}");
        var ids = targets.Data.Contiguous().ToArray<long>();
        var safeIds = new long[ids.Length];
        var keep = new double[ids.Length];
        int kept = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            if (ids[i] == ignoreIndex) continue;
            if (ids[i] < 0 || ids[i] >= classes)
                throw new EngineException($"{op}: target {ids[i]} is outside [0, {classes}) and is not the ignore index {ignoreIndex}");
            safeIds[i] = ids[i];
            keep[i] = 1;
            kept++;
        }
        var rows = logProbs.Reshape(ids.Length, classes);
        var picked = rows.Gather(1, new Tensor(NDArray.FromArray(safeIds, ids.Length, 1).To(logProbs.Device))).Reshape(ids.Length);
        var perTarget = -picked;
        if (labelSmoothing > 0) perTarget = (1 - labelSmoothing) * perTarget - labelSmoothing * rows.Mean([1]);
        var mask = new Tensor(NDArray.FromArray(keep, ids.Length).ToDType(logProbs.DType).To(logProbs.Device));
        var masked = perTarget * mask;
        switch (reduction)
        {
            case Reduction.None: return masked.Reshape(expected);
            case Reduction.Sum: return masked.Sum();
            case Reduction.Mean:
                if (kept == 0) throw new EngineException($"{op}: every target is the ignore index {ignoreIndex}, so the mean is undefined");
                return masked.Sum() / kept;
            default: throw new EngineException($"{op}: reduction {reduction} is not supported (use None, Mean or Sum)");
        }
    }

    private static Tensor Reduce(string op, Tensor pointwise, Reduction reduction, int count) => reduction switch
    {
        Reduction.None => pointwise,
        Reduction.Sum => pointwise.Sum(),
        Reduction.Mean => pointwise.Sum() / count,
        _ => throw new EngineException($"{op}: reduction {reduction} is not supported (use None, Mean or Sum)"),
    };
}
