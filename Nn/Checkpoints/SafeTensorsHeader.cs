// The parsed, validated header of a safetensors file: one entry per tensor plus the metadata map.
using Engine.Tensors;

namespace Engine.Nn.Checkpoints;

/// <summary>One tensor's header entry. Offsets are relative to the start of the byte buffer; End is exclusive.</summary>
public sealed class SafeTensorEntry
{
    public SafeTensorEntry(string name, StoredDType dtype, int[] shape, long begin, long end)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        Begin = begin;
        End = end;
    }

    public string Name { get; }
    public StoredDType DType { get; }
    public IReadOnlyList<int> Shape { get; }
    public long Begin { get; }
    public long End { get; }

    public int ElementCount
    {
        get
        {
            int n = 1;
            foreach (int d in Shape) n *= d;
            return n;
        }
    }

    public TensorSpec Spec => new(Shape, DType.LoadedDType());
}

public sealed class SafeTensorsHeader
{
    public SafeTensorsHeader(IReadOnlyList<SafeTensorEntry> entries, IReadOnlyDictionary<string, string> metadata, long bufferStart, long bufferLength)
    {
        Entries = entries;
        Metadata = metadata;
        BufferStart = bufferStart;
        BufferLength = bufferLength;
    }

    /// <summary>The tensors in the order the header lists them.</summary>
    public IReadOnlyList<SafeTensorEntry> Entries { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>File position of the byte buffer: 8 plus the header length.</summary>
    public long BufferStart { get; }

    public long BufferLength { get; }

    /// <summary>Name to (shape, loaded dtype), for checking a checkpoint against a model before loading it.</summary>
    public IReadOnlyDictionary<string, TensorSpec> Specs()
    {
        var specs = new Dictionary<string, TensorSpec>(StringComparer.Ordinal);
        foreach (var entry in Entries) specs[entry.Name] = entry.Spec;
        return specs;
    }
}
