// Reduction primitives (sum, max, min) and the composites built from them (mean, variance, logsumexp,
// softmax, log-softmax). Composites have no backward of their own: autodiff flows through their parts.
using Engine.Tensors;

namespace Engine.Autograd;

public sealed partial class Tensor
{
    /// <summary>Sum over axes (all axes when none are given).</summary>
    [Op("sum")]
    public Tensor Sum(int[]? axes = null, bool keepDim = false)
    {
        int[] sorted = ShapeMath.NormalizeAxes("sum", axes ?? [], Rank);
        var inputShape = Data.ShapeCopy();
        var keptShape = ShapeMath.ReducedShape(inputShape, sorted, keepDim: true);
        return Op.Record("sum", Data.Sum(sorted, keepDim), [this], (g, y) => [g.Reshape(keptShape).Expand(inputShape)]);
    }

    /// <summary>Max over axes. Where several elements tie for the max, they share the gradient equally.</summary>
    [Op("max")]
    public Tensor Max(int[]? axes = null, bool keepDim = false) => Extremum(ReduceOp.Max, "max", axes, keepDim);

    /// <summary>Min over axes. Where several elements tie for the min, they share the gradient equally.</summary>
    [Op("min")]
    public Tensor Min(int[]? axes = null, bool keepDim = false) => Extremum(ReduceOp.Min, "min", axes, keepDim);

    private Tensor Extremum(ReduceOp op, string name, int[]? axes, bool keepDim)
    {
        int[] sorted = ShapeMath.NormalizeAxes(name, axes ?? [], Rank);
        var inputShape = Data.ShapeCopy();
        var keptShape = ShapeMath.ReducedShape(inputShape, sorted, keepDim: true);
        var kept = Data.Reduce(op, sorted, keepDim: true);
        var result = keepDim ? kept : kept.Reshape(ShapeMath.ReducedShape(inputShape, sorted, false));
        return Op.Record(name, result, [this], (g, y) =>
        {
            var hits = Data.Binary(BinaryOp.Eq, kept);
            Tensor share = hits / hits.Sum(sorted, keepDim: true);
            return [g.Reshape(keptShape) * share];
        });
    }

    [Op("mean")]
    public Tensor Mean(int[]? axes = null, bool keepDim = false)
    {
        int[] sorted = ShapeMath.NormalizeAxes("mean", axes ?? [], Rank);
        return Sum(sorted, keepDim) / CountOver(sorted);
    }

    /// <summary>Variance with delta degrees of freedom ddof (0: population, 1: unbiased).</summary>
    [Op("var")]
    public Tensor Var(int[]? axes = null, bool keepDim = false, int ddof = 0)
    {
        int[] sorted = ShapeMath.NormalizeAxes("var", axes ?? [], Rank);
        var centered = this - Mean(sorted, keepDim: true);
        return (centered * centered).Sum(sorted, keepDim) / Math.Max(CountOver(sorted) - ddof, 0);
    }

    /// <summary>log(sum(exp(x))), computed as m + log(sum(exp(x - m))) with m the (constant) max.</summary>
    [Op("logsumexp")]
    public Tensor LogSumExp(int[] axes, bool keepDim = false)
    {
        int[] sorted = ShapeMath.NormalizeAxes("logsumexp", axes, Rank);
        var max = new Tensor(Data.StableMax(sorted));
        var result = (this - max).Exp().Sum(sorted, keepDim: true).Log() + max;
        return keepDim ? result : result.Reshape(ShapeMath.ReducedShape(Data.Shape, sorted, false));
    }

    /// <summary>Stable softmax along one axis, fused in the forward (NDArray.Softmax). Backward:
    /// dx = y * (g - sum(g * y)), written with differentiable ops so gradients of gradients work.</summary>
    [Op("softmax")]
    public Tensor Softmax(int axis)
    {
        int a = ShapeMath.NormalizeAxis("softmax", axis, Rank);
        return Op.Record("softmax", Data.Softmax(a), [this], (g, y) => [y * (g - (g * y).Sum([a], keepDim: true))]);
    }

    /// <summary>x - logsumexp(x) along one axis, fused in the forward (NDArray.LogSoftmax). Backward:
    /// dx = g - exp(y) * sum(g), with exp(y) the softmax.</summary>
    [Op("log_softmax")]
    public Tensor LogSoftmax(int axis)
    {
        int a = ShapeMath.NormalizeAxis("log_softmax", axis, Rank);
        return Op.Record("log_softmax", Data.LogSoftmax(a), [this], (g, y) => [g - y.Exp() * g.Sum([a], keepDim: true)]);
    }

    /// <summary>Index of the max along an axis (int64, no gradient).</summary>
    [Op("argmax")]
    public Tensor ArgMax(int axis, bool keepDim = false) => Op.Constant("argmax", Data.ArgMax(axis, keepDim), [this]);

    /// <summary>Running sum along an axis. Its backward is a reversed running sum: total - cumsum(g) + g.</summary>
    [Op("cumsum")]
    public Tensor CumSum(int axis)
    {
        int a = ShapeMath.NormalizeAxis("cumsum", axis, Rank);
        return Op.Record("cumsum", Data.CumSum(a), [this], (g, y) => [g.Sum([a], keepDim: true) - g.CumSum(a) + g]);
    }

    private int CountOver(int[] axes)
    {
        int n = 1;
        foreach (int a in axes) n *= Data.Shape[a];
        return n;
    }
}
