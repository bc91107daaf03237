// Gather and scatter-add along one axis. Gather: one thread per output element. Scatter-add: one thread
// per line (every coordinate but the axis), which walks the index along the axis in order, so repeated
// indices accumulate in the reference's order without atomics and the result is deterministic.
using ILGPU;

namespace Engine.Tensors.Gpu.Kernels;

public static class IndexKernels
{
    /// <summary>y[i] = x[xAt(i) + index[indexAt(i)]·axisStride]; xAt has stride 0 on the axis.</summary>
    public static void Gather<T>(Index1D i, ArrayView<T> x, ArrayView<long> index, ArrayView<T> y, Strided xs, Strided ids, int axisStride)
        where T : unmanaged =>
        y[i] = x[xs.At(i) + (int)index[ids.At(i)] * axisStride];

    /// <summary>result[line + index[j]·resultStride] += src[line + j·srcStride] for j along the axis.</summary>
    public static void ScatterAdd<T, M>(Index1D line, ArrayView<T> result, ArrayView<long> index, ArrayView<T> src,
        Strided resultLines, Strided indexLines, Strided srcLines, int length, int resultStride, int indexStride, int srcStride)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        int r = resultLines.At(line), k = indexLines.At(line), s = srcLines.At(line);
        for (int j = 0; j < length; j++)
        {
            int at = r + (int)index[k + j * indexStride] * resultStride;
            result[at] = m.Add(result[at], src[s + j * srcStride]);
        }
    }
}
