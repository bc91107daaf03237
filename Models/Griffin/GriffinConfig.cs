// GriffinConfig: the hyper-parameters of Griffin, Hawk, RecurrentGemma and the MQA-transformer baseline,
// with the JSON field names of the reference (google-deepmind/recurrentgemma `common.py` GriffinConfig;
// specs/griffin.md §1, §3). Validation happens once, here, so the modules can trust their sizes.
using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Tensors;

namespace Engine.Models.Griffin;

public enum TemporalBlockType
{
    Recurrent,
    Attention,
}

public sealed record GriffinConfig
{
    public required int VocabSize { get; init; }
    public required int Width { get; init; }
    public required int MlpExpandedWidth { get; init; }
    public required int NumHeads { get; init; }
    /// <summary>RNN width E; the reference defaults it to the model width.</summary>
    public required int LruWidth { get; init; }
    public required IReadOnlyList<TemporalBlockType> BlockTypes { get; init; }
    /// <summary>W: each query sees itself and W earlier keys of its document.</summary>
    public required int AttentionWindowSize { get; init; }
    public required bool EmbeddingsScaleBySqrtDim { get; init; }
    /// <summary>c in c·tanh(logits/c); 0 turns the cap off.</summary>
    public required double LogitsSoftCap { get; init; }

    public int HeadDim => Width / NumHeads;
    public int NumBlocks => BlockTypes.Count;

    /// <summary>Throws one EngineException listing every inconsistent field.</summary>
    public GriffinConfig Validate()
    {
        var problems = new List<string>();
        void Positive(string field, int value)
        {
            if (value <= 0) problems.Add($"{field} must be positive, got {value}");
        }
        Positive("vocab_size", VocabSize);
        Positive("width", Width);
        Positive("mlp_expanded_width", MlpExpandedWidth);
        Positive("num_heads", NumHeads);
        Positive("lru_width", LruWidth);
        Positive("attention_window_size", AttentionWindowSize);
        if (NumHeads > 0 && Width > 0 && Width % NumHeads != 0)
            problems.Add($"width {Width} must be divisible by num_heads {NumHeads}");
        // RoPE rotates the first half of each head and pairs the halves of that half (§1.9).
        else if (NumHeads > 0 && Width > 0 && HeadDim % 4 != 0)
            problems.Add($"the head dimension width/num_heads = {HeadDim} must be a multiple of 4 for RoPE");
        if (NumHeads > 0 && LruWidth > 0 && LruWidth % NumHeads != 0)
            problems.Add($"lru_width {LruWidth} must be divisible by num_heads {NumHeads} (block-diagonal RG-LRU gates)");
        if (BlockTypes.Count == 0) problems.Add("block_types must name at least one block");
        if (LogitsSoftCap < 0 || !double.IsFinite(LogitsSoftCap))
            problems.Add($"logits_soft_cap must be a finite number >= 0 (0 = off), got {LogitsSoftCap}");
        if (problems.Count > 0)
            throw new EngineException("GriffinConfig: " + string.Join("; ", problems));
        return this;
    }

    /// <summary>The parameter count of a model built from this config, computed without allocating it.</summary>
    public long ParameterCount()
    {
        long d = Width, e = LruWidth, m = MlpExpandedWidth, h = NumHeads, hd = HeadDim;
        long perBlockShared = 2 * d                    // temporal and channel pre-norm scales
                              + 2 * d * m + 2 * m      // ffw_up w [2,D,M], b [2,1,1,M]
                              + m * d + d;             // ffw_down
        long recurrent = 2 * (e * d + e)               // linear_y, linear_x
                         + d * e + d                   // linear_out
                         + 4 * e + e                   // conv_1d w [4,E], b [E]
                         + e                           // a_param
                         + 2 * (h * (e / h) * (e / h) + e); // input_gate and a_gate
        long attention = d * d + 2 * hd * d + d * d + d;
        long total = (long)VocabSize * d + d;          // tied embedding, final norm
        foreach (var type in BlockTypes)
            total += perBlockShared + (type == TemporalBlockType.Recurrent ? recurrent : attention);
        return total;
    }

    public string ToJson() => new JsonObject
    {
        ["vocab_size"] = VocabSize,
        ["width"] = Width,
        ["mlp_expanded_width"] = MlpExpandedWidth,
        ["num_heads"] = NumHeads,
        ["lru_width"] = LruWidth,
        ["block_types"] = new JsonArray(BlockTypes.Select(t => (JsonNode?)JsonValue.Create(BlockTypeName(t))).ToArray()),
        ["attention_window_size"] = AttentionWindowSize,
        ["embeddings_scale_by_sqrt_dim"] = EmbeddingsScaleBySqrtDim,
        ["logits_soft_cap"] = LogitsSoftCap,
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>Writes the JSON atomically (temp file, flush, rename).</summary>
    public void Save(string path) => Engine.Nn.Checkpoints.AtomicFile.Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(ToJson())));

    public static GriffinConfig Load(string path)
    {
        if (!File.Exists(path)) throw new EngineException($"GriffinConfig: config file '{path}' does not exist");
        return FromJson(File.ReadAllText(path), path);
    }

    /// <summary>Parses the reference's JSON fields; lru_width may be absent or null (= width) and
    /// logits_soft_cap may be null (= off), as in the reference.</summary>
    public static GriffinConfig FromJson(string json, string source = "config JSON") =>
        GriffinConfigJson.Parse(json, source);

    public static string BlockTypeName(TemporalBlockType type) =>
        type == TemporalBlockType.Recurrent ? "RECURRENT" : "ATTENTION";
}
