// Eigendecomposition of a real symmetric matrix in float64, for K-FAC's exact eigen-based damping
// (kfac-jax utils/math.py::safe_psd_eigh; Martens & Grosse 2015, section 6.3). Two classical stages:
// Householder reflections reduce the matrix to tridiagonal form T = Qᵀ A Q (O(n³)), then the implicit
// QL iteration with Wilkinson-type shifts diagonalises T with Givens rotations that are accumulated into
// Q. Written from the textbook description of the algorithms (Golub & Van Loan, sections 8.3 and 8.5).
using Engine.Tensors;

namespace Engine.Optim.Kfac;

public static class SymmetricEigen
{
    private const int MaxIterationsPerEigenvalue = 60;

    /// <summary>Eigenvalues (ascending) and eigenvectors (column j of the row-major n x n result belongs
    /// to eigenvalue j) of the symmetric row-major matrix a; only its lower triangle is read.</summary>
    public static (double[] Values, double[] Vectors) Decompose(ReadOnlySpan<double> a, int n)
    {
        if (n < 0 || a.Length != n * n)
            throw new EngineException($"symmetric eigensolver: expected {n} x {n} = {n * n} values, got {a.Length}");
        var work = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                work[i * n + j] = work[j * n + i] = a[i * n + j];
        // basis holds Qᵀ: row j is the j-th column of the accumulated orthogonal transform.
        var basis = new double[n * n];
        for (int i = 0; i < n; i++) basis[i * n + i] = 1;
        var diagonal = new double[n];
        var offDiagonal = new double[n];
        Tridiagonalize(work, basis, n, diagonal, offDiagonal);
        DiagonalizeTridiagonal(diagonal, offDiagonal, basis, n);
        return SortAscending(diagonal, basis, n);
    }

    /// <summary>Householder reduction: on return diagonal[i] = T[i,i], offDiagonal[i] = T[i,i+1] and the
    /// rows of basis hold the orthogonal Q with A = Q T Qᵀ.</summary>
    private static void Tridiagonalize(double[] a, double[] basis, int n, double[] diagonal, double[] offDiagonal)
    {
        var v = new double[n];
        var p = new double[n];
        var projection = new double[n];
        for (int k = 0; k + 2 < n; k++)
        {
            // Reflect x = A[k+1.., k] onto a multiple of the first unit vector.
            double norm = 0;
            for (int i = k + 1; i < n; i++) norm += a[i * n + k] * a[i * n + k];
            norm = Math.Sqrt(norm);
            if (norm == 0) continue;
            double x0 = a[(k + 1) * n + k];
            double alpha = x0 >= 0 ? -norm : norm;
            for (int i = k + 1; i < n; i++) v[i] = a[i * n + k];
            v[k + 1] -= alpha;
            double vv = 0;
            for (int i = k + 1; i < n; i++) vv += v[i] * v[i];
            if (vv == 0) continue;
            double beta = 2 / vv;
            // A ← H A H with H = I − β v vᵀ, done as A − v wᵀ − w vᵀ on rows and columns k.. (column k
            // becomes alpha·e1 exactly).
            for (int i = k; i < n; i++)
            {
                double sum = 0;
                for (int j = k + 1; j < n; j++) sum += a[i * n + j] * v[j];
                p[i] = beta * sum;
            }
            double pv = 0;
            for (int i = k + 1; i < n; i++) pv += p[i] * v[i];
            double half = beta * pv / 2;
            for (int i = k + 1; i < n; i++) p[i] -= half * v[i];
            for (int i = k + 1; i < n; i++)
                for (int j = k + 1; j < n; j++)
                    a[i * n + j] -= v[i] * p[j] + p[i] * v[j];
            a[(k + 1) * n + k] = a[k * n + k + 1] = alpha;
            for (int i = k + 2; i < n; i++) a[i * n + k] = a[k * n + i] = 0;
            // Qᵀ ← H Qᵀ: rows k+1.. of basis change by −β v (vᵀ basis).
            Array.Clear(projection);
            for (int i = k + 1; i < n; i++)
                for (int j = 0; j < n; j++) projection[j] += v[i] * basis[i * n + j];
            for (int i = k + 1; i < n; i++)
            {
                double scale = beta * v[i];
                for (int j = 0; j < n; j++) basis[i * n + j] -= scale * projection[j];
            }
        }
        for (int i = 0; i < n; i++) diagonal[i] = a[i * n + i];
        for (int i = 0; i + 1 < n; i++) offDiagonal[i] = a[(i + 1) * n + i];
        if (n > 0) offDiagonal[n - 1] = 0;
    }

    /// <summary>Implicit QL on the tridiagonal (diagonal, offDiagonal); each rotation of rows i, i+1
    /// is applied to the rows of basis, which end as the eigenvectors.</summary>
    private static void DiagonalizeTridiagonal(double[] d, double[] e, double[] basis, int n)
    {
        for (int l = 0; l < n; l++)
        {
            int iterations = 0;
            while (true)
            {
                int m = l;
                for (; m < n - 1; m++)
                {
                    double scale = Math.Abs(d[m]) + Math.Abs(d[m + 1]);
                    if (scale + Math.Abs(e[m]) == scale) break;
                }
                if (m == l) break;
                if (++iterations > MaxIterationsPerEigenvalue)
                    throw new EngineException($"symmetric eigensolver: no convergence after {MaxIterationsPerEigenvalue} QL iterations (matrix {n} x {n}); is it finite?");
                // Shift from the leading 2 x 2 block, then chase the bulge from m up to l.
                double g = (d[l + 1] - d[l]) / (2 * e[l]);
                double r = Hypot(g, 1);
                g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
                double s = 1, c = 1, p = 0;
                bool underflow = false;
                for (int i = m - 1; i >= l; i--)
                {
                    double f = s * e[i], b = c * e[i];
                    r = Hypot(f, g);
                    e[i + 1] = r;
                    if (r == 0)
                    {
                        d[i + 1] -= p;
                        e[m] = 0;
                        underflow = true;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - p;
                    r = (d[i] - g) * s + 2 * c * b;
                    p = s * r;
                    d[i + 1] = g + p;
                    g = c * r - b;
                    Rotate(basis, n, i, c, s);
                }
                if (underflow) continue;
                d[l] -= p;
                e[l] = g;
                e[m] = 0;
            }
        }
    }

    private static void Rotate(double[] basis, int n, int i, double c, double s)
    {
        var upper = basis.AsSpan(i * n, n);
        var lower = basis.AsSpan((i + 1) * n, n);
        for (int k = 0; k < n; k++)
        {
            double f = lower[k];
            lower[k] = s * upper[k] + c * f;
            upper[k] = c * upper[k] - s * f;
        }
    }

    private static double Hypot(double x, double y)
    {
        double ax = Math.Abs(x), ay = Math.Abs(y);
        double big = Math.Max(ax, ay), small = Math.Min(ax, ay);
        if (big == 0) return 0;
        double ratio = small / big;
        return big * Math.Sqrt(1 + ratio * ratio);
    }

    private static (double[] Values, double[] Vectors) SortAscending(double[] values, double[] rows, int n)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(order, (x, y) => values[x].CompareTo(values[y]));
        var sortedValues = new double[n];
        var vectors = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            sortedValues[j] = values[order[j]];
            for (int k = 0; k < n; k++) vectors[k * n + j] = rows[order[j] * n + k];
        }
        return (sortedValues, vectors);
    }
}
