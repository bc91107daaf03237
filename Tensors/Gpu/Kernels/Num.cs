// Element arithmetic for the generic kernels: one struct per dtype, called as default(M).Op(...) so ILGPU
// inlines it. Op codes are the IBackend enums' values. ILGPU pitfalls respected here: products are
// written a*b + c (MathF.FusedMultiplyAdd compiles to an unresolved call), and exp/log/tanh are lowered to
// approximate GPU instructions, so tests compare with per-backend tolerances.
namespace Engine.Tensors.Gpu.Kernels;

public interface INum<T> where T : unmanaged
{
    T FromDouble(double v);
    double ToDouble(T v);
    T Zero { get; }
    T Add(T a, T b);
    T Mul(T a, T b);
    T Unary(int op, T x);
    T Binary(int op, T a, T b);
    bool IsNonZero(T x);
    bool IsNaN(T x);
    bool Greater(T a, T b);
    /// <summary>The start value of a reduction: 0 for sum, the lowest value for max, the highest for min.</summary>
    T Identity(int reduceOp);
}

public struct F32 : INum<float>
{
    public readonly float FromDouble(double v) => (float)v;
    public readonly double ToDouble(float v) => v;
    public readonly float Zero => 0f;
    public readonly float Add(float a, float b) => a + b;
    public readonly float Mul(float a, float b) => a * b;
    public readonly bool IsNonZero(float x) => x != 0f;
    public readonly bool IsNaN(float x) => float.IsNaN(x);
    public readonly bool Greater(float a, float b) => a > b;
    public readonly float Identity(int reduceOp) => reduceOp == 0 ? 0f : reduceOp == 1 ? float.NegativeInfinity : float.PositiveInfinity;

    public readonly float Unary(int op, float x) => op switch
    {
        0 => -x,
        1 => x < 0f ? -x : x,
        2 => float.IsNaN(x) ? x : x > 0f ? 1f : x < 0f ? -1f : 0f,
        3 => MathF.Exp(x),
        4 => MathF.Log(x),
        5 => MathF.Sqrt(x),
        6 => MathF.Tanh(x),
        7 => 1f / (1f + MathF.Exp(-x)),
        8 => (float)GpuMath.Erf(x),
        9 => MathF.Sin(x),
        _ => MathF.Cos(x),
    };

    public readonly float Binary(int op, float a, float b) => op switch
    {
        0 => a + b,
        1 => a - b,
        2 => a * b,
        3 => a / b,
        4 => (float)Math.Pow(a, b),
        5 => float.IsNaN(a) || float.IsNaN(b) ? a + b : a > b ? a : b,
        6 => float.IsNaN(a) || float.IsNaN(b) ? a + b : a < b ? a : b,
        7 => a == b ? 1f : 0f,
        8 => a != b ? 1f : 0f,
        9 => a < b ? 1f : 0f,
        10 => a <= b ? 1f : 0f,
        11 => a > b ? 1f : 0f,
        _ => a >= b ? 1f : 0f,
    };
}

public struct F64 : INum<double>
{
    public readonly double FromDouble(double v) => v;
    public readonly double ToDouble(double v) => v;
    public readonly double Zero => 0.0;
    public readonly double Add(double a, double b) => a + b;
    public readonly double Mul(double a, double b) => a * b;
    public readonly bool IsNonZero(double x) => x != 0.0;
    public readonly bool IsNaN(double x) => double.IsNaN(x);
    public readonly bool Greater(double a, double b) => a > b;
    public readonly double Identity(int reduceOp) => reduceOp == 0 ? 0.0 : reduceOp == 1 ? double.NegativeInfinity : double.PositiveInfinity;

