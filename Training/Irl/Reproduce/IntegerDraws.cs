// Uniform integers from a seeded Philox Generator, drawn in blocks, for generating the experiments' data
// (expert demonstrations, splits) reproducibly on any machine.
using Engine.Tensors;

namespace Engine.Training.Irl.Reproduce;

public sealed class IntegerDraws(ulong seed)
{
    private readonly Generator _generator = new(seed);
    private double[] _block = [];
    private int _next;

    /// <summary>A uniform integer in [0, n).</summary>
    public int Next(int n)
    {
        if (n < 1) throw new EngineException($"draws: n must be at least 1, got {n}");
        if (_next == _block.Length)
        {
            _block = _generator.Uniform([256], dtype: DType.Float64).ToArray<double>();
            _next = 0;
        }
        return Math.Min(n - 1, (int)(_block[_next++] * n));
    }

    /// <summary>A uniformly shuffled copy of items (Fisher–Yates).</summary>
    public T[] Shuffle<T>(IEnumerable<T> items)
    {
        var array = items.ToArray();
        for (int i = array.Length - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (array[i], array[j]) = (array[j], array[i]);
        }
        return array;
    }
}
