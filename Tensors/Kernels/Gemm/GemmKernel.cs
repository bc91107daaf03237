// The register-blocked micro-kernels of the packed GEMM (GotoBLAS/BLIS: Goto & van de Geijn, "Anatomy of
// High-Performance Matrix Multiplication", 2008; Van Zee & van de Geijn, "BLIS", 2015) and the cache
// blocking that goes with each. The instruction set is chosen once, at run time.
using System.Runtime.Intrinsics.X86;

namespace Engine.Tensors;

/// <summary>Which micro-kernels the packed GEMM runs.</summary>
public enum GemmIsa
{
    /// <summary>The fastest set this CPU supports.</summary>
    Auto,
    /// <summary>System.Numerics.Vector&lt;T&gt; multiply and add; runs everywhere.</summary>
    Portable,
    /// <summary>Vector256 with FMA (x86 AVX2 + FMA3).</summary>
    Avx2,
    /// <summary>Vector512 with FMA (x86 AVX-512F). Runs on any CPU, emulated in software (slowly) without
    /// AVX-512; Auto picks it only where the hardware has it.</summary>
    Avx512,
}

/// <summary>
/// A micro-kernel computes an Rows x Cols tile of C from a packed A sliver (Rows values per k) and a packed
/// B sliver (Cols values per k): tile = sum over k of a(:, k) b(k, :), summed in increasing k from zero, then
/// stored to C (row stride ldc, unit column stride) or added to what C holds.
/// KC, MC and NC are the cache blocks: a KC x Cols B sliver stays in L1, an MC x KC A block in L2 and a
/// KC x NC B panel in L3.
/// </summary>
internal readonly unsafe struct GemmKernel<T> where T : unmanaged
{
    public readonly int Rows, Cols, KC, MC, NC;
    public readonly delegate*<int, T*, T*, T*, nint, bool, void> Compute;

    public GemmKernel(int rows, int cols, int kc, int mc, int nc, delegate*<int, T*, T*, T*, nint, bool, void> compute)
    {
        Rows = rows;
        Cols = cols;
        KC = kc;
        MC = mc - mc % rows;
        NC = nc - nc % cols;
        Compute = compute;
    }
}

internal static unsafe class GemmKernels
{
    // Blocks for a 32 KiB L1, 512 KiB L2 and a multi-MiB L3 (Zen 3; tuned by `engine bench gemm`, see
    // docs/BENCHMARKS.md): the B sliver (KC x NR, 24 KiB float / 16 KiB double) fits L1 next to an A
    // sliver, the A block (MC x KC, about 220 / 290 KiB) fits L2. The wider AVX-512 slivers take a
    // shorter KC to stay within L1.
    private const int KcFloat = 384, McFloat = 144, NcFloat = 4080;
    private const int KcDouble = 256, McDouble = 144, NcDouble = 4080;
    private const int KcFloat512 = 256, KcDouble512 = 192;

    public static GemmIsa Best { get; } =
        Avx512F.IsSupported ? GemmIsa.Avx512 :
        Fma.IsSupported && Avx2.IsSupported ? GemmIsa.Avx2 :
        GemmIsa.Portable;

    public static bool IsSupported(GemmIsa isa) => isa switch
    {
        GemmIsa.Auto or GemmIsa.Portable => true,
        GemmIsa.Avx2 => Fma.IsSupported && Avx2.IsSupported,
        // Vector512 is emulated where the hardware lacks it: correct (the tests use that), but slow.
        GemmIsa.Avx512 => true,
        _ => false,
    };

    public static GemmKernel<float> ForFloat(GemmIsa isa) => Resolve(isa) switch
    {
        GemmIsa.Avx512 => new(6, 32, KcFloat512, McFloat, NcFloat, &MicroKernelsAvx512.Float6x32),
        GemmIsa.Avx2 => new(6, 16, KcFloat, McFloat, NcFloat, &MicroKernelsAvx2.Float6x16),
        _ => new(MicroKernelsPortable.Rows, MicroKernelsPortable.Cols<float>(), KcFloat, McFloat, NcFloat,
            &MicroKernelsPortable.Compute<float>),
    };

    public static GemmKernel<double> ForDouble(GemmIsa isa) => Resolve(isa) switch
    {
        GemmIsa.Avx512 => new(6, 16, KcDouble512, McDouble, NcDouble, &MicroKernelsAvx512.Double6x16),
        GemmIsa.Avx2 => new(6, 8, KcDouble, McDouble, NcDouble, &MicroKernelsAvx2.Double6x8),
        _ => new(MicroKernelsPortable.Rows, MicroKernelsPortable.Cols<double>(), KcDouble, McDouble, NcDouble,
            &MicroKernelsPortable.Compute<double>),
    };

    private static GemmIsa Resolve(GemmIsa isa)
    {
        if (isa == GemmIsa.Auto) return Best;
        if (!IsSupported(isa)) throw EngineException.ForOp("gemm", $"instruction set {isa} is not supported by this CPU");
        return isa;
    }
}
