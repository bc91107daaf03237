// Bias-corrected exponential moving average of curvature statistics (kfac-jax
// utils/accumulators.py::WeightedMovingAverage): W ← decay·W + 1, value ← (1 − 1/W)·value + (1/W)·new.
// With decay 1 (the burn-in steps) it is the plain running mean; with decay 0 it keeps the latest value.
using Engine.Tensors;

namespace Engine.Optim.Kfac;

public sealed class MovingAverage
{
    private double[]? _value;

    /// <summary>The total weight W of the statistics averaged so far.</summary>
    public double Weight { get; private set; }

    /// <summary>The current average; null before the first update.</summary>
    public double[]? Value => _value;

    public void Update(ReadOnlySpan<double> next, double decay)
    {
        if (!(decay >= 0 && decay <= 1)) throw new EngineException($"K-FAC: moving-average decay must be in [0, 1], got {decay}");
        if (_value is null) _value = new double[next.Length];
        else if (_value.Length != next.Length)
            throw new EngineException($"K-FAC: moving average of {_value.Length} values updated with {next.Length}");
        Weight = decay * Weight + 1;
        double keep = 1 - 1 / Weight, take = 1 / Weight;
        for (int i = 0; i < next.Length; i++) _value[i] = keep * _value[i] + take * next[i];
    }
}
