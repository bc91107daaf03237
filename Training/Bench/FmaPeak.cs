// Estimates the machine's peak FMA throughput for `engine bench gemm`: a register-only loop of independent
// vector FMAs (enough accumulators to cover FMA latency times the FMA ports), run on every thread used at
// once, summed. GEMM efficiency is reported as a fraction of this number.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Engine.Training.Bench;

internal static class FmaPeak
{
    // Short bursts (about 0.1 ms each) so that the best ones run unpreempted even on a busy machine.
    private const int IterationsPerBurst = 50_000;
    private const int Bursts = 200;

    /// <summary>Peak GFLOP/s (2 flops per FMA lane) with the given number of threads, for 4- or 8-byte
    /// elements, in the widest vectors the GEMM uses: all threads start each burst together at a barrier,
    /// and a burst's time is its slowest thread's.</summary>
    public static double Measure(int threads, bool doublePrecision, bool wide512)
    {
        var seconds = new double[threads];
        var best = double.MaxValue;
        using var start = new Barrier(threads, barrier =>
        {
            if (barrier.CurrentPhaseNumber > 0) best = Math.Min(best, seconds.Max());
        });
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int id = t;
            workers[t] = new Thread(() =>
            {
                for (int burst = 0; burst <= Bursts; burst++)
                {
                    start.SignalAndWait();
                    if (burst == Bursts) break;
                    long begin = Stopwatch.GetTimestamp();
                    float sink = wide512 ? Loop512(IterationsPerBurst) : Loop256(IterationsPerBurst);
                    seconds[id] = Stopwatch.GetElapsedTime(begin).TotalSeconds + (sink == 1.2345f ? 1e-9 : 0);
                }
            });
            workers[t].Start();
        }
        foreach (var worker in workers) worker.Join();
        double lanes = (wide512 ? 16 : 8) / (doublePrecision ? 2.0 : 1.0);
        return 2.0 * 12 * lanes * IterationsPerBurst * threads / best / 1e9;
    }

    // Twelve independent accumulators cover a 4-cycle FMA latency on two FMA ports with room to spare.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop256(int iterations)
    {
        var x = Vector256.Create(0.999f);
        var y = Vector256.Create(1e-7f);
        Vector256<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, x, y); a1 = Vector256.FusedMultiplyAdd(a1, x, y);
            a2 = Vector256.FusedMultiplyAdd(a2, x, y); a3 = Vector256.FusedMultiplyAdd(a3, x, y);
            a4 = Vector256.FusedMultiplyAdd(a4, x, y); a5 = Vector256.FusedMultiplyAdd(a5, x, y);
            a6 = Vector256.FusedMultiplyAdd(a6, x, y); a7 = Vector256.FusedMultiplyAdd(a7, x, y);
            a8 = Vector256.FusedMultiplyAdd(a8, x, y); a9 = Vector256.FusedMultiplyAdd(a9, x, y);
            a10 = Vector256.FusedMultiplyAdd(a10, x, y); a11 = Vector256.FusedMultiplyAdd(a11, x, y);
        }
        var sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return sum.ToScalar();
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop512(int iterations)
    {
        var x = Vector512.Create(0.999f);
        var y = Vector512.Create(1e-7f);
        Vector512<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y);
            a2 = Vector512.FusedMultiplyAdd(a2, x, y); a3 = Vector512.FusedMultiplyAdd(a3, x, y);
            a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y);
            a8 = Vector512.FusedMultiplyAdd(a8, x, y); a9 = Vector512.FusedMultiplyAdd(a9, x, y);
            a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
        }
        var sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return sum.ToScalar();
    }
}
