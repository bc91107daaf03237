// Bisection for the scalar targets (local slope from ζ, local curvature from τ, Leaky ReLU slope from
// η), ported step for step from google-deepmind/dks dks/base/activation_transform.py::_solve_increasing
// so that results agree with the reference to its tolerance: when the upper end is infinite, the
// trial point doubles until it overshoots.
using Engine.Tensors;

namespace Engine.Nn.Dks;

public static class IncreasingSolver
{
    public const double Tolerance = 1e-8;
    public const int MaxEvaluations = 100;

    /// <summary>x in [lower, upper] with |f(x) - target| &lt; 1e-8 for an increasing f, starting at start.
    /// Throws an EngineException naming what when the target lies outside f's range on the interval.</summary>
    public static double Solve(Func<double, double> f, double target, double start, double lower, double upper, string what)
    {
        if (f(lower) > target + Tolerance)
            throw new EngineException($"{what}: the target {target:G6} is below the smallest reachable value {f(lower):G6}");
        if (!double.IsPositiveInfinity(upper) && f(upper) < target - Tolerance)
            throw new EngineException($"{what}: the target {target:G6} is above the largest reachable value {f(upper):G6}");
        double x = start;
        for (int evaluation = 0; evaluation < MaxEvaluations; evaluation++)
        {
            double value = f(x);
            if (Math.Abs(value - target) < Tolerance) return x;
            if (value > target)
            {
                upper = x;
                x = (x + lower) / 2;
            }
            else
            {
                lower = x;
                x = double.IsPositiveInfinity(upper) ? 2 * x : (x + upper) / 2;
            }
        }
        throw new EngineException($"{what}: bisection did not reach the target {target:G6} within {MaxEvaluations} evaluations");
    }
}
