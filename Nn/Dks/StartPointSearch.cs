// The start-point schedule of google-deepmind/dks dks/base/activation_transform.py
// ::_solve_for_activation_params: first the Cartesian product of fixed guesses for the unknowns in
// play (input_scale ∈ (1, 0.1), input_shift ∈ (0, 1, -1), output_shift ∈ (0, 1, -1),
// negative_slope ∈ (0, 0.5), in that order), then seeded uniform random starts up to 50 tries. The
// first converged solution the caller does not reject wins, so which of several equivalent roots
// comes out is fixed by this order.
using Engine.Tensors;

namespace Engine.Nn.Dks;

/// <summary>One unknown of the search: its fixed guesses and the range of its random starts.</summary>
public sealed record SearchVariable(double[] Guesses, double RandomLow, double RandomHigh)
{
    public static readonly SearchVariable InputScale = new([1.0, 0.1], 0, 2);
    public static readonly SearchVariable InputShift = new([0.0, 1.0, -1.0], -3, 3);
    public static readonly SearchVariable OutputShift = new([0.0, 1.0, -1.0], -3, 3);
    public static readonly SearchVariable NegativeSlope = new([0.0, 0.5], 0, 1);
}

public static class StartPointSearch
{
    public const int MaxTries = 50;
    public const ulong RandomSeed = 123;

    /// <summary>The first root of residual, over the start schedule, that accept approves; null if none.</summary>
    public static double[]? Solve(IReadOnlyList<SearchVariable> variables, Func<double[], double[]> residual, Func<double[], bool> accept)
    {
        int tries = 0;
        foreach (var start in Product(variables))
        {
            if (tries++ >= MaxTries) return null;
            if (RootFinder.Solve(residual, start) is { } root && accept(root)) return root;
        }
        var rng = new Generator(RandomSeed);
        while (tries++ < MaxTries)
        {
            var start = new double[variables.Count];
            var unit = rng.Uniform([variables.Count], dtype: DType.Float64).ToArray<double>();
            for (int i = 0; i < start.Length; i++)
                start[i] = variables[i].RandomLow + unit[i] * (variables[i].RandomHigh - variables[i].RandomLow);
            if (RootFinder.Solve(residual, start) is { } root && accept(root)) return root;
        }
        return null;
    }

    private static IEnumerable<double[]> Product(IReadOnlyList<SearchVariable> variables)
    {
        var index = new int[variables.Count];
        while (true)
        {
            var point = new double[variables.Count];
            for (int i = 0; i < point.Length; i++) point[i] = variables[i].Guesses[index[i]];
            yield return point;
            int axis = variables.Count - 1;
            while (axis >= 0 && ++index[axis] == variables[axis].Guesses.Length)
            {
                index[axis] = 0;
                axis--;
            }
            if (axis < 0) yield break;
        }
    }
}
