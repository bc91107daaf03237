// Elementwise kernels: one thread per output element. Inputs are read through their strided layouts
// (broadcast axes have stride 0), so views and broadcasts are never materialised; outputs are dense
// except for Copy and Fill, which write into a strided destination.
using ILGPU;

namespace Engine.Tensors.Gpu.Kernels;

public static class ElementwiseKernels
{
    public static void Unary<T, M>(Index1D i, ArrayView<T> x, ArrayView<T> y, int op, Strided xs)
        where T : unmanaged where M : struct, INum<T> =>
        y[i] = default(M).Unary(op, x[xs.At(i)]);

    public static void Binary<T, M>(Index1D i, ArrayView<T> a, ArrayView<T> b, ArrayView<T> y, int op, Strided sa, Strided sb)
        where T : unmanaged where M : struct, INum<T> =>
        y[i] = default(M).Binary(op, a[sa.At(i)], b[sb.At(i)]);

    public static void Where<T, M>(Index1D i, ArrayView<T> cond, ArrayView<T> a, ArrayView<T> b, ArrayView<T> y, Strided sc, Strided sa, Strided sb)
        where T : unmanaged where M : struct, INum<T> =>
        y[i] = default(M).IsNonZero(cond[sc.At(i)]) ? a[sa.At(i)] : b[sb.At(i)];

    public static void Copy<T>(Index1D i, ArrayView<T> src, ArrayView<T> dst, Strided ss, Strided sd)
        where T : unmanaged =>
        dst[sd.At(i)] = src[ss.At(i)];

    /// <summary>Conversion between dtypes goes through double, as the reference backend's does.</summary>
    public static void Cast<TS, MS, TD, MD>(Index1D i, ArrayView<TS> src, ArrayView<TD> dst, Strided ss)
        where TS : unmanaged where MS : struct, INum<TS> where TD : unmanaged where MD : struct, INum<TD> =>
        dst[i] = default(MD).FromDouble(default(MS).ToDouble(src[ss.At(i)]));

    public static void Fill<T, M>(Index1D i, ArrayView<T> dst, double value, Strided sd)
        where T : unmanaged where M : struct, INum<T> =>
        dst[sd.At(i)] = default(M).FromDouble(value);
}
