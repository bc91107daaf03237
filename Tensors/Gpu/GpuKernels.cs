// The kernels of one device, compiled by ILGPU on first use and cached per element type (the fused norm,
// GeLU, im2col and causal conv kernels are in GpuKernels.Fused.cs).
using System.Collections.Concurrent;
using Engine.Tensors.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Engine.Tensors.Gpu;

internal sealed partial class GpuKernels(Accelerator accelerator)
{
    private readonly ConcurrentDictionary<(string, Type), Delegate> _loaded = new();

    private TDelegate Get<TDelegate, TKey>(string name, Func<Accelerator, TDelegate> load) where TDelegate : Delegate =>
        (TDelegate)_loaded.GetOrAdd((name, typeof(TKey)), _ => load(accelerator));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, int, Strided> Unary<T, M>() where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, int, Strided>, M>("unary",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, int, Strided>(ElementwiseKernels.Unary<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, Strided, Strided> Binary<T, M>() where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, Strided, Strided>, M>("binary",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, Strided, Strided>(ElementwiseKernels.Binary<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, Strided, Strided, Strided> Where<T, M>() where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, Strided, Strided, Strided>, M>("where",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, Strided, Strided, Strided>(ElementwiseKernels.Where<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, Strided, Strided> Copy<T>() where T : unmanaged =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, Strided, Strided>, T>("copy",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, Strided, Strided>(ElementwiseKernels.Copy));

    public Action<Index1D, ArrayView<TS>, ArrayView<TD>, Strided> Cast<TS, MS, TD, MD>()
        where TS : unmanaged where MS : struct, INum<TS> where TD : unmanaged where MD : struct, INum<TD> =>
        Get<Action<Index1D, ArrayView<TS>, ArrayView<TD>, Strided>, (MS, MD)>("cast",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<TS>, ArrayView<TD>, Strided>(ElementwiseKernels.Cast<TS, MS, TD, MD>));

    public Action<Index1D, ArrayView<T>, double, Strided> Fill<T, M>() where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, double, Strided>, M>("fill",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, double, Strided>(ElementwiseKernels.Fill<T, M>));

    public Action<KernelConfig, ArrayView<T>, ArrayView<T>, int, Strided, Strided, int> Reduce<T, M>() where T : unmanaged where M : struct, INum<T> =>
        Get<Action<KernelConfig, ArrayView<T>, ArrayView<T>, int, Strided, Strided, int>, M>("reduce",
            a => a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, int, Strided, Strided, int>(ReduceKernels.Reduce<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<long>, int, Strided, int, int> ArgReduce<T, M>() where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<long>, int, Strided, int, int>, M>("argreduce",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<long>, int, Strided, int, int>(ReduceKernels.ArgReduce<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, Strided, Strided, int, int, int> CumSum<T, M>() where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, Strided, Strided, int, int, int>, M>("cumsum",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, Strided, Strided, int, int, int>(ReduceKernels.CumSum<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int, int> LinearScan<T, M>() where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int, int>, M>("scan",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int, int>(ReduceKernels.LinearScan<T, M>));

    public Action<KernelConfig, ArrayView<T>, ArrayView<T>, Strided, int, int, int> Softmax<T, M>() where T : unmanaged where M : struct, INum<T> =>
        Get<Action<KernelConfig, ArrayView<T>, ArrayView<T>, Strided, int, int, int>, M>("softmax",
            a => a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, Strided, int, int, int>(SoftmaxKernels.SoftmaxRows<T, M>));

    public Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmShape, Strided, Strided> Gemm<T, M>() where T : unmanaged where M : struct, INum<T> =>
        Get<Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmShape, Strided, Strided>, M>("gemm",
            a => a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmShape, Strided, Strided>(GemmKernel.Gemm<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<long>, ArrayView<T>, Strided, Strided, int> Gather<T>() where T : unmanaged =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<long>, ArrayView<T>, Strided, Strided, int>, T>("gather",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<long>, ArrayView<T>, Strided, Strided, int>(IndexKernels.Gather));

    public Action<Index1D, ArrayView<T>, ArrayView<long>, ArrayView<T>, Strided, Strided, Strided, int, int, int, int> ScatterAdd<T, M>() where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<long>, ArrayView<T>, Strided, Strided, Strided, int, int, int, int>, M>("scatter",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<long>, ArrayView<T>, Strided, Strided, Strided, int, int, int, int>(IndexKernels.ScatterAdd<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, AdamScalars> Adam<T, M>() where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, AdamScalars>, M>("adam",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, AdamScalars>(Kernels.OptimizerKernels.Adam<T, M>));

    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, SgdScalars> Sgd<T, M>() where T : unmanaged where M : struct, INum<T> =>
        Get<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, SgdScalars>, M>("sgd",
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, SgdScalars>(Kernels.OptimizerKernels.Sgd<T, M>));
}
