// Softmax and log-softmax over the last axis: one group per row, three passes over the row (max, sum of
// exp(x - max), write), each combined across the group with warp shuffles and shared memory. An
// all -inf row uses 0 as its max, as the reference composite does.
using ILGPU;

namespace Engine.Tensors.Gpu.Kernels;

public static class SoftmaxKernels
{
    public const int GroupSize = 128;

    public static void SoftmaxRows<T, M>(ArrayView<T> x, ArrayView<T> y, Strided rows, int n, int stride, int log)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        int row = Grid.IdxX;
        int start = rows.At(row);
        T max = m.Identity(1);
        for (int j = Group.IdxX; j < n; j += Group.DimX)
            max = m.Binary(5, max, x[start + j * stride]);
        max = ReduceKernels.GroupCombine<T, M>(1, max);
        var shared = SharedMemory.Allocate<T>(1);
        if (Group.IdxX == 0)
        {
            double mx = m.ToDouble(max);
            shared[0] = mx - mx == 0 ? max : m.Zero;
        }
        Group.Barrier();
        max = shared[0];
        T sum = m.Zero;
        for (int j = Group.IdxX; j < n; j += Group.DimX)
            sum = m.Add(sum, m.Unary(3, m.Binary(1, x[start + j * stride], max)));
        sum = ReduceKernels.GroupCombine<T, M>(0, sum);
        Group.Barrier();
        if (Group.IdxX == 0) shared[0] = sum;
        Group.Barrier();
        sum = shared[0];
        T logSum = m.Unary(4, sum);
        int outStart = row * n;
        for (int j = Group.IdxX; j < n; j += Group.DimX)
        {
            T shifted = m.Binary(1, x[start + j * stride], max);
            y[outStart + j] = log != 0 ? m.Binary(1, shifted, logSum) : m.Binary(3, m.Unary(3, shifted), sum);
        }
    }
}
