// A dense double-precision LU factorisation with partial pivoting (Doolittle, row swaps), used for the
// exact linear systems of tabular RL: policy evaluation (I − γ P_π) V = r_π and the occupancy equation
// (I − γ P_πᵀ) d = (1 − γ) ρ0. At most a few hundred unknowns, so O(n³) is fine.
using Engine.Tensors;

namespace Engine.Training.Rl;

public sealed class LuSolver
{
    private readonly double[,] _lu;
    private readonly int[] _pivot;

    public int Size { get; }

    /// <summary>Factorises a square matrix (the argument is not modified).</summary>
    public LuSolver(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        if (n == 0 || matrix.GetLength(1) != n) throw new EngineException($"LuSolver: expected a non-empty square matrix, got [{n}, {matrix.GetLength(1)}]");
        Size = n;
        _lu = (double[,])matrix.Clone();
        _pivot = new int[n];
        double scale = 0;
        foreach (double v in matrix) scale = Math.Max(scale, Math.Abs(v));
        for (int k = 0; k < n; k++)
        {
            int best = k;
            for (int i = k + 1; i < n; i++)
                if (Math.Abs(_lu[i, k]) > Math.Abs(_lu[best, k])) best = i;
            if (!(Math.Abs(_lu[best, k]) > 1e-14 * Math.Max(scale, 1e-300)))
                throw new EngineException($"LuSolver: the {n}x{n} matrix is singular (pivot {k} is {_lu[best, k]})");
            _pivot[k] = best;
            if (best != k)
                for (int j = 0; j < n; j++) (_lu[k, j], _lu[best, j]) = (_lu[best, j], _lu[k, j]);
            double inverse = 1 / _lu[k, k];
            for (int i = k + 1; i < n; i++)
            {
                double factor = _lu[i, k] *= inverse;
                if (factor == 0) continue;
                for (int j = k + 1; j < n; j++) _lu[i, j] -= factor * _lu[k, j];
            }
        }
    }

    /// <summary>Solves A x = b for x.</summary>
    public double[] Solve(ReadOnlySpan<double> rhs)
    {
        if (rhs.Length != Size) throw new EngineException($"LuSolver: right-hand side has {rhs.Length} entries, expected {Size}");
        var x = rhs.ToArray();
        for (int k = 0; k < Size; k++)
            if (_pivot[k] != k) (x[k], x[_pivot[k]]) = (x[_pivot[k]], x[k]);
        for (int i = 1; i < Size; i++)
            for (int j = 0; j < i; j++) x[i] -= _lu[i, j] * x[j];
        for (int i = Size - 1; i >= 0; i--)
        {
            for (int j = i + 1; j < Size; j++) x[i] -= _lu[i, j] * x[j];
            x[i] /= _lu[i, i];
        }
        return x;
    }

    /// <summary>Factorises and solves in one call.</summary>
    public static double[] Solve(double[,] matrix, ReadOnlySpan<double> rhs) => new LuSolver(matrix).Solve(rhs);
}
