// Parses and checks a safetensors JSON header without trusting any of it: types, duplicate keys, dtypes,
// shapes, element counts, offsets, and that the tensors tile the byte buffer exactly (no holes, no overlap).
using System.Text.Json;
using System.Text.Unicode;
using Engine.Tensors;

namespace Engine.Nn.Checkpoints;

internal static class SafeTensorsHeaderParser
{
    public const string MetadataKey = "__metadata__";

    // Entries nest at most three levels ({ name: { shape: [ ] } }); anything deeper is malformed anyway.
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 8 };

    public static SafeTensorsHeader Parse(string path, byte[] headerBytes, long bufferLength)
    {
        var problems = new ProblemList();
        if (headerBytes.Length == 0 || headerBytes[0] != (byte)'{')
        {
            string found = headerBytes.Length == 0 ? "an empty header" : $"byte 0x{headerBytes[0]:X2}";
            problems.Add($"the header must start with '{{', found {found}");
            throw problems.ToException(path, "invalid safetensors file");
        }
        if (!Utf8.IsValid(headerBytes))
        {
            problems.Add("the header is not valid UTF-8");
            throw problems.ToException(path, "invalid safetensors file");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes, JsonOptions);
        }
        catch (JsonException ex)
        {
            problems.Add($"the header is not valid JSON ({ex.Message})");
            throw problems.ToException(path, "invalid safetensors file");
        }

        using (document)
        {
            try
            {
                return Interpret(path, document.RootElement, headerBytes.LongLength, bufferLength, problems);
            }
            catch (InvalidOperationException ex)
            {
                // System.Text.Json accepts escapes such as a lone "\ud800" while parsing but refuses to turn
                // them into .NET strings.
                problems.Add($"the header contains a string that is not valid text ({ex.Message})");
                throw problems.ToException(path, "invalid safetensors file");
            }
        }
    }

    private static SafeTensorsHeader Interpret(string path, JsonElement root, long headerLength, long bufferLength, ProblemList problems)
    {
        var entries = new List<SafeTensorEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var spans = new List<(string Name, long Begin, long End)>();
        // Coverage is only checked when every entry's position is known; otherwise it would report
        // holes that are really the unreadable entries already listed.
        bool allOffsetsUsable = true;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                problems.Add($"duplicate key '{property.Name}'");
                allOffsetsUsable = false;
                continue;
            }
            if (property.Name == MetadataKey)
            {
                ParseMetadata(property.Value, metadata, problems);
                continue;
            }
            var entry = ParseEntry(property.Name, property.Value, bufferLength, spans, problems, ref allOffsetsUsable);
            if (entry is not null) entries.Add(entry);
        }
        if (allOffsetsUsable) CheckCoverage(spans, bufferLength, problems);
        problems.ThrowIfAny(path, "invalid safetensors file");
        return new SafeTensorsHeader(entries, metadata, 8 + headerLength, bufferLength);
    }

    private static void ParseMetadata(JsonElement value, Dictionary<string, string> metadata, ProblemList problems)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"'{MetadataKey}' must be an object of strings, found {value.ValueKind}");
            return;
        }
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                problems.Add($"'{MetadataKey}' value for '{item.Name}' must be a string, found {item.Value.ValueKind}");
            else if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                problems.Add($"duplicate key '{item.Name}' in '{MetadataKey}'");
        }
    }

    private static SafeTensorEntry? ParseEntry(string name, JsonElement value, long bufferLength, List<(string Name, long Begin, long End)> spans,
                                               ProblemList problems, ref bool allOffsetsUsable)
    {
        string where = $"tensor '{name}'";
        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{where}: entry must be an object, found {value.ValueKind}");
            allOffsetsUsable = false;
            return null;
        }

        JsonElement? dtypeJson = null, shapeJson = null, offsetsJson = null;
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in value.EnumerateObject())
        {
            if (!fields.Add(field.Name))
            {
                problems.Add($"{where}: duplicate key '{field.Name}'");
                continue;
            }
            switch (field.Name)
            {
                case "dtype": dtypeJson = field.Value; break;
                case "shape": shapeJson = field.Value; break;
                case "data_offsets": offsetsJson = field.Value; break;
            }
        }

        StoredDType? dtype = ParseDType(where, dtypeJson, problems);
        ulong[]? shape = ParseUnsignedArray(where, "shape", shapeJson, null, problems);
        ulong[]? offsets = ParseUnsignedArray(where, "data_offsets", offsetsJson, 2, problems);

        int[]? checkedShape = shape is null ? null : CheckShape(where, shape, problems);
        long begin = 0, end = 0;
        bool offsetsUsable = false;
        if (offsets is not null)
        {
            if (offsets[0] > offsets[1])
                problems.Add($"{where}: data_offsets [{offsets[0]}, {offsets[1]}] begin after they end");
            else if (offsets[1] > (ulong)bufferLength)
                problems.Add($"{where}: data_offsets [{offsets[0]}, {offsets[1]}] reach past the {bufferLength}-byte buffer");
            else
            {
                begin = (long)offsets[0];
                end = (long)offsets[1];
                offsetsUsable = true;
                spans.Add((name, begin, end));
            }
        }
        if (!offsetsUsable) allOffsetsUsable = false;
        if (dtype is null || checkedShape is null || !offsetsUsable) return null;

        long expectedBytes = (long)ShapeMath.NumElements(checkedShape) * dtype.Value.SizeInBytes();
        if (end - begin != expectedBytes)
        {
            problems.Add($"{where}: data_offsets [{begin}, {end}] span {end - begin} bytes, but {dtype.Value.FormatName()} " +
                         $"with shape {ShapeMath.Format(checkedShape)} needs {expectedBytes}");
        }
        return new SafeTensorEntry(name, dtype.Value, checkedShape, begin, end);
    }

    private static StoredDType? ParseDType(string where, JsonElement? json, ProblemList problems)
    {
        if (json is not { } value)
        {
            problems.Add($"{where}: missing 'dtype'");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{where}: 'dtype' must be a string, found {value.ValueKind}");
            return null;
        }
        string name = value.GetString()!;
        if (StoredDTypes.TryParse(name, out var dtype)) return dtype;
        problems.Add($"{where}: {StoredDTypes.DescribeUnsupported(ProblemList.Quote(name))}");
        return null;
    }

    private static ulong[]? ParseUnsignedArray(string where, string key, JsonElement? json, int? requiredLength, ProblemList problems)
    {
        if (json is not { } value)
        {
            problems.Add($"{where}: missing '{key}'");
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{where}: '{key}' must be an array of integers, found {value.ValueKind}");
            return null;
        }
        int length = value.GetArrayLength();
        if (requiredLength is { } required && length != required)
        {
            problems.Add($"{where}: '{key}' must have {required} entries, found {length}");
            return null;
        }
        var result = new ulong[length];
        int i = 0;
        bool ok = true;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetUInt64(out result[i]))
            {
                problems.Add($"{where}: '{key}'[{i}] must be a non-negative integer, found {ProblemList.Quote(item.GetRawText())}");
                ok = false;
            }
            i++;
        }
        return ok ? result : null;
    }

    /// <summary>
    /// The shape as int dims, or null when the engine cannot hold it. Like ShapeMath.NumElements, the running
    /// product must stay within int range at every step, so [huge, huge, 0] is refused too.
    /// </summary>
    private static int[]? CheckShape(string where, ulong[] shape, ProblemList problems)
    {
        var dims = new int[shape.Length];
        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] > int.MaxValue)
            {
                problems.Add($"{where}: dimension {i} is {shape[i]}, above the engine's limit of {int.MaxValue}");
                return null;
            }
            dims[i] = (int)shape[i];
            count *= dims[i];
            if (count > int.MaxValue)
            {
                problems.Add($"{where}: shape [{string.Join(", ", shape)}] has more than {int.MaxValue} elements");
                return null;
            }
        }
        return dims;
    }

    private static void CheckCoverage(List<(string Name, long Begin, long End)> spans, long bufferLength, ProblemList problems)
    {
        var ordered = spans.ToArray();
        Array.Sort(ordered, (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long covered = 0;
        string? previous = null;
        foreach (var (name, begin, end) in ordered)
        {
            if (begin > covered)
                problems.Add($"bytes [{covered}, {begin}) of the buffer belong to no tensor (a hole before '{name}')");
            else if (begin < covered)
                problems.Add($"tensor '{name}' at [{begin}, {end}) overlaps '{previous}', which ends at {covered}");
            if (end >= covered)
            {
                covered = end;
                previous = name;
            }
        }
        if (covered < bufferLength)
            problems.Add($"bytes [{covered}, {bufferLength}) at the end of the buffer belong to no tensor");
    }
}
