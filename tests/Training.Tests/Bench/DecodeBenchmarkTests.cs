// `engine bench decode` end to end on tiny contexts: one JSON row per model and context, parameter counts
// within 10 % of each other, and one stderr line with exit code 2 for a bad argument. No timing is asserted.
using System.Text.Json;
using Engine.Training.Bench;
using Engine.Training.Tests.Cli;
using Xunit;

namespace Engine.Training.Tests.Bench;

[Collection("Console")]
public class DecodeBenchmarkTests
{
    [Fact]
    public void JsonHasARowPerModelAndContext()
    {
        var (code, stdout, stderr) = CliCapture.Run(["bench", "decode", "--contexts", "8,16", "--tokens", "2", "--json"]);
        Assert.True(code == 0, stderr);
        var rows = JsonDocument.Parse(stdout).RootElement.GetProperty("rows").EnumerateArray().ToList();
        var keys = rows.Select(r => (r.GetProperty("model").GetString(), r.GetProperty("context").GetInt32())).ToList();
        Assert.Equal([("griffin", 8), ("griffin", 16), ("hawk", 8), ("hawk", 16), ("mqa", 8), ("mqa", 16)], keys);
        Assert.All(rows, r => Assert.True(r.GetProperty("state_bytes").GetInt64() > 0));
        var parameters = rows.Select(r => r.GetProperty("parameters").GetInt64()).ToList();
        Assert.True(parameters.Max() < 1.1 * parameters.Min(), $"parameter counts differ by more than 10 %: {string.Join(", ", parameters)}");
    }

    [Fact]
    public void TransformerWindowCoversEveryDecodedToken() =>
        Assert.Equal(8192 + 2 + 32, DecodeBenchmark.Config("mqa", 8192, 32).AttentionWindowSize);

    [Theory]
    [InlineData(new[] { "bench", "decode", "--models", "lstm" }, "unknown model 'lstm'")]
    [InlineData(new[] { "bench", "decode", "--contexts", "8,abc" }, "--contexts needs integers")]
    [InlineData(new[] { "bench", "decode", "--contexts", "8,,16" }, "comma-separated list")]
    [InlineData(new[] { "bench", "decode", "--tokens", "0" }, "--tokens must be an integer")]
    [InlineData(new[] { "bench", "decode", "--bogus", "1" }, "unknown option --bogus")]
    public void BadArgumentsGiveOneLineAndExitCode2(string[] args, string expected)
    {
        var (code, stdout, stderr) = CliCapture.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => line.StartsWith("engine: "));
    }
}
