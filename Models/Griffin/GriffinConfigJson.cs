// Reads a GriffinConfig from the reference's JSON field names (recurrentgemma `common.py` GriffinConfig),
// collecting every bad, missing or unknown field into one EngineException.
using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Tensors;

namespace Engine.Models.Griffin;

internal static class GriffinConfigJson
{
    private static readonly string[] KnownFields =
    [
        "vocab_size", "width", "mlp_expanded_width", "num_heads", "lru_width", "block_types",
        "attention_window_size", "embeddings_scale_by_sqrt_dim", "logits_soft_cap",
    ];

    public static GriffinConfig Parse(string json, string source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject
                   ?? throw new EngineException($"GriffinConfig: {source} must hold a JSON object");
        }
        catch (JsonException ex)
        {
            throw new EngineException($"GriffinConfig: {source} is not valid JSON: {ex.Message}", ex);
        }

        var problems = new List<string>();
        foreach (var (name, _) in root)
            if (Array.IndexOf(KnownFields, name) < 0) problems.Add($"unknown field '{name}'");

        int width = Int(root, "width", problems, required: true);
        var config = new GriffinConfig
        {
            VocabSize = Int(root, "vocab_size", problems, required: true),
            Width = width,
            MlpExpandedWidth = Int(root, "mlp_expanded_width", problems, required: true),
            NumHeads = Int(root, "num_heads", problems, required: true),
            LruWidth = root["lru_width"] is null ? width : Int(root, "lru_width", problems, required: true),
            BlockTypes = BlockTypes(root, problems),
            AttentionWindowSize = Int(root, "attention_window_size", problems, required: true),
            EmbeddingsScaleBySqrtDim = Bool(root, "embeddings_scale_by_sqrt_dim", problems),
            LogitsSoftCap = root["logits_soft_cap"] is null ? 0 : Double(root, "logits_soft_cap", problems),
        };
        if (problems.Count > 0)
            throw new EngineException($"GriffinConfig: {source}: " + string.Join("; ", problems));
        try
        {
            return config.Validate();
        }
        catch (EngineException ex)
        {
            throw new EngineException($"{source}: {ex.Message}", ex);
        }
    }

    private static int Int(JsonObject root, string name, List<string> problems, bool required)
    {
        var node = root[name];
        if (node is null)
        {
            if (required) problems.Add($"missing required integer field '{name}'");
            return 0;
        }
        if (node is JsonValue value && value.TryGetValue<JsonElement>(out var element)
            && element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out int result))
            return result;
        problems.Add($"'{name}' must be an integer, got {node.ToJsonString()}");
        return 0;
    }

    private static double Double(JsonObject root, string name, List<string> problems)
    {
        if (root[name] is JsonValue value && value.TryGetValue<JsonElement>(out var element)
            && element.ValueKind == JsonValueKind.Number)
            return element.GetDouble();
        problems.Add($"'{name}' must be a number or null, got {root[name]?.ToJsonString()}");
        return 0;
    }

    private static bool Bool(JsonObject root, string name, List<string> problems)
    {
        var node = root[name];
        if (node is JsonValue value && value.TryGetValue<JsonElement>(out var element)
            && element.ValueKind is JsonValueKind.True or JsonValueKind.False)
            return element.GetBoolean();
        problems.Add(node is null ? $"missing required boolean field '{name}'" : $"'{name}' must be true or false, got {node.ToJsonString()}");
        return false;
    }

    private static List<TemporalBlockType> BlockTypes(JsonObject root, List<string> problems)
    {
        var types = new List<TemporalBlockType>();
        if (root["block_types"] is not JsonArray array)
        {
            problems.Add($"'block_types' must be an array of \"RECURRENT\"/\"ATTENTION\", got {root["block_types"]?.ToJsonString() ?? "nothing"}");
            return types;
        }
        for (int i = 0; i < array.Count; i++)
        {
            string? text = array[i] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            switch (text)
            {
                case "RECURRENT": types.Add(TemporalBlockType.Recurrent); break;
                case "ATTENTION": types.Add(TemporalBlockType.Attention); break;
                default: problems.Add($"block_types[{i}] must be \"RECURRENT\" or \"ATTENTION\", got {array[i]?.ToJsonString() ?? "null"}"); break;
            }
        }
        return types;
    }
}
