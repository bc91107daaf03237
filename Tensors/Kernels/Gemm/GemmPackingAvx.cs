// Vectorised packing of a row-major A block into the 6-row slivers of the AVX2/AVX-512 micro-kernels
// (the common case: A untransposed). Six rows are read side by side, eight (float) or four (double) k
// steps at a time, and transposed in registers; reading the rows together keeps six memory streams in
// flight, where the scalar row-by-row copy waits on one at a time and dominated thin GEMMs.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Tensors;

internal static unsafe class GemmPackingAvx
{
    public const int SliverRows = 6;

    /// <summary>Packs six rows (element (r, p) at src[r*rowStride + p]) of depth k steps into dst[p*6 + r].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SixRows(float* src, nint rowStride, int depth, float* dst)
    {
        float* r0 = src, r1 = src + rowStride, r2 = r1 + rowStride, r3 = r2 + rowStride, r4 = r3 + rowStride, r5 = r4 + rowStride;
        int p = 0;
        for (; p + 8 <= depth; p += 8, dst += 8 * SliverRows)
        {
            Vector256<float> a0 = Avx.LoadVector256(r0 + p), a1 = Avx.LoadVector256(r1 + p), a2 = Avx.LoadVector256(r2 + p);
            Vector256<float> a3 = Avx.LoadVector256(r3 + p), a4 = Avx.LoadVector256(r4 + p), a5 = Avx.LoadVector256(r5 + p);
            // Rows 0-3: a 4x4 transpose in each 128-bit lane gives k steps 0-3 (low lanes) and 4-7 (high).
            Vector256<float> t0 = Avx.UnpackLow(a0, a1), t1 = Avx.UnpackHigh(a0, a1);
            Vector256<float> t2 = Avx.UnpackLow(a2, a3), t3 = Avx.UnpackHigh(a2, a3);
            Vector256<float> k04 = Avx.Shuffle(t0, t2, 0x44), k15 = Avx.Shuffle(t0, t2, 0xEE);
            Vector256<float> k26 = Avx.Shuffle(t1, t3, 0x44), k37 = Avx.Shuffle(t1, t3, 0xEE);
            // Rows 4-5: pairs (r4, r5) for k steps 0,1 | 4,5 and 2,3 | 6,7.
            Vector256<float> pairs0145 = Avx.UnpackLow(a4, a5), pairs2367 = Avx.UnpackHigh(a4, a5);
            StoreStep(dst, k04.GetLower(), pairs0145.GetLower(), low: true);
            StoreStep(dst + 6, k15.GetLower(), pairs0145.GetLower(), low: false);
            StoreStep(dst + 12, k26.GetLower(), pairs2367.GetLower(), low: true);
            StoreStep(dst + 18, k37.GetLower(), pairs2367.GetLower(), low: false);
            StoreStep(dst + 24, k04.GetUpper(), pairs0145.GetUpper(), low: true);
            StoreStep(dst + 30, k15.GetUpper(), pairs0145.GetUpper(), low: false);
            StoreStep(dst + 36, k26.GetUpper(), pairs2367.GetUpper(), low: true);
            StoreStep(dst + 42, k37.GetUpper(), pairs2367.GetUpper(), low: false);
        }
        for (; p < depth; p++, dst += SliverRows)
        {
            dst[0] = r0[p];
            dst[1] = r1[p];
            dst[2] = r2[p];
            dst[3] = r3[p];
            dst[4] = r4[p];
            dst[5] = r5[p];
        }
    }

    /// <summary>Packs six rows (element (r, p) at src[r*rowStride + p]) of depth k steps into dst[p*6 + r].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SixRows(double* src, nint rowStride, int depth, double* dst)
    {
        double* r0 = src, r1 = src + rowStride, r2 = r1 + rowStride, r3 = r2 + rowStride, r4 = r3 + rowStride, r5 = r4 + rowStride;
        int p = 0;
        for (; p + 4 <= depth; p += 4, dst += 4 * SliverRows)
        {
            Vector256<double> a0 = Avx.LoadVector256(r0 + p), a1 = Avx.LoadVector256(r1 + p), a2 = Avx.LoadVector256(r2 + p);
            Vector256<double> a3 = Avx.LoadVector256(r3 + p), a4 = Avx.LoadVector256(r4 + p), a5 = Avx.LoadVector256(r5 + p);
            Vector256<double> t0 = Avx.UnpackLow(a0, a1), t1 = Avx.UnpackHigh(a0, a1);
            Vector256<double> t2 = Avx.UnpackLow(a2, a3), t3 = Avx.UnpackHigh(a2, a3);
            Vector256<double> pairs02 = Avx.UnpackLow(a4, a5), pairs13 = Avx.UnpackHigh(a4, a5);
            Avx.Store(dst, Avx.Permute2x128(t0, t2, 0x20));
            Sse2.Store(dst + 4, pairs02.GetLower());
            Avx.Store(dst + 6, Avx.Permute2x128(t1, t3, 0x20));
            Sse2.Store(dst + 10, pairs13.GetLower());
            Avx.Store(dst + 12, Avx.Permute2x128(t0, t2, 0x31));
            Sse2.Store(dst + 16, pairs02.GetUpper());
            Avx.Store(dst + 18, Avx.Permute2x128(t1, t3, 0x31));
            Sse2.Store(dst + 22, pairs13.GetUpper());
        }
        for (; p < depth; p++, dst += SliverRows)
        {
            dst[0] = r0[p];
            dst[1] = r1[p];
            dst[2] = r2[p];
            dst[3] = r3[p];
            dst[4] = r4[p];
            dst[5] = r5[p];
        }
    }

    /// <summary>Stores one k step: rows 0-3 from rows0123, rows 4-5 from the low or high pair of pairs45.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreStep(float* dst, Vector128<float> rows0123, Vector128<float> pairs45, bool low)
    {
        Sse.Store(dst, rows0123);
        if (low) Sse.StoreLow(dst + 4, pairs45);
        else Sse.StoreHigh(dst + 4, pairs45);
    }
}
