// The GPU backend's heavier kernels: batched GEMM, gather and scatter-add, the linear scan and the
// fused optimizer updates.
using Engine.Tensors.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Engine.Tensors.Gpu;

public sealed partial class GpuBackend
{
    private const int MaxGridY = 65535;

    public NDArray MatMul(NDArray a, NDArray b, int[] batchShape)
    {
        int m = a.Shape[^2], k = a.Shape[^1], n = b.Shape[^1];
        var c = New([.. batchShape, m, n], a.DType);
        int batches = ShapeMath.NumElements(batchShape);
        if (c.Size == 0) return c;
        int maxThreads = _device.Accelerator.MaxNumThreadsPerGroup;
        int side = maxThreads >= 256 ? 16 : maxThreads >= 64 ? 8 : 4, tile = GemmKernel.PerThread * side;
        if (batches > MaxGridY || (m + tile - 1) / tile > MaxGridY)
            throw EngineException.ForOp("matmul", $"{batches} batches of {m}x{n} exceed the gpu grid; split the batch");
        var batchAxes = Enumerable.Range(0, batchShape.Length).ToArray();
        var aBatch = Layouts.Axes(a, batchAxes, withOffset: true);
        var bBatch = Layouts.Axes(b, batchAxes, withOffset: true);
        var shape = new GemmShape
        {
            M = m, N = n, K = k,
            ARowStride = a.Strides[^2], AColStride = a.Strides[^1],
            BRowStride = b.Strides[^2], BColStride = b.Strides[^1],
            Side = side,
        };
        var grid = new Index3D((n + tile - 1) / tile, (m + tile - 1) / tile, batches);
        var config = new KernelConfig(grid, new Index3D(side * side, 1, 1));
        if (a.DType == DType.Float32) K.Gemm<float, F32>()(config, V<float>(a), V<float>(b), V<float>(c), shape, aBatch, bBatch);
        else K.Gemm<double, F64>()(config, V<double>(a), V<double>(b), V<double>(c), shape, aBatch, bBatch);
        return c;
    }

    public NDArray Gather(NDArray x, int axis, NDArray index)
    {
        var y = New(index.Shape, x.DType);
        if (y.Size == 0) return y;
        var xStrides = x.StridesArray.ToArray();
        xStrides[axis] = 0;
        var xAt = new NDArray(x.Storage, index.ShapeCopy(), xStrides, x.Offset);
        var l = Layouts.Merged(index.Shape, xAt, index);
        int stride = x.Strides[axis];
        switch (x.DType)
        {
            case DType.Float32: K.Gather<float>()(y.Size, V<float>(x), V<long>(index), V<float>(y), l[0], l[1], stride); break;
            case DType.Float64: K.Gather<double>()(y.Size, V<double>(x), V<long>(index), V<double>(y), l[0], l[1], stride); break;
            default: K.Gather<long>()(y.Size, V<long>(x), V<long>(index), V<long>(y), l[0], l[1], stride); break;
        }
        return y;
    }

    public NDArray ScatterAdd(NDArray target, int axis, NDArray index, NDArray src)
    {
        var result = target.Clone();
        if (index.Size == 0) return result;
        var lines = LineShape(index.Shape, axis);
        var l = Layouts.Merged(lines, LinesOf(result, lines), LinesOf(index, lines), LinesOf(src, lines));
        int n = ShapeMath.NumElements(lines), length = index.Shape[axis];
        int rs = result.Strides[axis], ks = index.Strides[axis], ss = src.Strides[axis];
        switch (target.DType)
        {
            case DType.Float32: K.ScatterAdd<float, F32>()(n, V<float>(result), V<long>(index), V<float>(src), l[0], l[1], l[2], length, rs, ks, ss); break;
            case DType.Float64: K.ScatterAdd<double, F64>()(n, V<double>(result), V<long>(index), V<double>(src), l[0], l[1], l[2], length, rs, ks, ss); break;
            default: K.ScatterAdd<long, I64>()(n, V<long>(result), V<long>(index), V<long>(src), l[0], l[1], l[2], length, rs, ks, ss); break;
        }
        return result;
    }

    /// <summary>y_t = a_t·y_{t−1} + x_t along axis (from the end when reverse), starting from 0.</summary>
    public NDArray LinearScan(NDArray a, NDArray x, int axis, bool reverse)
    {
        var ac = a.Contiguous();
        var xc = x.Contiguous();
        var y = New(a.Shape, a.DType);
        if (y.Size == 0) return y;
        int length = a.Shape[axis], inner = 1;
        for (int i = axis + 1; i < a.Rank; i++) inner *= a.Shape[i];
        int lines = y.Size / length;
        if (a.DType == DType.Float32)
            K.LinearScan<float, F32>()(lines, V<float>(ac).SubView(ac.Offset), V<float>(xc).SubView(xc.Offset), V<float>(y), length, inner, reverse ? 1 : 0);
        else
            K.LinearScan<double, F64>()(lines, V<double>(ac).SubView(ac.Offset), V<double>(xc).SubView(xc.Offset), V<double>(y), length, inner, reverse ? 1 : 0);
        return y;
    }

    public void AdamUpdate(NDArray p, NDArray g, NDArray m, NDArray v, AdamStep s)
    {
        var scalars = new AdamScalars
        {
            Shrink = 1 - s.LearningRate * s.WeightDecay, Decay = s.WeightDecay, Keep1 = 1 - s.Beta1, Beta2 = s.Beta2,
            Keep2 = 1 - s.Beta2, Correction2 = s.BiasCorrection2Sqrt, Eps = s.Eps, StepSize = s.StepSize,
            ShrinkP = s.WeightDecay != 0 && s.Decoupled ? 1 : 0, Penalise = s.WeightDecay != 0 && !s.Decoupled ? 1 : 0,
        };
        if (p.Size == 0) return;
        if (p.DType == DType.Float32)
            K.Adam<float, F32>()(p.Size, Dense<float>(p), Dense<float>(g), Dense<float>(m), Dense<float>(v), scalars);
        else
            K.Adam<double, F64>()(p.Size, Dense<double>(p), Dense<double>(g), Dense<double>(m), Dense<double>(v), scalars);
    }

    public void SgdUpdate(NDArray p, NDArray g, NDArray? buffer, SgdStep s)
    {
        var scalars = new SgdScalars
        {
            Decay = s.WeightDecay, Momentum = s.Momentum, Keep = 1 - s.Dampening, Lr = s.LearningRate,
            Penalise = s.WeightDecay != 0 ? 1 : 0, UseMomentum = s.Momentum != 0 ? 1 : 0,
            FirstStep = s.FirstStep ? 1 : 0, Nesterov = s.Nesterov ? 1 : 0,
        };
        if (p.Size == 0) return;
        var b = buffer ?? g;
        if (p.DType == DType.Float32)
            K.Sgd<float, F32>()(p.Size, Dense<float>(p), Dense<float>(g), Dense<float>(b), scalars);
        else
            K.Sgd<double, F64>()(p.Size, Dense<double>(p), Dense<double>(g), Dense<double>(b), scalars);
    }

    /// <summary>The elements of a contiguous view, starting at its offset.</summary>
    private static ArrayView<T> Dense<T>(NDArray x) where T : unmanaged => V<T>(x).SubView(x.Offset, x.Size);
}
