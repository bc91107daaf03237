// Portable micro-kernel of the packed GEMM for CPUs without AVX2+FMA (and for ARM64, where Vector<T> is
// 128-bit): a 4 x (2 * Vector<T>.Count) tile with eight Vector<T> accumulators, multiply then add.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Engine.Tensors;

internal static unsafe class MicroKernelsPortable
{
    public const int Rows = 4;

    public static int Cols<T>() where T : unmanaged => 2 * Vector<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute<T>(int kc, T* a, T* b, T* c, nint ldc, bool accumulate) where T : unmanaged
    {
        int width = Vector<T>.Count;
        Vector<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector<T> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Unsafe.ReadUnaligned<Vector<T>>(b);
            var b1 = Unsafe.ReadUnaligned<Vector<T>>(b + width);
            var ai = new Vector<T>(a[0]);
            c00 += ai * b0;
            c01 += ai * b1;
            ai = new Vector<T>(a[1]);
            c10 += ai * b0;
            c11 += ai * b1;
            ai = new Vector<T>(a[2]);
            c20 += ai * b0;
            c21 += ai * b1;
            ai = new Vector<T>(a[3]);
            c30 += ai * b0;
            c31 += ai * b1;
            a += Rows;
            b += 2 * width;
        }
        StoreRow(c, width, c00, c01, accumulate);
        StoreRow(c + ldc, width, c10, c11, accumulate);
        StoreRow(c + 2 * ldc, width, c20, c21, accumulate);
        StoreRow(c + 3 * ldc, width, c30, c31, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<T>(T* c, int width, Vector<T> lo, Vector<T> hi, bool accumulate) where T : unmanaged
    {
        if (accumulate)
        {
            lo = Unsafe.ReadUnaligned<Vector<T>>(c) + lo;
            hi = Unsafe.ReadUnaligned<Vector<T>>(c + width) + hi;
        }
        Unsafe.WriteUnaligned(c, lo);
        Unsafe.WriteUnaligned(c + width, hi);
    }
}
