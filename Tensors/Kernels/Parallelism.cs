// Runs independent pieces of work on the thread pool when there is enough of it to pay. Work is split
// by output element, never inside a reduction, so results are bit-identical for any thread count.
namespace Engine.Tensors;

public static class Parallelism
{
    private static int _maxThreads = Environment.ProcessorCount;

    /// <summary>Below this many elements of work a loop runs on the calling thread.</summary>
    public const int MinParallelWork = 1 << 15;

    /// <summary>The most threads a kernel uses (default: the machine's core count).</summary>
    public static int MaxThreads
    {
        get => _maxThreads;
        set
        {
            if (value < 1) throw new EngineException($"threads: need at least 1, got {value}");
            _maxThreads = value;
        }
    }

    /// <summary>Calls body(i) for i in [0, count); each call does about workPerItem element operations.</summary>
    public static void For(int count, long workPerItem, Action<int> body)
    {
        if (MaxThreads == 1 || count < 2 || count * workPerItem < MinParallelWork)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = MaxThreads };
        Parallel.For(0, count, options, body);
    }
}
