// GriffinConfig: parameter counts against the RecurrentGemma report (Table 1: 2.683B and 8.580B),
// the count against real models, JSON round trips with the reference field names, and bad configs.
using Engine.Models.Griffin;
using Engine.Tensors;

namespace Engine.Models.Tests.Griffin;

public sealed class GriffinConfigTests
{
    [Fact]
    public void RecurrentGemmaParameterCountsMatchTheReport()
    {
        Assert.Equal(2.683, Math.Round(GriffinPresets.RecurrentGemma2B.ParameterCount() / 1e9, 3));
        Assert.Equal(8.580, Math.Round(GriffinPresets.RecurrentGemma9B.ParameterCount() / 1e9, 3));
        Assert.Equal(18, GriffinPresets.RecurrentGemma2B.BlockTypes.Count(t => t == TemporalBlockType.Recurrent));
        Assert.Equal(12, GriffinPresets.RecurrentGemma9B.BlockTypes.Count(t => t == TemporalBlockType.Attention));
    }

    public static TheoryData<string> SmallPresets => new() { "griffin-small", "hawk-small", "mqa-small" };

    [Theory]
    [MemberData(nameof(SmallPresets))]
    public void CountedParametersEqualTheBuiltModel(string preset)
    {
        var config = GriffinPresets.ByName(preset);
        var model = new GriffinModel(config, new Engine.Tensors.Generator(0));
        Assert.Equal(config.ParameterCount(), model.ParameterCount);
        Assert.Equal(GriffinPresets.ByteVocabSize, model.VocabSize);
    }

    [Fact]
    public void EveryNamedPresetResolvesAndSurvivesJson()
    {
        foreach (string name in GriffinPresets.Names)
        {
            var config = GriffinPresets.ByName(name);
            Assert.Equal(config.ToJson(), GriffinConfig.FromJson(config.ToJson()).ToJson());
        }
        Assert.Equal(32, GriffinPresets.HawkPaper7B.BlockTypes.Count(t => t == TemporalBlockType.Recurrent));
        Assert.Equal(5632, GriffinPresets.GriffinPaper7B.LruWidth);
    }

    [Fact]
    public void PresetPatterns()
    {
        Assert.Equal([TemporalBlockType.Recurrent, TemporalBlockType.Recurrent, TemporalBlockType.Attention], GriffinPresets.SmallGriffin.BlockTypes);
        Assert.All(GriffinPresets.SmallHawk.BlockTypes, t => Assert.Equal(TemporalBlockType.Recurrent, t));
        Assert.All(GriffinPresets.SmallTransformer.BlockTypes, t => Assert.Equal(TemporalBlockType.Attention, t));
    }

    [Fact]
    public void JsonRoundTripKeepsEveryField()
    {
        var config = TinyGriffin.VectorAConfig;
        string json = config.ToJson();
        foreach (string field in new[] { "vocab_size", "width", "mlp_expanded_width", "num_heads", "lru_width", "block_types",
                                         "attention_window_size", "embeddings_scale_by_sqrt_dim", "logits_soft_cap" })
            Assert.Contains($"\"{field}\"", json);
        Assert.Contains("\"ATTENTION\"", json);
        var back = GriffinConfig.FromJson(json);
        Assert.Equal(json, back.ToJson());
        Assert.Equal(config.BlockTypes, back.BlockTypes);
        Assert.Equal(config with { BlockTypes = back.BlockTypes }, back);
    }

    [Fact]
    public void SaveAndLoadThroughAFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"griffin-config-{Guid.NewGuid():N}.json");
        try
        {
            GriffinPresets.RecurrentGemma2B.Save(path);
            Assert.Equal(GriffinPresets.RecurrentGemma2B.ToJson(), GriffinConfig.Load(path).ToJson());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void OptionalFieldsFollowTheReferenceDefaults()
    {
        var config = GriffinConfig.FromJson("""
            {"vocab_size": 10, "width": 8, "mlp_expanded_width": 24, "num_heads": 2, "lru_width": null,
             "block_types": ["RECURRENT"], "attention_window_size": 4, "embeddings_scale_by_sqrt_dim": false,
             "logits_soft_cap": null}
            """);
        Assert.Equal(8, config.LruWidth);
        Assert.Equal(0, config.LogitsSoftCap);
    }

    [Fact]
    public void BadFieldsAreAllReportedInOneError()
    {
        var error = Assert.Throws<EngineException>(() => GriffinConfig.FromJson("""
            {"vocab_size": "many", "width": 8, "num_heads": 2, "block_types": ["RECURRENT", "MAMBA"],
             "attention_window_size": 4, "embeddings_scale_by_sqrt_dim": 1, "logits_soft_cap": 30, "dropout": 0.1}
            """, "bad.json"));
        Assert.Contains("bad.json", error.Message);
        Assert.Contains("unknown field 'dropout'", error.Message);
        Assert.Contains("'vocab_size' must be an integer", error.Message);
        Assert.Contains("missing required integer field 'mlp_expanded_width'", error.Message);
        Assert.Contains("block_types[1]", error.Message);
        Assert.Contains("'embeddings_scale_by_sqrt_dim' must be true or false", error.Message);
    }

    [Theory]
    [InlineData("""{"vocab_size": 10, "width": 9, "mlp_expanded_width": 24, "num_heads": 2, "block_types": ["RECURRENT"], "attention_window_size": 4, "embeddings_scale_by_sqrt_dim": false, "logits_soft_cap": 0}""", "divisible by num_heads")]
    [InlineData("""{"vocab_size": 10, "width": 12, "mlp_expanded_width": 24, "num_heads": 2, "block_types": ["RECURRENT"], "attention_window_size": 4, "embeddings_scale_by_sqrt_dim": false, "logits_soft_cap": 0}""", "multiple of 4")]
    [InlineData("""{"vocab_size": 10, "width": 8, "mlp_expanded_width": 24, "num_heads": 2, "lru_width": 7, "block_types": ["RECURRENT"], "attention_window_size": 4, "embeddings_scale_by_sqrt_dim": false, "logits_soft_cap": 0}""", "lru_width 7")]
    [InlineData("""{"vocab_size": 10, "width": 8, "mlp_expanded_width": 24, "num_heads": 2, "block_types": [], "attention_window_size": 0, "embeddings_scale_by_sqrt_dim": false, "logits_soft_cap": -1}""", "attention_window_size must be positive")]
    [InlineData("""[1, 2]""", "JSON object")]
    [InlineData("""{"vocab_size": 10,""", "not valid JSON")]
    public void InconsistentConfigsAreRejected(string json, string expected)
    {
        var error = Assert.Throws<EngineException>(() => GriffinConfig.FromJson(json));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void UnknownPresetAndMissingFileAreClearErrors()
    {
        Assert.Contains("known:", Assert.Throws<EngineException>(() => GriffinPresets.ByName("mamba")).Message);
        Assert.Contains("does not exist", Assert.Throws<EngineException>(() => GriffinConfig.Load("/nonexistent/griffin.json")).Message);
    }
}
