// Optional comparison point for `engine bench gemm`: the system OpenBLAS (e.g. Debian's libopenblas0),
// loaded at run time if present and called through cblas_sgemm/cblas_dgemm. Only the benchmark touches
// native code; the engine itself never does.
//
// OpenBLAS's worker threads spin for about 2^28 cycles (~0.1 s) after each call before they sleep. Timed call
// by call against the engine, those spinning workers would take one of the cores the engine's next call runs
// on (on a 2-core machine this halved the engine's 2-thread speed on short GEMMs). So, unless the user set it,
// OPENBLAS_THREAD_TIMEOUT is set to its minimum (2^4 cycles) before the library loads: idle workers sleep at
// once, and each library is timed on cores the other has left.
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

    private const string ThreadTimeoutVariable = "OPENBLAS_THREAD_TIMEOUT";

    /// <summary>The OPENBLAS_THREAD_TIMEOUT the library was loaded with ("default" when it could not be set).</summary>
    public string ThreadTimeout { get; private set; } = "default";

    /// <summary>The first OpenBLAS found on this machine, or null.</summary>
    public static OpenBlasGemm? TryLoad()
    {
        string threadTimeout = Environment.GetEnvironmentVariable(ThreadTimeoutVariable) ?? (TrySetNativeEnvironment(ThreadTimeoutVariable, "4") ? "4" : "default");
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
                    Marshal.GetDelegateForFunctionPointer<DgemmFn>(dgemm), setThreads) { ThreadTimeout = threadTimeout };
            }
            NativeLibrary.Free(handle);
        }
        return null;
    }

    /// <summary>OpenBLAS reads its settings from the C environment when it loads, which .NET's
    /// Environment.SetEnvironmentVariable does not change on Unix; so this calls the C library's setenv.</summary>
    private static bool TrySetNativeEnvironment(string name, string value)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return false;
        try
        {
            return (OperatingSystem.IsLinux() ? SetEnvLinux(name, value, 1) : SetEnvMac(name, value, 1)) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "setenv")]
    private static extern int SetEnvLinux([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnvMac([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    public void SetThreads(int threads) => _setThreads?.Invoke(threads);

    /// <summary>Row-major C[m, n] = A[m, k] * B[k, n] with dense operands.</summary>
    public void Multiply(int m, int n, int k, float[] a, float[] b, float[] c) =>
        _sgemm(RowMajor, NoTranspose, NoTranspose, m, n, k, 1f, a, Math.Max(1, k), b, Math.Max(1, n), 0f, c, Math.Max(1, n));

    public void Multiply(int m, int n, int k, double[] a, double[] b, double[] c) =>
        _dgemm(RowMajor, NoTranspose, NoTranspose, m, n, k, 1.0, a, Math.Max(1, k), b, Math.Max(1, n), 0.0, c, Math.Max(1, n));
}
