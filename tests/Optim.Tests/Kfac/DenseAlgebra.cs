// Plain float64 reference linear algebra for the K-FAC tests, written independently of Optim/Kfac:
// Kronecker products, products, Gaussian elimination with partial pivoting, and random SPD matrices.
using Engine.Tensors;

namespace Engine.Optim.Tests.Kfac;

internal static class DenseAlgebra
{
    /// <summary>The dense matrix of M ↦ A M G for M [dA, dG] in row-major vec order: K[(i,j),(k,l)] = A_ik G_lj.</summary>
    public static double[,] Kronecker(double[,] a, double[,] g)
    {
        int da = a.GetLength(0), dg = g.GetLength(0);
        var k = new double[da * dg, da * dg];
        for (int i = 0; i < da; i++)
            for (int j = 0; j < dg; j++)
                for (int p = 0; p < da; p++)
                    for (int q = 0; q < dg; q++)
                        k[i * dg + j, p * dg + q] = a[i, p] * g[q, j];
        return k;
    }

    public static double[,] FromRowMajor(double[] values, int n)
    {
        var m = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) m[i, j] = values[i * n + j];
        return m;
    }

    public static double[,] Diagonal(double[] values)
    {
        var m = new double[values.Length, values.Length];
        for (int i = 0; i < values.Length; i++) m[i, i] = values[i];
        return m;
    }

    public static double[,] PlusIdentity(double[,] m, double s)
    {
        var r = (double[,])m.Clone();
        for (int i = 0; i < m.GetLength(0); i++) r[i, i] += s;
        return r;
    }

    public static double[] Multiply(double[,] m, double[] v)
    {
        var r = new double[m.GetLength(0)];
        for (int i = 0; i < r.Length; i++)
            for (int j = 0; j < v.Length; j++) r[i] += m[i, j] * v[j];
        return r;
    }

    /// <summary>Solves m x = b by Gaussian elimination with partial pivoting.</summary>
    public static double[] Solve(double[,] m, double[] b)
    {
        int n = b.Length;
        var a = (double[,])m.Clone();
        var x = (double[])b.Clone();
        for (int c = 0; c < n; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < n; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[pivot, c])) pivot = r;
            for (int k = 0; k < n; k++) (a[c, k], a[pivot, k]) = (a[pivot, k], a[c, k]);
            (x[c], x[pivot]) = (x[pivot], x[c]);
            for (int r = c + 1; r < n; r++)
            {
                double f = a[r, c] / a[c, c];
                for (int k = c; k < n; k++) a[r, k] -= f * a[c, k];
                x[r] -= f * x[c];
            }
        }
        for (int r = n - 1; r >= 0; r--)
        {
            double s = x[r];
            for (int k = r + 1; k < n; k++) s -= a[r, k] * x[k];
            x[r] = s / a[r, r];
        }
        return x;
    }

    /// <summary>A random symmetric positive semi-definite n x n matrix X Xᵀ / rank (rank &lt; n makes it singular).</summary>
    public static double[] RandomPsd(int n, int rank, ulong seed)
    {
        var x = new Generator(seed).Normal([n, rank], dtype: DType.Float64).ToArray<double>();
        var m = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < rank; k++) m[i * n + j] += x[i * rank + k] * x[j * rank + k] / rank;
        return m;
    }

    public static double MaxAbsDifference(double[] a, double[] b)
    {
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        return worst;
    }

    public static double MaxAbs(double[] a) => a.Max(Math.Abs);
}