    public readonly double Unary(int op, double x) => op switch
    {
        0 => -x,
        1 => x < 0.0 ? -x : x,
        2 => double.IsNaN(x) ? x : x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : 0.0,
        3 => Math.Exp(x),
        4 => Math.Log(x),
        5 => Math.Sqrt(x),
        6 => Math.Tanh(x),
        7 => 1.0 / (1.0 + Math.Exp(-x)),
        8 => GpuMath.Erf(x),
        9 => Math.Sin(x),
        _ => Math.Cos(x),
    };

    public readonly double Binary(int op, double a, double b) => op switch
    {
        0 => a + b,
        1 => a - b,
        2 => a * b,
        3 => a / b,
        4 => Math.Pow(a, b),
        5 => double.IsNaN(a) || double.IsNaN(b) ? a + b : a > b ? a : b,
        6 => double.IsNaN(a) || double.IsNaN(b) ? a + b : a < b ? a : b,
        7 => a == b ? 1.0 : 0.0,
        8 => a != b ? 1.0 : 0.0,
        9 => a < b ? 1.0 : 0.0,
        10 => a <= b ? 1.0 : 0.0,
        11 => a > b ? 1.0 : 0.0,
        _ => a >= b ? 1.0 : 0.0,
    };
}

public struct I64 : INum<long>
{
    public readonly long FromDouble(double v) => (long)v;
    public readonly double ToDouble(long v) => v;
    public readonly long Zero => 0L;
    public readonly long Add(long a, long b) => a + b;
    public readonly long Mul(long a, long b) => a * b;
    public readonly bool IsNonZero(long x) => x != 0L;
    public readonly bool IsNaN(long x) => false;
    public readonly bool Greater(long a, long b) => a > b;
    public readonly long Identity(int reduceOp) => reduceOp == 0 ? 0L : reduceOp == 1 ? long.MinValue : long.MaxValue;

    public readonly long Unary(int op, long x) => op switch
    {
        0 => -x,
        1 => x < 0L ? -x : x,
        _ => x > 0L ? 1L : x < 0L ? -1L : 0L,
    };

    public readonly long Binary(int op, long a, long b) => op switch
    {
        0 => a + b,
        1 => a - b,
        2 => a * b,
        3 => b == 0L ? 0L : a / b,
        5 => a > b ? a : b,
        6 => a < b ? a : b,
        7 => a == b ? 1L : 0L,
        8 => a != b ? 1L : 0L,
        9 => a < b ? 1L : 0L,
        10 => a <= b ? 1L : 0L,
        11 => a > b ? 1L : 0L,
        12 => a >= b ? 1L : 0L,
        _ => (long)Math.Pow(a, b),
    };
}

/// <summary>Math that ILGPU has no intrinsic for.</summary>
public static class GpuMath
{
    /// <summary>erf to double precision, as ScalarMath.Erf: the positive series up to 3, erfc's continued
    /// fraction beyond, ±1 past 6. Loops stay in the kernel; both branches converge in a few dozen steps.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = x < 0 ? -x : x;
        double result;
        if (ax > 6) result = 1.0;
        else if (ax <= 3)
        {
            double x2 = ax * ax, term = ax, sum = ax;
            for (int n = 1; n < 200; n++)
            {
                term *= 2 * x2 / (2 * n + 1);
                sum += term;
                if (term < sum * 1e-17) break;
            }
            result = 2.0 / Math.Sqrt(Math.PI) * Math.Exp(-x2) * sum;
        }
        else
        {
            const double tiny = 1e-300;
            double f = ax, c = ax, d = 0;
            for (int n = 1; n < 500; n++)
            {
                double an = n / 2.0;
                d = ax + an * d;
                d = (d < 0 ? -d : d) < tiny ? tiny : d;
                c = ax + an / c;
                c = (c < 0 ? -c : c) < tiny ? tiny : c;
                d = 1 / d;
                double delta = c * d;
                f *= delta;
                double change = delta - 1;
                if ((change < 0 ? -change : change) < 1e-16) break;
            }
            result = 1 - Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / f;
        }
        return x < 0 ? -result : result;
    }
}
