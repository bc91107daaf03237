// Serialises tensors in the safetensors layout: u64 header length, compact JSON header padded with spaces
// to a multiple of 8, then the tensors ordered by descending element size and then name, so every tensor
// starts at an offset aligned to its element size.
using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using Engine.Tensors;

namespace Engine.Nn.Checkpoints;

internal static class SafeTensorsWriter
{
    private const int ConversionChunkElements = 1 << 15;

    private sealed record PlannedTensor(string Name, NDArray Value, StoredDType DType, long Begin, long End);

    public static void Write(Stream stream, IEnumerable<(string Name, NDArray Value)> tensors,
                             IReadOnlyDictionary<string, string>? metadata, FloatStorage float32As, string target)
    {
        LittleEndianGuard.Require(target);
        var plan = Plan(tensors, metadata, float32As, target);
        byte[] header = BuildHeader(plan, metadata);
        int padding = (8 - header.Length % 8) % 8;

        Span<byte> lengthBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)(header.Length + padding));
        stream.Write(lengthBytes);
        stream.Write(header);
        for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
        foreach (var tensor in plan) WriteData(stream, tensor);
    }

    private static List<PlannedTensor> Plan(IEnumerable<(string Name, NDArray Value)> tensors,
                                            IReadOnlyDictionary<string, string>? metadata, FloatStorage float32As, string target)
    {
        var problems = new ProblemList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var accepted = new List<(string Name, NDArray Value, StoredDType DType)>();
        foreach (var (name, value) in tensors)
        {
            if (name is null || value is null)
            {
                problems.Add("a tensor or its name is null");
                continue;
            }
            if (name == SafeTensorsHeaderParser.MetadataKey)
                problems.Add($"'{name}' is reserved for the metadata map and cannot name a tensor");
            else if (!names.Add(name))
                problems.Add($"tensor name '{name}' appears twice");
            else
                accepted.Add((name, value, StoredDTypes.ForWriting(value.DType, float32As)));
        }
        if (metadata is not null)
            foreach (var (key, value) in metadata)
                if (key is null || value is null) problems.Add("a metadata key or value is null");
        problems.ThrowIfAny(target, "cannot write safetensors file");

        accepted.Sort((a, b) =>
        {
            int byAlignment = b.DType.SizeInBytes().CompareTo(a.DType.SizeInBytes());
            return byAlignment != 0 ? byAlignment : string.CompareOrdinal(a.Name, b.Name);
        });
        var plan = new List<PlannedTensor>(accepted.Count);
        long offset = 0;
        foreach (var (name, value, dtype) in accepted)
        {
            long size = (long)value.Size * dtype.SizeInBytes();
            plan.Add(new PlannedTensor(name, value, dtype, offset, offset + size));
            offset += size;
        }
        return plan;
    }

    private static byte[] BuildHeader(List<PlannedTensor> plan, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            if (metadata is not null && metadata.Count > 0)
            {
                json.WriteStartObject(SafeTensorsHeaderParser.MetadataKey);
                var keys = new List<string>(metadata.Keys);
                keys.Sort(StringComparer.Ordinal);
                foreach (string key in keys) json.WriteString(key, metadata[key]);
                json.WriteEndObject();
            }
            foreach (var tensor in plan)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType.FormatName());
                json.WriteStartArray("shape");
                foreach (int d in tensor.Value.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(tensor.Begin);
                json.WriteNumberValue(tensor.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteData(Stream stream, PlannedTensor tensor)
    {
        if (tensor.Value.Size == 0) return;
        var value = tensor.Value.To(Device.Cpu).Contiguous();
        switch (tensor.DType)
        {
            case StoredDType.F32: stream.Write(MemoryMarshal.AsBytes(value.Span<float>())); break;
            case StoredDType.F64: stream.Write(MemoryMarshal.AsBytes(value.Span<double>())); break;
            case StoredDType.I64: stream.Write(MemoryMarshal.AsBytes(value.Span<long>())); break;
            case StoredDType.F16: WriteNarrowed(stream, value.Span<float>(), HalfPrecision.FloatToFloat16); break;
            case StoredDType.BF16: WriteNarrowed(stream, value.Span<float>(), HalfPrecision.FloatToBFloat16); break;
            default: throw new EngineException($"safetensors: writing {tensor.DType} is not supported");
        }
    }

    private static void WriteNarrowed(Stream stream, ReadOnlySpan<float> source, Func<float, ushort> narrow)
    {
        var chunk = ArrayPool<ushort>.Shared.Rent(Math.Min(source.Length, ConversionChunkElements));
        try
        {
            for (int start = 0; start < source.Length; start += ConversionChunkElements)
            {
                int count = Math.Min(ConversionChunkElements, source.Length - start);
                for (int i = 0; i < count; i++) chunk[i] = narrow(source[start + i]);
                stream.Write(MemoryMarshal.AsBytes(chunk.AsSpan(0, count)));
            }
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(chunk);
        }
    }
}

/// <summary>The format is little-endian and the engine copies raw element bytes; refuse anything else.</summary>
internal static class LittleEndianGuard
{
    public static void Require(string path)
    {
        if (!BitConverter.IsLittleEndian)
            throw new EngineException($"{path}: safetensors reading and writing needs a little-endian machine");
    }
}
