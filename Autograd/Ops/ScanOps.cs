// The diagonal linear recurrence y_t = a_t ⊙ y_{t−1} + x_t (y_{−1} = 0) along one axis, the scan at the
// heart of the RG-LRU (Griffin §2.4; recurrentgemma `torch/layers.py` rnn_scan, specs/griffin.md §4.1).
// Forward: one sequential pass over the axis, vectorised over the other elements (on a GPU, one thread
// per line: Tensors/Gpu/Kernels/ReduceKernels.LinearScan). Backward (the Pallas
// VJP of the reference): g^x = the reverse scan of g with a shifted by one step, g^a_t = g^x_t ⊙ y_{t−1};
// it is written with this op, slices and pads, so it is itself differentiable.
using System.Numerics;
using Engine.Tensors;

namespace Engine.Autograd;

public sealed partial class Tensor
{
    /// <summary>y_t = a_t·y_{t−1} + x_t along axis (reverse: y_t = a_t·y_{t+1} + x_t), starting from 0.
    /// a and x must have the same shape and float dtype.</summary>
    [Op("linear_scan")]
    public static Tensor LinearScan(Tensor a, Tensor x, int axis, bool reverse = false)
    {
        if (!a.Shape.SequenceEqual(x.Shape) || a.DType != x.DType || !a.DType.IsFloating())
            throw EngineException.ForOp("linear_scan", $"a and x must be float tensors of one shape and dtype, got {a.DType.Name()} {a.ShapeString} and {x.DType.Name()} {x.ShapeString}");
        int ax = ShapeMath.NormalizeAxis("linear_scan", axis, a.Rank);
        var result = ScanKernel(a.Data, x.Data, ax, reverse);
        return Op.Record("linear_scan", result, [a, x], (g, y) =>
        {
            int length = g.Dim(ax);
            // In the forward direction y_t depends on a_{t+1} only through y_{t+1}, so the cotangent runs
            // backwards with a shifted one step towards the end (and the other way round for reverse).
            var shiftedA = Shift(a, ax, towardsEnd: reverse, length);
            var gx = LinearScan(shiftedA, g, ax, !reverse);
            var previous = Shift(y, ax, towardsEnd: !reverse, length);
            return [gx * previous, gx];
        });
    }

    /// <summary>t's value moved one step along axis (towards larger indices when towardsEnd), zero-filled.</summary>
    private static Tensor Shift(Tensor t, int axis, bool towardsEnd, int length)
    {
        var padding = new int[2 * (axis + 1)];
        padding[2 * axis + (towardsEnd ? 0 : 1)] = 1;
        return towardsEnd ? t.Slice(axis, 0, length - 1).Pad(padding) : t.Slice(axis, 1, length).Pad(padding);
    }

    private static NDArray ScanKernel(NDArray a, NDArray x, int axis, bool reverse)
    {
        if (x.Device != a.Device)
            throw EngineException.ForOp("linear_scan", $"a is on {a.Device} but x is on {x.Device}");
        if (a.Device.Kind == DeviceKind.Gpu) return Engine.Tensors.Gpu.GpuBackend.For(a.Device).LinearScan(a, x, axis, reverse);
        var ac = a.Contiguous();
        var xc = x.Contiguous();
        var y = NDArray.Empty(a.Shape, a.DType);
        int length = a.Dim(axis), inner = 1, outer = 1;
        for (int i = axis + 1; i < a.Rank; i++) inner *= a.Dim(i);
        for (int i = 0; i < axis; i++) outer *= a.Dim(i);
        if (a.DType == DType.Float32) Scan(ac.Span<float>(), xc.Span<float>(), y.Span<float>(), outer, length, inner, reverse);
        else Scan(ac.Span<double>(), xc.Span<double>(), y.Span<double>(), outer, length, inner, reverse);
        return y;
    }

    private static void Scan<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> x, Span<T> y, int outer, int length, int inner, bool reverse)
        where T : unmanaged, INumber<T>
    {
        for (int o = 0; o < outer; o++)
        {
            int block = o * length * inner;
            for (int step = 0; step < length; step++)
            {
                int t = reverse ? length - 1 - step : step;
                int row = block + t * inner;
                if (step == 0)
                {
                    x.Slice(row, inner).CopyTo(y.Slice(row, inner));
                    continue;
                }
                int previous = row + (reverse ? inner : -inner);
                for (int i = 0; i < inner; i++) y[row + i] = a[row + i] * y[previous + i] + x[row + i];
            }
        }
    }
}
