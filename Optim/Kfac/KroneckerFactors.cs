// A curvature block C = scale · (A ⊗ G) acting on a parameter matrix M [dA, dG] as scale · A M G, with
// A full or diagonal and G full (Martens & Grosse 2015, sections 3 and 6.3; kfac-jax
// curvature_blocks/kronecker_factored.py). Rows of M index the layer's inputs (plus a homogeneous bias
// row), columns its outputs. Two ways to invert C + λI:
// - π-adjusted factored Tikhonov damping (kfac-jax utils/math.py::pi_adjusted_kronecker_factors):
//   (A + π√λ′ I)⁻¹ M (G + √λ′/π I)⁻¹ / scale with λ′ = λ/scale, π = √(tr(A)/dA ÷ tr(G)/dG);
// - exact damping in the factors' eigenbases: Q_A [(Q_Aᵀ M Q_G) ⊘ (s_A s_Gᵀ + λ′)] Q_Gᵀ / scale, with
//   eigenvalues clipped at 0 (safe_psd_eigh).
using Engine.Tensors;

namespace Engine.Optim.Kfac;

public sealed class KroneckerFactors
{
    private double[]? _inverseA, _inverseG, _eigenvectorsA, _eigenvaluesA, _eigenvectorsG, _eigenvaluesG;
    private double _inverseDamping;
    private bool _exact;

    /// <summary>Row-major dA x dA input factor, or its diagonal when IsDiagonalA.</summary>
    public double[] A { get; }
    public double[] G { get; }
    public int InputDim { get; }
    public int OutputDim { get; }
    public bool IsDiagonalA { get; }
    public double Scale { get; }

    public KroneckerFactors(double[] a, double[] g, int inputDim, int outputDim, bool diagonalA = false, double scale = 1)
    {
        if (a.Length != (diagonalA ? inputDim : inputDim * inputDim) || g.Length != outputDim * outputDim)
            throw new EngineException($"K-FAC: factors of {a.Length} and {g.Length} values do not fit dims {inputDim} and {outputDim}");
        if (!(scale > 0)) throw new EngineException($"K-FAC: block scale must be positive, got {scale}");
        (A, G, InputDim, OutputDim, IsDiagonalA, Scale) = (a, g, inputDim, outputDim, diagonalA, scale);
    }

    /// <summary>Prepares the inverse of C + damping·I; MultiplyInverse uses it until the next call.</summary>
    public void ComputeInverse(double damping, bool exact)
    {
        if (!(damping > 0)) throw new EngineException($"K-FAC: damping must be positive, got {damping}");
        (_inverseDamping, _exact) = (damping / Scale, exact);
        if (exact)
        {
            (_eigenvaluesA, _eigenvectorsA) = IsDiagonalA ? (ClipAtZero((double[])A.Clone()), null) : Eigen(A, InputDim);
            (_eigenvaluesG, _eigenvectorsG) = Eigen(G, OutputDim);
            return;
        }
        double normA = TraceMean(A, InputDim, IsDiagonalA), normG = TraceMean(G, OutputDim, false);
        double root = Math.Sqrt(_inverseDamping);
        double addA, addG;
        if (normA > 0 && normG > 0)
        {
            double pi = Math.Sqrt(normA / normG);
            (addA, addG) = (pi * root, root / pi);
        }
        else (addA, addG) = (root, root);
        _inverseA = IsDiagonalA ? Reciprocal(A, addA) : SpdInverse.Invert(AddToDiagonal(A, InputDim, addA), InputDim);
        _inverseG = SpdInverse.Invert(AddToDiagonal(G, OutputDim, addG), OutputDim);
    }

    /// <summary>(C + λI)⁻¹ M for the λ of the last ComputeInverse; M is [InputDim, OutputDim] float64.</summary>
    public NDArray MultiplyInverse(NDArray m)
    {
        CheckShape(m);
        if (_exact)
        {
            if (_eigenvaluesG is null) throw new EngineException("K-FAC: MultiplyInverse before ComputeInverse");
            var rotated = RightMultiply(LeftMultiply(m, _eigenvectorsA, transpose: true), _eigenvectorsG!, OutputDim, transpose: false);
            var values = rotated.Contiguous().ToArray<double>();
            for (int i = 0; i < InputDim; i++)
                for (int j = 0; j < OutputDim; j++)
                    values[i * OutputDim + j] /= Scale * (_eigenvaluesA![i] * _eigenvaluesG[j] + _inverseDamping);
            var scaled = NDArray.FromArray(values, InputDim, OutputDim);
            return RightMultiply(LeftMultiply(scaled, _eigenvectorsA, transpose: false), _eigenvectorsG!, OutputDim, transpose: true);
        }
        if (_inverseG is null) throw new EngineException("K-FAC: MultiplyInverse before ComputeInverse");
        var left = IsDiagonalA ? ScaleRows(m, _inverseA!) : NDArray.FromArray(_inverseA!, InputDim, InputDim).MatMul(m);
        return RightMultiply(left, _inverseG, OutputDim, transpose: false) * (1 / Scale);
    }

    /// <summary>(C + damping·I) M, with the exact Kronecker product (no π adjustment).</summary>
    public NDArray Multiply(NDArray m, double damping = 0)
    {
        CheckShape(m);
        var left = IsDiagonalA ? ScaleRows(m, A) : NDArray.FromArray(A, InputDim, InputDim).MatMul(m);
        var product = RightMultiply(left, G, OutputDim, transpose: false) * Scale;
        return damping == 0 ? product : product + m * damping;
    }

    private void CheckShape(NDArray m)
    {
        if (m.Rank != 2 || m.Dim(0) != InputDim || m.Dim(1) != OutputDim || m.DType != DType.Float64)
            throw new EngineException($"K-FAC: expected a float64 [{InputDim}, {OutputDim}] matrix, got {m.DType.Name()} {m.ShapeString}");
    }

    private NDArray LeftMultiply(NDArray m, double[]? q, bool transpose)
    {
        if (q is null) return m;
        var matrix = NDArray.FromArray(q, InputDim, InputDim);
        return (transpose ? matrix.MT() : matrix).MatMul(m);
    }

    private static NDArray RightMultiply(NDArray m, double[] q, int n, bool transpose)
    {
        var matrix = NDArray.FromArray(q, n, n);
        return m.MatMul(transpose ? matrix.MT() : matrix);
    }

    private NDArray ScaleRows(NDArray m, double[] rowScales) =>
        m * NDArray.FromArray(rowScales, InputDim, 1);

    private static (double[] Values, double[] Vectors) Eigen(double[] matrix, int n)
    {
        var (values, vectors) = SymmetricEigen.Decompose(matrix, n);
        return (ClipAtZero(values), vectors);
    }

    private static double[] ClipAtZero(double[] values)
    {
        for (int i = 0; i < values.Length; i++) values[i] = Math.Max(values[i], 0);
        return values;
    }

    private static double TraceMean(double[] matrix, int n, bool diagonal)
    {
        double trace = 0;
        for (int i = 0; i < n; i++) trace += diagonal ? matrix[i] : matrix[i * n + i];
        return trace / n;
    }

    private static double[] AddToDiagonal(double[] matrix, int n, double add)
    {
        var result = (double[])matrix.Clone();
        for (int i = 0; i < n; i++) result[i * n + i] += add;
        return result;
    }

    private static double[] Reciprocal(double[] diagonal, double add)
    {
        var result = new double[diagonal.Length];
        for (int i = 0; i < result.Length; i++) result[i] = 1 / (diagonal[i] + add);
        return result;
    }
}
