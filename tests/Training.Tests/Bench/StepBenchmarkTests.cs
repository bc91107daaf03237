// `engine bench step` with a Griffin config file: the JSON reports the config's own parameter count and
// batch shape; the presets still take --batch/--seq; a bad config or a bad combination of options is one
// line on stderr and exit code 2. No timing is asserted beyond being positive.
using System.Text.Json;
using Engine.Models.Griffin;
using Engine.Training.Tests.Cli;
using Engine.Training.Tests.Data;
using Xunit;

namespace Engine.Training.Tests.Bench;

[Collection("Console")]
public class StepBenchmarkTests
{
    private const string TinyConfig = """
        {"vocab_size": 20, "width": 16, "mlp_expanded_width": 48, "num_heads": 2, "lru_width": 24,
         "block_types": ["RECURRENT", "ATTENTION"], "attention_window_size": 4,
         "embeddings_scale_by_sqrt_dim": true, "logits_soft_cap": 30.0}
        """;

    [Fact]
    public void AConfigFileIsTrainedAtTheGivenShape()
    {
        using var dir = new TempDirectory();
        string config = dir.File("tiny.json");
        File.WriteAllText(config, TinyConfig);
        var (code, stdout, stderr) = CliCapture.Run(["bench", "step", "--model", "griffin", "--config", config, "--batch", "3", "--seq", "10", "--steps", "2", "--warmup", "1", "--json"]);
        Assert.True(code == 0, stderr);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(GriffinConfig.Load(config).ParameterCount(), json.GetProperty("parameters").GetInt64());
        Assert.Equal(3, json.GetProperty("batch").GetInt32());
        Assert.Equal(10, json.GetProperty("seq").GetInt32());
        Assert.True(json.GetProperty("median_ms").GetDouble() > 0);
        Assert.True(json.GetProperty("bytes_per_step").GetDouble() > 0);
        Assert.Contains("1 recurrent, 1 attention", json.GetProperty("description").GetString());
    }

    [Fact]
    public void PresetsTakeTheBatchShape()
    {
        var (code, stdout, stderr) = CliCapture.Run(["bench", "step", "--model", "hawk-small", "--batch", "1", "--seq", "8", "--steps", "1", "--warmup", "0", "--json"]);
        Assert.True(code == 0, stderr);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(GriffinPresets.SmallHawk.ParameterCount(), json.GetProperty("parameters").GetInt64());
        Assert.Equal(8, json.GetProperty("seq").GetInt32());
    }

    [Theory]
    [InlineData("missing", "does not exist")]
    [InlineData("{ not json", "is not valid JSON")]
    [InlineData("""{"vocab_size": 20, "width": 15, "mlp_expanded_width": 48, "num_heads": 2, "block_types": ["RECURRENT"], "attention_window_size": 4, "embeddings_scale_by_sqrt_dim": false}""", "must be divisible by num_heads")]
    [InlineData("""{"vocab_size": 20, "width": 16, "mlp_expanded_width": 48, "num_heads": 2, "block_types": ["LSTM"], "attention_window_size": 4, "embeddings_scale_by_sqrt_dim": false}""", "block_types[0]")]
    [InlineData("""{"vocab_size": 256000, "width": 65536, "mlp_expanded_width": 196608, "num_heads": 256, "block_types": ["RECURRENT", "RECURRENT", "ATTENTION"], "attention_window_size": 4, "embeddings_scale_by_sqrt_dim": false}""", "more than the")]
    public void ABadConfigIsOneLine(string content, string expected)
    {
        using var dir = new TempDirectory();
        string config = dir.File("config.json");
        if (content != "missing") File.WriteAllText(config, content);
        AssertOneLineUsageError(["bench", "step", "--model", "griffin", "--config", config, "--steps", "1"], expected);
    }

    [Theory]
    [InlineData(new[] { "bench", "step", "--model", "griffin" }, "--model griffin needs --config FILE")]
    [InlineData(new[] { "bench", "step", "--model", "mlp", "--config", "x.json" }, "--config goes with --model griffin")]
    [InlineData(new[] { "bench", "step", "--model", "mlp", "--seq", "64" }, "not --model mlp")]
    [InlineData(new[] { "bench", "step", "--model", "lstm" }, "unknown model 'lstm'")]
    [InlineData(new[] { "bench", "step", "--model", "griffin-small", "--batch", "0" }, "--batch must be an integer")]
    public void BadOptionsAreOneLine(string[] args, string expected) => AssertOneLineUsageError(args, expected);

    private static void AssertOneLineUsageError(string[] args, string expected)
    {
        var (code, stdout, stderr) = CliCapture.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => line.StartsWith("engine: "));
    }
}
