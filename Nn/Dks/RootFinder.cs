// A small nonlinear-system solver standing in for scipy.optimize.root(method="hybr"), which
// google-deepmind/dks dks/base/activation_transform.py::_solve_for_activation_params uses: Levenberg–
// Marquardt with a central-difference Jacobian. The systems have two or three unknowns and smooth
// residuals, so any robust damped Newton method finds the same roots from the same start points.
namespace Engine.Nn.Dks;

public static class RootFinder
{
    private const int MaxIterations = 100;
    private const double ResidualTolerance = 1e-12;
    private const double AcceptTolerance = 1e-9;
    // A start that falls into a non-zero local minimum would otherwise spend all its iterations there.
    private const int StallLimit = 10;

    /// <summary>A root of residual near start, or null when the iteration stalls, leaves the finite
    /// region, or ends with max |residual| above 1e-9.</summary>
    public static double[]? Solve(Func<double[], double[]> residual, double[] start)
    {
        int n = start.Length;
        var x = (double[])start.Clone();
        var r = residual(x);
        if (!AllFinite(r)) return null;
        double cost = SumOfSquares(r), damping = 1e-3;
        int stalled = 0;
        for (int iteration = 0; iteration < MaxIterations && MaxAbs(r) > ResidualTolerance; iteration++)
        {
            var jacobian = Jacobian(residual, x, r.Length);
            if (jacobian is null) return null;
            bool improved = false;
            while (damping < 1e12)
            {
                var step = DampedStep(jacobian, r, n, damping);
                var candidate = new double[n];
                for (int i = 0; i < n; i++) candidate[i] = x[i] - step[i];
                var candidateResidual = residual(candidate);
                double candidateCost = AllFinite(candidateResidual) ? SumOfSquares(candidateResidual) : double.PositiveInfinity;
                if (candidateCost < cost)
                {
                    stalled = candidateCost > 0.9 * cost ? stalled + 1 : 0;
                    (x, r, cost) = (candidate, candidateResidual, candidateCost);
                    damping = Math.Max(damping / 10, 1e-12);
                    improved = true;
                    break;
                }
                damping *= 10;
            }
            if (!improved || stalled >= StallLimit) break;
        }
        return MaxAbs(r) <= AcceptTolerance ? x : null;
    }

    private static double[][]? Jacobian(Func<double[], double[]> residual, double[] x, int m)
    {
        var jacobian = new double[m][];
        for (int row = 0; row < m; row++) jacobian[row] = new double[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            double h = 1e-6 * Math.Max(1, Math.Abs(x[j]));
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[j] += h;
            minus[j] -= h;
            var rPlus = residual(plus);
            var rMinus = residual(minus);
            if (!AllFinite(rPlus) || !AllFinite(rMinus)) return null;
            for (int row = 0; row < m; row++) jacobian[row][j] = (rPlus[row] - rMinus[row]) / (2 * h);
        }
        return jacobian;
    }

    /// <summary>Solves (JᵀJ + λ diag(JᵀJ) + λ·1e-12 I) step = Jᵀ r by Gaussian elimination with pivoting.</summary>
    private static double[] DampedStep(double[][] jacobian, double[] r, int n, double damping)
    {
        var a = new double[n, n + 1];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int row = 0; row < r.Length; row++) sum += jacobian[row][i] * jacobian[row][j];
                a[i, j] = sum;
            }
            double rhs = 0;
            for (int row = 0; row < r.Length; row++) rhs += jacobian[row][i] * r[row];
            a[i, n] = rhs;
        }
        for (int i = 0; i < n; i++) a[i, i] += damping * (a[i, i] + 1e-12);
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int row = col + 1; row < n; row++)
                if (Math.Abs(a[row, col]) > Math.Abs(a[pivot, col])) pivot = row;
            for (int j = 0; j <= n; j++) (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
            for (int row = col + 1; row < n; row++)
            {
                double factor = a[row, col] / a[col, col];
                for (int j = col; j <= n; j++) a[row, j] -= factor * a[col, j];
            }
        }
        var step = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            double sum = a[i, n];
            for (int j = i + 1; j < n; j++) sum -= a[i, j] * step[j];
            step[i] = sum / a[i, i];
        }
        return step;
    }

    private static bool AllFinite(double[] values)
    {
        foreach (double v in values)
            if (!double.IsFinite(v)) return false;
        return true;
    }

    private static double SumOfSquares(double[] values)
    {
        double sum = 0;
        foreach (double v in values) sum += v * v;
        return sum;
    }

    private static double MaxAbs(double[] values)
    {
        double max = 0;
        foreach (double v in values) max = Math.Max(max, Math.Abs(v));
        return max;
    }
}
