// The packed B of one GEMM column panel, shared by every thread of the call (GemmDriver.cs): a group of
// KC-deep slices, each laid out as the NR-column slivers the micro-kernel reads. It is packed lazily, in
// chunks of a few slivers: the first thread that needs a chunk claims and packs it, and a thread that needs a
// chunk another thread is packing waits for it. A thread only ever waits on a chunk that a running thread has
// claimed and is packing (packing itself never waits), so there is no deadlock even when the loop runs all
// its work on one thread; and each chunk is packed once per call however many threads read it. Waits are
// microseconds long, so waiters spin and yield but never sleep: SpinWait's default Thread.Sleep(1) after a
// few rounds cost a millisecond per wait and made small products four times slower on two threads.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Engine.Tensors;

internal sealed unsafe class GemmSharedPanel<T> where T : unmanaged
{
    /// <summary>At most this many bytes of packed B are held at once; the slices of a deep product are packed
    /// and used in groups that fit.</summary>
    private const long BudgetBytes = 16L << 20;

    /// <summary>Slivers per chunk: a chunk of a row-major B is read as runs of several cache lines per row,
    /// which the hardware prefetcher streams well, and it is small enough for threads to share the packing.</summary>
    private const int SliversPerChunk = 8;

    private const int Free = 0, Packing = 1, Ready = 2;

    // One panel per calling thread, reused from call to call so that a steady stream of GEMMs allocates nothing.
    [ThreadStatic] private static GemmSharedPanel<T>? t_panel;

    private GemmKernel<T> _kernel;
    private byte[] _buffer = [];
    private int[] _states = [];
    private int[] _done = [];
    private int _cols, _roundedCols, _chunksPerSlice, _k, _jc;
    private T[] _b = [];
    private MatrixView _bView;

    /// <summary>The depth of every KC slice but the last (at most KC).</summary>
    public int Depth { get; private set; }

    public int SlicesPerGroup { get; private set; }
    public int FirstSlice { get; private set; }
    public int SliceCount { get; private set; }

    /// <summary>This thread's panel, sized for nc columns of B: as many of the product's KC slices per group
    /// as fit the budget (at least one), split evenly over the groups.</summary>
    public static GemmSharedPanel<T> ForCallingThread(GemmKernel<T> kernel, int nc, int slices, int depth)
    {
        var panel = t_panel ??= new GemmSharedPanel<T>();
        panel._kernel = kernel;
        panel.Depth = depth;
        panel._cols = nc;
        panel._roundedCols = GemmDriver.RoundUp(nc, kernel.Cols);
        long sliceBytes = (long)depth * panel._roundedCols * sizeof(T);
        int perGroup = (int)Math.Clamp(BudgetBytes / sliceBytes, 1, slices);
        int groups = (slices + perGroup - 1) / perGroup;
        panel.SlicesPerGroup = (slices + groups - 1) / groups;
        panel._chunksPerSlice = (panel._roundedCols / kernel.Cols + SliversPerChunk - 1) / SliversPerChunk;
        long bytes = panel.SlicesPerGroup * sliceBytes + GemmDriver.BufferAlignment;
        if (panel._buffer.Length < bytes)
            panel._buffer = GC.AllocateUninitializedArray<byte>((int)Math.Min(int.MaxValue, Math.Max(bytes, panel._buffer.Length * 3L / 2)), pinned: true);
        if (panel._states.Length < panel.SlicesPerGroup * panel._chunksPerSlice)
            panel._states = new int[panel.SlicesPerGroup * panel._chunksPerSlice];
        return panel;
    }

    /// <summary>Starts a group: slices firstSlice.. of the panel whose first column is jc, nothing packed yet,
    /// no block of C done with any slice. Called before the group's threads start.</summary>
    public void Begin(T[] b, MatrixView bView, int jc, int firstSlice, int sliceCount, int k, int blocks)
    {
        if (_done.Length < blocks * sliceCount) _done = new int[blocks * sliceCount];
        Array.Clear(_done, 0, blocks * sliceCount);
        _b = b;
        _bView = bView;
        _jc = jc;
        _k = k;
        FirstSlice = firstSlice;
        SliceCount = sliceCount;
        Array.Clear(_states, 0, sliceCount * _chunksPerSlice);
    }

    /// <summary>The packed slivers of one slice from column col0 (a multiple of NR) on, once every chunk
    /// covering [col0, col0 + cols) is packed: by this thread, or by another that claimed it first.</summary>
    public T* Packed(int slice, int col0, int cols)
    {
        int chunkCols = SliversPerChunk * _kernel.Cols;
        int firstChunk = col0 / chunkCols, lastChunk = (col0 + cols - 1) / chunkCols;
        int kStart = (FirstSlice + slice) * Depth, kc = Math.Min(Depth, _k - kStart);
        T* sliceData = SliceData(slice);
        ref int states = ref MemoryMarshal.GetArrayDataReference(_states);
        int stateBase = slice * _chunksPerSlice;
        for (int chunk = firstChunk; chunk <= lastChunk; chunk++)
        {
            ref int state = ref Unsafe.Add(ref states, stateBase + chunk);
            if (Volatile.Read(ref state) == Free && Interlocked.CompareExchange(ref state, Packing, Free) == Free)
            {
                PackChunk(chunk, chunkCols, kStart, kc, sliceData);
                Volatile.Write(ref state, Ready);
            }
        }
        for (int chunk = firstChunk; chunk <= lastChunk; chunk++)
        {
            ref int state = ref Unsafe.Add(ref states, stateBase + chunk);
            var spin = new SpinWait();
            while (Volatile.Read(ref state) != Ready) spin.SpinOnce(sleep1Threshold: -1);
        }
        return sliceData + (nint)col0 * kc;
    }

    /// <summary>Records that a block of C has added its product with one slice.</summary>
    public void MarkDone(int block, int slice) => Volatile.Write(ref _done[block * SliceCount + slice], 1);

    /// <summary>Waits until a block of C has added its product with one slice.</summary>
    public void WaitDone(int block, int slice)
    {
        ref int done = ref _done[block * SliceCount + slice];
        var spin = new SpinWait();
        while (Volatile.Read(ref done) == 0) spin.SpinOnce(sleep1Threshold: -1);
    }

    private void PackChunk(int chunk, int chunkCols, int kStart, int kc, T* sliceData)
    {
        // Chunks start on sliver boundaries below the rounded width, so each holds at least one real column;
        // PackB pads a partial last sliver with zeros.
        int start = chunk * chunkCols;
        fixed (T* pb = _b)
        {
            T* from = pb + _bView.Offset + (nint)kStart * _bView.RowStride + (nint)(_jc + start) * _bView.ColStride;
            GemmPacking.PackB(from, _bView.RowStride, _bView.ColStride, kc, Math.Min(chunkCols, _cols - start), _kernel.Cols,
                sliceData + (nint)start * kc);
        }
    }

    private T* SliceData(int slice)
    {
        T* start = GemmDriver.Align((T*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer)));
        return start + (nint)slice * Depth * _roundedCols;
    }
}
