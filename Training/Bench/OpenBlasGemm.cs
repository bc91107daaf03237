// Optional comparison point for `engine bench gemm`: the system OpenBLAS (e.g. Debian's libopenblas0),
// loaded at run time if present and called through cblas_sgemm/cblas_dgemm. Only the benchmark touches
// native code; the engine itself never does.
using System.Runtime.InteropServices;

namespace Engine.Training.Bench;

internal sealed class OpenBlasGemm
{
    private const int RowMajor = 101, NoTranspose = 111;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SgemmFn(int order, int transA, int transB, int m, int n, int k, float alpha, float[] a, int lda,
        float[] b, int ldb, float beta, float[] c, int ldc);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void DgemmFn(int order, int transA, int transB, int m, int n, int k, double alpha, double[] a, int lda,
        double[] b, int ldb, double beta, double[] c, int ldc);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SetThreadsFn(int threads);

    private static readonly string[] LibraryNames =
    [
        "libopenblas.so.0", "libopenblas.so", "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
        "/usr/lib/aarch64-linux-gnu/libopenblas.so.0", "libopenblas.dylib", "libopenblas.dll", "openblas",
    ];

    private readonly SgemmFn _sgemm;
    private readonly DgemmFn _dgemm;
    private readonly SetThreadsFn? _setThreads;

    public string Library { get; }

    private OpenBlasGemm(string library, SgemmFn sgemm, DgemmFn dgemm, SetThreadsFn? setThreads)
    {
        Library = library;
        _sgemm = sgemm;
        _dgemm = dgemm;
        _setThreads = setThreads;
    }

    /// <summary>The first OpenBLAS found on this machine, or null.</summary>
    public static OpenBlasGemm? TryLoad()
    {
        foreach (var name in LibraryNames)
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) continue;
            if (NativeLibrary.TryGetExport(handle, "cblas_sgemm", out var sgemm) &&
                NativeLibrary.TryGetExport(handle, "cblas_dgemm", out var dgemm))
            {
                SetThreadsFn? setThreads = NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out var set)
                    ? Marshal.GetDelegateForFunctionPointer<SetThreadsFn>(set)
                    : null;
                return new OpenBlasGemm(name, Marshal.GetDelegateForFunctionPointer<SgemmFn>(sgemm),
                    Marshal.GetDelegateForFunctionPointer<DgemmFn>(dgemm), setThreads);
            }
            NativeLibrary.Free(handle);
        }
        return null;
    }

    public void SetThreads(int threads) => _setThreads?.Invoke(threads);

    /// <summary>Row-major C[m, n] = A[m, k] * B[k, n] with dense operands.</summary>
    public void Multiply(int m, int n, int k, float[] a, float[] b, float[] c) =>
        _sgemm(RowMajor, NoTranspose, NoTranspose, m, n, k, 1f, a, Math.Max(1, k), b, Math.Max(1, n), 0f, c, Math.Max(1, n));

    public void Multiply(int m, int n, int k, double[] a, double[] b, double[] c) =>
        _dgemm(RowMajor, NoTranspose, NoTranspose, m, n, k, 1.0, a, Math.Max(1, k), b, Math.Max(1, n), 0.0, c, Math.Max(1, n));
}
