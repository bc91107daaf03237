// The safetensors dtype strings the engine reads and writes, their sizes, and what each becomes on load.
using Engine.Tensors;

namespace Engine.Nn.Checkpoints;

/// <summary>An element type as stored in a safetensors file; the names match the format's dtype strings.</summary>
public enum StoredDType
{
    F64,
    I64,
    F32,
    I32,
    BF16,
    F16,
}

/// <summary>How float32 tensors are stored when written. Float64 and int64 tensors are always stored as is.</summary>
public enum FloatStorage
{
    Float32,
    Float16,
    BFloat16,
}

public static class StoredDTypes
{
    public const string Supported = "F32, F64, F16, BF16, I64, I32";

    // Every other dtype string of the format (safetensors `enum Dtype`), so a rejection can say whether the
    // file is valid but beyond the engine or not safetensors at all.
    private static readonly HashSet<string> KnownButUnsupported = new(StringComparer.Ordinal)
    {
        "BOOL", "U8", "I8", "I16", "U16", "U32", "U64", "C64",
        "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "F4", "F6_E2M3", "F6_E3M2",
    };

    public static int SizeInBytes(this StoredDType dtype) => dtype switch
    {
        StoredDType.F64 or StoredDType.I64 => 8,
        StoredDType.F32 or StoredDType.I32 => 4,
        _ => 2,
    };

    /// <summary>The engine dtype a stored tensor becomes: 16-bit floats widen to float32, int32 to int64.</summary>
    public static DType LoadedDType(this StoredDType dtype) => dtype switch
    {
        StoredDType.F64 => DType.Float64,
        StoredDType.I64 or StoredDType.I32 => DType.Int64,
        _ => DType.Float32,
    };

    public static string FormatName(this StoredDType dtype) => dtype.ToString();

    public static bool TryParse(string name, out StoredDType dtype)
    {
        switch (name)
        {
            case "F64": dtype = StoredDType.F64; return true;
            case "I64": dtype = StoredDType.I64; return true;
            case "F32": dtype = StoredDType.F32; return true;
            case "I32": dtype = StoredDType.I32; return true;
            case "BF16": dtype = StoredDType.BF16; return true;
            case "F16": dtype = StoredDType.F16; return true;
            default: dtype = default; return false;
        }
    }

    public static string DescribeUnsupported(string name) => KnownButUnsupported.Contains(name)
        ? $"dtype '{name}' is not supported by the engine (supported: {Supported})"
        : $"dtype '{name}' is not a safetensors dtype (supported: {Supported})";

    /// <summary>The stored dtype for an engine tensor under the requested float32 storage.</summary>
    public static StoredDType ForWriting(DType dtype, FloatStorage float32As) => dtype switch
    {
        DType.Float64 => StoredDType.F64,
        DType.Int64 => StoredDType.I64,
        DType.Float32 => float32As switch
        {
            FloatStorage.Float16 => StoredDType.F16,
            FloatStorage.BFloat16 => StoredDType.BF16,
            _ => StoredDType.F32,
        },
        _ => throw new EngineException($"safetensors: cannot store dtype {dtype.Name()}"),
    };
}
