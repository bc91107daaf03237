// The GPU backend's fused norm and GeLU primitives as ILGPU kernels: RMSNorm/LayerNorm forward and
// backward (Kernels/NormKernels.cs) and GeLU forward and backward (Kernels/GeluKernels.cs). Operands are
// read through their strides; outputs are dense. The composites of DeviceComposites stay as the tests'
// independent oracle for these kernels.
using Engine.Tensors.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Engine.Tensors.Gpu;

public sealed partial class GpuBackend
{
    public NDArray Normalize(NormKind kind, NDArray x, NDArray weight, NDArray? bias, double eps)
    {
        weight = OnDevice(weight);
        bias = bias is null ? null : OnDevice(bias);
        var y = New(x.Shape, x.DType);
        if (y.Size == 0) return y;
        var p = NormParamsOf(kind, x, x, weight, bias, eps);
        var rows = RowStarts(x);
        var config = new KernelConfig(y.Size / p.N, GroupSize(NormKernels.GroupSize));
        if (x.DType == DType.Float32)
            K.NormForward<float, F32>()(config, V<float>(x), V<float>(weight), V<float>(bias ?? weight), V<float>(y), rows, p);
        else
            K.NormForward<double, F64>()(config, V<double>(x), V<double>(weight), V<double>(bias ?? weight), V<double>(y), rows, p);
        return y;
    }

    /// <summary>[dx, dw] (RMSNorm) or [dx, dw, db] (LayerNorm): dx per row, then dw and db as deterministic
    /// column sums over fixed chunks of rows.</summary>
    public NDArray[] NormalizeBackward(NormKind kind, NDArray x, NDArray weight, double eps, NDArray grad)
    {
        weight = OnDevice(weight);
        grad = OnDevice(grad);
        int n = x.Shape[^1];
        var dx = New(x.Shape, x.DType);
        var dw = NDArray.Zeros([n], x.DType, _device.Device);
        var db = NDArray.Zeros([n], x.DType, _device.Device);
        if (dx.Size > 0)
        {
            var p = NormParamsOf(kind, x, grad, weight, null, eps);
            int rowCount = dx.Size / n, chunks = (rowCount + NormKernels.RowsPerChunk - 1) / NormKernels.RowsPerChunk;
            var xRows = RowStarts(x);
            var gRows = RowStarts(grad);
            var stats = New([rowCount, 2], x.DType);
            var dwPartial = New([chunks, n], x.DType);
            var dbPartial = New([chunks, n], x.DType);
            var config = new KernelConfig(rowCount, GroupSize(NormKernels.GroupSize));
            if (x.DType == DType.Float32)
            {
                K.NormBackwardRows<float, F32>()(config, V<float>(x), V<float>(grad), V<float>(weight), V<float>(dx), V<float>(stats), xRows, gRows, p);
                K.NormColumnPartials<float, F32>()(chunks * n, V<float>(x), V<float>(grad), V<float>(stats), V<float>(dwPartial), V<float>(dbPartial), xRows, gRows, p, rowCount);
                K.NormColumnTotals<float, F32>()(n, V<float>(dwPartial), V<float>(dbPartial), V<float>(dw), V<float>(db), n, chunks);
            }
            else
            {
                K.NormBackwardRows<double, F64>()(config, V<double>(x), V<double>(grad), V<double>(weight), V<double>(dx), V<double>(stats), xRows, gRows, p);
                K.NormColumnPartials<double, F64>()(chunks * n, V<double>(x), V<double>(grad), V<double>(stats), V<double>(dwPartial), V<double>(dbPartial), xRows, gRows, p, rowCount);
                K.NormColumnTotals<double, F64>()(n, V<double>(dwPartial), V<double>(dbPartial), V<double>(dw), V<double>(db), n, chunks);
            }
            ReleaseScratch(stats);
            ReleaseScratch(dwPartial);
            ReleaseScratch(dbPartial);
        }
        if (kind == NormKind.Layer) return [dx, dw, db];
        ReleaseScratch(db);
        return [dx, dw];
    }

    public NDArray Gelu(NDArray x, bool tanhApproximation)
    {
        var y = New(x.Shape, x.DType);
        if (y.Size == 0) return y;
        var l = Layouts.Merged(x.Shape, x)[0];
        var p = GeluParams.Of(tanhApproximation);
        if (x.DType == DType.Float32) K.GeluForward<float, F32>()(y.Size, V<float>(x), V<float>(y), l, p);
        else K.GeluForward<double, F64>()(y.Size, V<double>(x), V<double>(y), l, p);
        return y;
    }

    public NDArray GeluBackward(NDArray x, NDArray grad, bool tanhApproximation)
    {
        grad = OnDevice(grad);
        var dx = New(x.Shape, x.DType);
        if (dx.Size == 0) return dx;
        var l = Layouts.Merged(x.Shape, x, grad);
        var p = GeluParams.Of(tanhApproximation);
        if (x.DType == DType.Float32) K.GeluBackward<float, F32>()(dx.Size, V<float>(x), V<float>(grad), V<float>(dx), l[0], l[1], p);
        else K.GeluBackward<double, F64>()(dx.Size, V<double>(x), V<double>(grad), V<double>(dx), l[0], l[1], p);
        return dx;
    }

    /// <summary>Gives a kernel's scratch array back to the allocator now; inside a BufferScope, which tracks
    /// it, the scope does so when it ends.</summary>
    private static void ReleaseScratch(NDArray scratch)
    {
        if (!BufferScope.IsActive) scratch.Storage.Free();
    }

    /// <summary>The storage index of each row's first element (every axis but the last).</summary>
    private static Strided RowStarts(NDArray x) => Layouts.Axes(x, AllBut(x.Rank, x.Rank - 1), withOffset: true);

    private static NormParams NormParamsOf(NormKind kind, NDArray x, NDArray grad, NDArray weight, NDArray? bias, double eps) => new()
    {
        N = x.Shape[^1], XStride = x.Strides[^1], GStride = grad.Strides[^1],
        WOffset = weight.Offset, WStride = weight.Strides[0],
        BOffset = bias?.Offset ?? 0, BStride = bias?.Strides[0] ?? 0,
        Layer = kind == NormKind.Layer ? 1 : 0, HasBias = bias is null ? 0 : 1, Eps = eps,
    };
}
