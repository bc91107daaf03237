// GeLU x·Φ(x) (Hendrycks & Gimpel 2016) and its backward grad·GeLU'(x) as one elementwise kernel each,
// one thread per element, with the formulas of GeluScalar (Tensors/Backends/ReferenceBackend.Fused.cs):
//   exact: Φ(x) = ½(1 + erf(x/√2)), GeLU'(x) = Φ(x) + x·φ(x), φ(x) = exp(−x²/2)/√(2π);
//   tanh:  t = tanh(√(2/π)(x + 0.044715x³)), y = ½x(1 + t),
//          GeLU'(x) = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²).
// The arithmetic is in the element type, with exp, tanh and erf taken from the dtype's INum (so float32
// erf is the double-precision series of GpuMath, as the device's erf op is). The composite it replaces
// made about 9 full-size temporaries forward and 15 backward.
using ILGPU;

namespace Engine.Tensors.Gpu.Kernels;

/// <summary>GeLU's constants as launch arguments (static fields are not visible inside a kernel).</summary>
public struct GeluParams
{
    public double TanhScale, TanhCubic, InverseSqrt2, InverseSqrt2Pi;
    public int Tanh;

    public static GeluParams Of(bool tanhApproximation) => new()
    {
        TanhScale = GeluScalar.TanhScale, TanhCubic = GeluScalar.TanhCubic,
        InverseSqrt2 = GeluScalar.InverseSqrt2, InverseSqrt2Pi = GeluScalar.InverseSqrt2Pi,
        Tanh = tanhApproximation ? 1 : 0,
    };
}

public static class GeluKernels
{
    private const int Exp = 3, Tanh = 6, Erf = 8;

    /// <summary>y[i] = x·Φ(x) at x[xs.At(i)]; y is dense.</summary>
    public static void Forward<T, M>(Index1D i, ArrayView<T> x, ArrayView<T> y, Strided xs, GeluParams p)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        T v = x[xs.At(i)];
        T half = m.FromDouble(0.5);
        if (p.Tanh != 0)
        {
            T t = m.Unary(Tanh, TanhArgument<T, M>(v, p));
            y[i] = m.Mul(m.Mul(v, half), m.Add(t, m.FromDouble(1)));
        }
        else
        {
            T cdf = m.Mul(m.Add(m.Unary(Erf, m.Mul(v, m.FromDouble(p.InverseSqrt2))), m.FromDouble(1)), half);
            y[i] = m.Mul(v, cdf);
        }
    }

    /// <summary>dx[i] = grad·GeLU'(x) at x[xs.At(i)], grad[gs.At(i)]; dx is dense.</summary>
    public static void Backward<T, M>(Index1D i, ArrayView<T> x, ArrayView<T> grad, ArrayView<T> dx, Strided xs, Strided gs, GeluParams p)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        T v = x[xs.At(i)];
        T one = m.FromDouble(1), half = m.FromDouble(0.5);
        T slope;
        if (p.Tanh != 0)
        {
            T t = m.Unary(Tanh, TanhArgument<T, M>(v, p));
            T cubicSlope = m.Mul(m.Add(m.Mul(m.Mul(v, v), m.FromDouble(3 * p.TanhCubic)), one), m.FromDouble(p.TanhScale));
            T oneMinusTSquared = m.Binary(1, one, m.Mul(t, t));
            slope = m.Add(m.Mul(m.Add(one, t), half), m.Mul(m.Mul(m.Mul(v, oneMinusTSquared), cubicSlope), half));
        }
        else
        {
            T cdf = m.Mul(m.Add(m.Unary(Erf, m.Mul(v, m.FromDouble(p.InverseSqrt2))), one), half);
            T density = m.Mul(m.Unary(Exp, m.Mul(m.Mul(v, v), m.FromDouble(-0.5))), m.FromDouble(p.InverseSqrt2Pi));
            slope = m.Add(cdf, m.Mul(v, density));
        }
        dx[i] = m.Mul(grad[gs.At(i)], slope);
    }

    /// <summary>√(2/π)(x + 0.044715x³).</summary>
    private static T TanhArgument<T, M>(T v, GeluParams p) where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        T cube = m.Mul(m.Mul(v, v), v);
        return m.Mul(m.Add(v, m.Mul(cube, m.FromDouble(p.TanhCubic))), m.FromDouble(p.TanhScale));
    }
}
