// The document structure of a batch, derived once per forward pass from segment positions [B, T]
// (the position of each token inside its document; 0 marks a document start). Every block reads its
// masks from here: the RG-LRU reset, the conv look-back masks and the local-attention mask
// (specs/griffin.md §1.7, §1.8, §1.9).
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Models.Griffin;

public sealed class SegmentLayout
{
    private readonly long[] _positions;
    // Every block of a forward pass asks for the same masks; each is built once per layout.
    private readonly Dictionary<(string Kind, int Size), Tensor> _masks = [];
    private NDArray? _convReach;

    public int Batch { get; }
    public int Time { get; }
    public DType DType { get; }

    /// <summary>The device of the segment positions; the masks are made there.</summary>
    public Device Device { get; }

    public SegmentLayout(Tensor segmentPositions, DType dtype)
    {
        if (segmentPositions.DType != DType.Int64 || segmentPositions.Rank != 2)
            throw new EngineException($"Griffin: segment positions must be int64 [B, T], got {segmentPositions.DType.Name()} {segmentPositions.ShapeString}");
        Batch = segmentPositions.Dim(0);
        Time = segmentPositions.Dim(1);
        DType = dtype;
        Device = segmentPositions.Device;
        _positions = segmentPositions.Data.Contiguous().ToArray<long>();
        foreach (long p in _positions)
            if (p < 0) throw new EngineException($"Griffin: segment positions must be >= 0, got {p}");
    }

    public long Position(int b, int t) => _positions[b * Time + t];

    public bool IsDocumentStart(int b, int t) => _positions[b * Time + t] == 0;

    /// <summary>Positions as a float tensor [B, T] for RoPE.</summary>
    public Tensor PositionsAsFloat() => new(NDArray.FromArray(_positions, Batch, Time).ToDType(DType).To(Device));

    /// <summary>1 where a document starts, else 0, shaped [B, T, 1].</summary>
    public Tensor ResetMask() => Memoized("reset", 0, BuildResetMask);

    /// <summary>int64 [B, T]: how many steps back output t may look, t − (the last document start at or
    /// before t), or t when there is none; the causal conv uses input t − s only for s ≤ reach, which is
    /// the condition ConvMask(s) spells out.</summary>
    public NDArray ConvReach() => _convReach ??= BuildConvReach();

    private NDArray BuildConvReach()
    {
        var reach = new long[Batch * Time];
        for (int b = 0; b < Batch; b++)
        {
            int lastStart = 0;
            for (int t = 0; t < Time; t++)
            {
                if (IsDocumentStart(b, t)) lastStart = t;
                reach[b * Time + t] = t - lastStart;
            }
        }
        return NDArray.FromArray(reach, Batch, Time);
    }

    /// <summary>[B, T, 1]: 1 where output t may use the input shift steps back, i.e. t − shift ≥ 0 and no
    /// document starts at an index in (t − shift, t] (reference Conv1D `_compute_document_mask`).</summary>
    public Tensor ConvMask(int shift) => Memoized("conv", shift, () => BuildConvMask(shift));

    /// <summary>[B, 1, T, T]: 1 where query i may see key j: j ≤ i ≤ j + window and both in the same
    /// document (segment id = running count of document starts).</summary>
    public Tensor AttentionMask(int window) => Memoized("attention", window, () => BuildAttentionMask(window));

    /// <summary>[B, 1, n, W, 2W] for the blocked path (n = ⌈T / W⌉): 1 where query kW + r may see key
    /// (k − 1)W + c under the same rule as AttentionMask; 0 for keys and queries outside [0, T).</summary>
    public Tensor BlockedAttentionMask(int window) => Memoized("blocked attention", window, () => BuildBlockedAttentionMask(window));

    private Tensor Memoized(string kind, int size, Func<Tensor> build)
    {
        if (!_masks.TryGetValue((kind, size), out var mask)) _masks[(kind, size)] = mask = build();
        return mask;
    }

    private Tensor BuildResetMask()
    {
        var mask = new double[Batch * Time];
        for (int i = 0; i < mask.Length; i++) mask[i] = _positions[i] == 0 ? 1 : 0;
        return Constant(mask, Batch, Time, 1);
    }

    private Tensor BuildConvMask(int shift)
    {
        var mask = new double[Batch * Time];
        for (int b = 0; b < Batch; b++)
            for (int t = shift; t < Time; t++)
            {
                bool crosses = false;
                for (int k = t - shift + 1; k <= t; k++) crosses |= IsDocumentStart(b, k);
                mask[b * Time + t] = crosses ? 0 : 1;
            }
        return Constant(mask, Batch, Time, 1);
    }

    private Tensor BuildAttentionMask(int window)
    {
        var mask = new double[Batch * Time * Time];
        for (int b = 0; b < Batch; b++)
        {
            var segment = SegmentIds(b);
            for (int i = 0; i < Time; i++)
                for (int j = Math.Max(0, i - window); j <= i; j++)
                    if (segment[i] == segment[j]) mask[(b * Time + i) * Time + j] = 1;
        }
        return Constant(mask, Batch, 1, Time, Time);
    }

    private Tensor BuildBlockedAttentionMask(int window)
    {
        int blocks = (Time + window - 1) / window;
        var mask = new double[Batch * blocks * window * 2 * window];
        for (int b = 0; b < Batch; b++)
        {
            var segment = SegmentIds(b);
            for (int i = 0; i < Time; i++)
            {
                int block = i / window, row = i % window;
                for (int j = Math.Max(0, i - window); j <= i; j++)
                    if (segment[i] == segment[j])
                        mask[(((b * blocks + block) * window + row) * 2 * window) + j - (block - 1) * window] = 1;
            }
        }
        return Constant(mask, Batch, 1, blocks, window, 2 * window);
    }

    /// <summary>The document each token of row b belongs to: the running count of document starts.</summary>
    private int[] SegmentIds(int b)
    {
        var segment = new int[Time];
        int id = 0;
        for (int t = 0; t < Time; t++) segment[t] = IsDocumentStart(b, t) ? ++id : id;
        return segment;
    }

    private Tensor Constant(double[] values, params int[] shape) => new(NDArray.FromArray(values, shape).ToDType(DType).To(Device));
}
