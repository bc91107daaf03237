// Random inputs for op property tests: shapes, broadcast-compatible shape pairs, values from a domain
// that suits the op, and non-contiguous layouts (permuted and strided views) of the same values.
// Everything is drawn from one seeded Philox stream, so a failing seed replays exactly.
using Engine.Tensors;

namespace Engine.Autograd;

/// <summary>Where an op's random inputs are drawn from, so each op sees values it is defined and smooth on.</summary>
public enum Domain
{
    /// <summary>Uniform in [-2, 2].</summary>
    Real,
    /// <summary>Uniform in [0.5, 2.5]: log, sqrt, pow bases.</summary>
    Positive,
    /// <summary>|x| in [0.3, 2] with a random sign: divisors and abs, away from the kink at 0.</summary>
    AwayFromZero,
}

public sealed class OpSampler(ulong seed, Device? device = null)
{
    /// <summary>Where inputs, indices and masks are placed (layouts kept); the draws do not depend on it,
    /// so one seed gives the same values on every device.</summary>
    public Device Device { get; } = device ?? Device.Cpu;

    private readonly Generator _rng = new(seed);

    /// <summary>A uniform integer in [low, high].</summary>
    public int Int(int low, int high) => low + (int)(_rng.Uniform([1], 0, 1, DType.Float64).Item() * (high - low + 1));

    public bool Coin() => Int(0, 1) == 1;

    public int[] Shape(int minRank = 0, int maxRank = 3, int maxDim = 4)
    {
        var shape = new int[Int(minRank, maxRank)];
        for (int i = 0; i < shape.Length; i++) shape[i] = Int(1, maxDim);
        return shape;
    }

    /// <summary>Two shapes that broadcast: a random shape, and a copy with some axes set to 1 or dropped from the front.</summary>
    public (int[] A, int[] B) BroadcastPair(int maxRank = 3)
    {
        var full = Shape(0, maxRank);
        var other = full.Skip(Int(0, full.Length)).Select(d => Coin() ? 1 : d).ToArray();
        return Coin() ? (full, other) : (other, full);
    }

    /// <summary>A float64 leaf that requires gradients, stored in a random (often non-contiguous) layout.</summary>
    public Tensor Input(int[] shape, Domain domain = Domain.Real) => new(Values(shape, domain).WithStorageOn(Device), requiresGrad: true);

    /// <summary>Values of the domain; half the time a permuted, strided view of a larger array.</summary>
    public NDArray Values(int[] shape, Domain domain = Domain.Real)
    {
        if (shape.Length == 0 || !Coin()) return Draw(shape, domain);
        var order = _rng.Permutation(shape.Length);
        var steps = shape.Select(_ => Int(1, 2)).ToArray();
        var baseShape = order.Select(axis => shape[axis] * steps[axis]).ToArray();
        var view = Draw(baseShape, domain);
        for (int i = 0; i < order.Length; i++) view = view.Slice(i, 0, baseShape[i], steps[order[i]]);
        var inverse = new int[order.Length];
        for (int i = 0; i < order.Length; i++) inverse[order[i]] = i;
        return view.Permute(inverse);
    }

    private NDArray Draw(int[] shape, Domain domain)
    {
        switch (domain)
        {
            case Domain.Positive: return _rng.Uniform(shape, 0.5, 2.5, DType.Float64);
            case Domain.AwayFromZero:
                var magnitude = _rng.Uniform(shape, 0.3, 2, DType.Float64);
                var sign = _rng.Bernoulli(NDArray.Full(shape, 0.5, DType.Float64), DType.Float64) * 2.0 - 1.0;
                return magnitude * sign;
            default: return _rng.Uniform(shape, -2, 2, DType.Float64);
        }
    }

    /// <summary>int64 indices in [0, high) of the given shape.</summary>
    public Tensor Index(int[] shape, int high)
    {
        var u = _rng.Uniform(shape, 0, high, DType.Float64).ToDoubleArray();
        return new Tensor(NDArray.FromArray(u.Select(v => Math.Min((long)v, high - 1)).ToArray(), shape).To(Device));
    }

    /// <summary>A 0/1 float64 mask (a constant) of the given shape.</summary>
    public Tensor Mask(int[] shape) => new(_rng.Bernoulli(NDArray.Full(shape, 0.5, DType.Float64), DType.Float64).To(Device));

    /// <summary>A random non-empty subset of [0, rank).</summary>
    public int[] Axes(int rank)
    {
        var axes = Enumerable.Range(0, rank).Where(_ => Coin()).ToArray();
        return axes.Length > 0 || rank == 0 ? axes : [Int(0, rank - 1)];
    }

    public T Pick<T>(params T[] options) => options[Int(0, options.Length - 1)];
}
