// Vector512 (AVX-512F) micro-kernels of the packed GEMM (BLIS-style): 6x32 floats and 6x16 doubles. They
// mirror the Vector256 kernels in MicroKernelsAvx2.cs register for register (twelve accumulators, two B
// vectors, one broadcast), leaving half of the 32 zmm registers free; each k step does twelve FMAs.
// They use the portable Vector512 API, which compiles to AVX-512F instructions where the CPU has them and
// is emulated in software (element by element, with the same fused rounding) where it does not, so the
// tests run these kernels on any machine; Auto picks them only on AVX-512 hardware.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Tensors;

internal static unsafe class MicroKernelsAvx512
{
    // Offsets (in elements) of the last element of a tile row, so the prefetch reaches a row's last line.
    private const int FloatRowEnd = 31, DoubleRowEnd = 15;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Float6x32(int kc, float* a, float* b, float* c, nint ldc, bool accumulate)
    {
        PrefetchTile(c, ldc, FloatRowEnd);
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> ai = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            a += 6;
            b += 32;
        }
        StoreRow(c, c00, c01, accumulate);
        StoreRow(c + ldc, c10, c11, accumulate);
        StoreRow(c + 2 * ldc, c20, c21, accumulate);
        StoreRow(c + 3 * ldc, c30, c31, accumulate);
        StoreRow(c + 4 * ldc, c40, c41, accumulate);
        StoreRow(c + 5 * ldc, c50, c51, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Double6x16(int kc, double* a, double* b, double* c, nint ldc, bool accumulate)
    {
        PrefetchTile(c, ldc, DoubleRowEnd);
        Vector512<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<double> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<double> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 8);
            Vector512<double> ai = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            a += 6;
            b += 16;
        }
        StoreRow(c, c00, c01, accumulate);
        StoreRow(c + ldc, c10, c11, accumulate);
        StoreRow(c + 2 * ldc, c20, c21, accumulate);
        StoreRow(c + 3 * ldc, c30, c31, accumulate);
        StoreRow(c + 4 * ldc, c40, c41, accumulate);
        StoreRow(c + 5 * ldc, c50, c51, accumulate);
    }

    /// <summary>Asks for the C tile's lines while the k loop runs, so its load (or the store's read for
    /// ownership) does not stall at the end; each row spans at most three lines.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile<T>(T* c, nint ldc, int rowEnd) where T : unmanaged
    {
        if (!Sse.IsSupported) return;
        for (int row = 0; row < 6; row++, c += ldc)
        {
            Sse.Prefetch0(c);
            Sse.Prefetch0(c + rowEnd / 2);
            Sse.Prefetch0(c + rowEnd);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector512<float> lo, Vector512<float> hi, bool accumulate)
    {
        if (accumulate)
        {
            lo = Vector512.Load(c) + lo;
            hi = Vector512.Load(c + 16) + hi;
        }
        lo.Store(c);
        hi.Store(c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(double* c, Vector512<double> lo, Vector512<double> hi, bool accumulate)
    {
        if (accumulate)
        {
            lo = Vector512.Load(c) + lo;
            hi = Vector512.Load(c + 8) + hi;
        }
        lo.Store(c);
        hi.Store(c + 8);
    }
}
