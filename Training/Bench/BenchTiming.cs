// Shared timing for the benchmarks: median wall time of an action after warm-up, with enough repetitions
// to wash out one preemption on a shared machine.
using System.Diagnostics;

namespace Engine.Training.Bench;

public static class BenchTiming
{
    /// <summary>Median seconds of one call: warm-up calls for at least warmUpSeconds (the JIT's tiered
    /// compilation needs many calls before the vectorised library code reaches its optimised tier), then
    /// at least minReps timed calls and more until minSeconds have passed (at most maxReps).</summary>
    public static double MedianSeconds(Action call, int minReps, double minSeconds = 0.3, int maxReps = 200, double warmUpSeconds = 0.5)
    {
        var warmUp = Stopwatch.StartNew();
        for (int calls = 0; calls < 2 || (warmUp.Elapsed.TotalSeconds < warmUpSeconds && calls < maxReps); calls++) call();
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < minReps || (total.Elapsed.TotalSeconds < minSeconds && times.Count < maxReps))
        {
            var clock = Stopwatch.StartNew();
            call();
            times.Add(clock.Elapsed.TotalSeconds);
        }
        return Median(times);
    }

    public static double Median(List<double> values)
    {
        values.Sort();
        int mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
