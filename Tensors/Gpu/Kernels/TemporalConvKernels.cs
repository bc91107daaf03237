// Griffin's causal depthwise temporal convolution (Griffin §2.4, recurrentgemma `torch/layers.py` Conv1D;
// specs/griffin.md §1.7) as GPU kernels, with the formulas and addition order of the CPU kernel
// (Tensors/Kernels/CausalConvKernels.cs), on dense u, g [B, T, E], w [K, E], bias [E], reach [B, T]:
//   out[b,t,:] = bias + Σ_{s=0..min(K−1, reach[b,t], t)} w[K−1−s,:] ⊙ u[b,t−s,:]
//   du[b,t,:]  = Σ_{s: t+s < T, s <= reach[b,t+s]} g[b,t+s,:] ⊙ w[K−1−s,:]
//   dw[K−1−s,:] = Σ_{b,t: s <= min(reach[b,t], t)} g[b,t,:] ⊙ u[b,t−s,:],   dbias = Σ_{b,t} g[b,t,:]
// out and du: one thread per element. dw and dbias: sums over rows (b, t) without atomics, so they are
// deterministic: one thread per (chunk of RowsPerChunk rows, tap or bias, channel) adds its chunk's rows
// in order, then one thread per (tap or bias, channel) adds the chunks' partials in chunk order.
using ILGPU;

namespace Engine.Tensors.Gpu.Kernels;

/// <summary>The sizes of a causal conv launch: time steps T, channels E, taps K and all rows B·T.</summary>
public struct ConvShape
{
    public int Time, Channels, Taps, Rows;
}

public static class TemporalConvKernels
{
    public const int RowsPerChunk = 32;

    public static void Forward<T, M>(Index1D i, ArrayView<T> u, ArrayView<T> w, ArrayView<T> bias, ArrayView<long> reach, ArrayView<T> y, ConvShape s)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        int row = i / s.Channels, e = i % s.Channels, t = row % s.Time;
        int last = Min(Min(s.Taps - 1, (int)Min64(reach[row], s.Taps)), t);
        T acc = m.Add(m.Mul(u[i], w[(s.Taps - 1) * s.Channels + e]), bias[e]);
        for (int step = 1; step <= last; step++)
            acc = m.Add(m.Mul(u[i - step * s.Channels], w[(s.Taps - 1 - step) * s.Channels + e]), acc);
        y[i] = acc;
    }

    public static void InputGradient<T, M>(Index1D i, ArrayView<T> g, ArrayView<T> w, ArrayView<long> reach, ArrayView<T> du, ConvShape s)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        int row = i / s.Channels, e = i % s.Channels, t = row % s.Time;
        T acc = m.Zero;
        for (int step = 0; step < s.Taps && t + step < s.Time; step++)
            if (step <= reach[row + step])
                acc = m.Add(m.Mul(g[i + step * s.Channels], w[(s.Taps - 1 - step) * s.Channels + e]), acc);
        du[i] = acc;
    }

    /// <summary>Thread (chunk, k, channel), k &lt; K a tap of dw and k = K the bias: the chunk's rows in
    /// order into partials [chunks, K + 1, E].</summary>
    public static void TapPartials<T, M>(Index1D i, ArrayView<T> u, ArrayView<T> g, ArrayView<long> reach, ArrayView<T> partials, ConvShape s)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        int width = (s.Taps + 1) * s.Channels;
        int chunk = i / width, k = i % width / s.Channels, e = i % s.Channels;
        int step = s.Taps - 1 - k;
        int end = Min((chunk + 1) * RowsPerChunk, s.Rows);
        T acc = m.Zero;
        for (int row = chunk * RowsPerChunk; row < end; row++)
        {
            int at = row * s.Channels + e;
            if (k == s.Taps) acc = m.Add(acc, g[at]);
            else if (step <= row % s.Time && step <= reach[row])
                acc = m.Add(m.Mul(g[at], u[at - step * s.Channels]), acc);
        }
        partials[i] = acc;
    }

    /// <summary>Thread (k, channel): the chunks' partials in chunk order, into dw [K, E] or dbias [E].</summary>
    public static void TapTotals<T, M>(Index1D j, ArrayView<T> partials, ArrayView<T> dw, ArrayView<T> dbias, ConvShape s, int chunks)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        int width = (s.Taps + 1) * s.Channels;
        T acc = m.Zero;
        for (int c = 0; c < chunks; c++)
            acc = m.Add(acc, partials[c * width + j]);
        if (j < s.Taps * s.Channels) dw[j] = acc;
        else dbias[j - s.Taps * s.Channels] = acc;
    }

    private static int Min(int a, int b) => a < b ? a : b;

    private static long Min64(long a, long b) => a < b ? a : b;
}
