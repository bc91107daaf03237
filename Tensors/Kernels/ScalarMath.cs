// Scalar definitions of every elementwise op. The reference backend calls these directly; the CPU
// backend uses them for the ops TensorPrimitives lacks (erf, sign, comparisons).
using System.Numerics;

namespace Engine.Tensors;

public static class ScalarMath
{
    public static T Unary<T>(UnaryOp op, T x) where T : IFloatingPointIeee754<T> => op switch
    {
        UnaryOp.Neg => -x,
        UnaryOp.Abs => T.Abs(x),
        UnaryOp.Sign => Sign(x),
        UnaryOp.Exp => T.Exp(x),
        UnaryOp.Log => T.Log(x),
        UnaryOp.Sqrt => T.Sqrt(x),
        UnaryOp.Tanh => T.Tanh(x),
        UnaryOp.Sigmoid => T.One / (T.One + T.Exp(-x)),
        UnaryOp.Erf => T.CreateChecked(Erf(double.CreateChecked(x))),
        UnaryOp.Sin => T.Sin(x),
        UnaryOp.Cos => T.Cos(x),
        _ => throw new EngineException($"unknown unary op {op}"),
    };

    public static T Binary<T>(BinaryOp op, T a, T b) where T : INumber<T> => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        BinaryOp.Div => a / b,
        BinaryOp.Pow => T.CreateChecked(Math.Pow(double.CreateChecked(a), double.CreateChecked(b))),
        BinaryOp.Max => T.IsNaN(a) || T.IsNaN(b) ? a + b : T.Max(a, b),
        BinaryOp.Min => T.IsNaN(a) || T.IsNaN(b) ? a + b : T.Min(a, b),
        BinaryOp.Eq => Flag<T>(a == b),
        BinaryOp.Ne => Flag<T>(a != b),
        BinaryOp.Lt => Flag<T>(a < b),
        BinaryOp.Le => Flag<T>(a <= b),
        BinaryOp.Gt => Flag<T>(a > b),
        BinaryOp.Ge => Flag<T>(a >= b),
        _ => throw new EngineException($"unknown binary op {op}"),
    };

    public static T Flag<T>(bool value) where T : INumber<T> => value ? T.One : T.Zero;

    /// <summary>sign(x) in {-1, 0, 1}; NaN stays NaN.</summary>
    public static T Sign<T>(T x) where T : IFloatingPointIeee754<T> =>
        T.IsNaN(x) ? x : x > T.Zero ? T.One : x < T.Zero ? -T.One : T.Zero;

    /// <summary>The error function to full double precision. For |x| &lt;= 3 the series
    /// erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)), whose terms are all
    /// positive, so nothing cancels. Beyond 3, erfc from its continued fraction (modified Lentz).</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        if (ax > 6) return Math.Sign(x);
        double result = ax <= 3 ? ErfSeries(ax) : 1 - ErfcContinuedFraction(ax);
        return x < 0 ? -result : result;
    }

    private static double ErfSeries(double x)
    {
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) break;
        }
        return 2 / Math.Sqrt(Math.PI) * Math.Exp(-x2) * sum;
    }

    // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))).
    private static double ErfcContinuedFraction(double x)
    {
        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int n = 1; n < 500; n++)
        {
            double an = n / 2.0;
            d = x + an * d;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = x + an / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
    }
}
