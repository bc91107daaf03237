// `engine logits` prints, as JSON, exactly the logits the model computes for the given tokens.
using System.Text.Json;
using Engine.Autograd;
using Engine.Models.Griffin;
using Engine.Tensors;
using Engine.Training.Cli;
using Engine.Training.Tests.Data;
using Xunit;

namespace Engine.Training.Tests.Cli;

[Collection("Console")]
public class LogitsCommandTests
{
    private static readonly GriffinConfig Tiny = new()
    {
        VocabSize = 11, Width = 8, MlpExpandedWidth = 12, NumHeads = 2, LruWidth = 8,
        BlockTypes = [TemporalBlockType.Recurrent, TemporalBlockType.Attention], AttentionWindowSize = 2,
        EmbeddingsScaleBySqrtDim = true, LogitsSoftCap = 30,
    };

    [Fact]
    public void JsonLogitsMatchTheModel()
    {
        using var dir = new TempDirectory();
        string config = dir.File("config.json"), weights = dir.File("model.safetensors");
        Tiny.Save(config);
        var model = new GriffinModel(Tiny, new Generator(4));
        GriffinCheckpoint.Save(model, weights);
        long[] tokens = [5, 1, 9, 3], positions = [0, 1, 0, 1];
        float[] expected;
        using (GradMode.NoGrad())
            expected = model.Forward(new Tensor(NDArray.FromArray(tokens, 1, 4)), new Tensor(NDArray.FromArray(positions, 1, 4))).ToFloatArray();

        var (code, stdout, stderr) = CliCapture.Run(["logits", "--checkpoint", weights, "--config", config, "--tokens", "5 1 9 3", "--segment-pos", "0,1,0,1", "--json"]);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal([4, 11], json.RootElement.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        var actual = json.RootElement.GetProperty("logits").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(e => e.GetSingle())).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void MismatchedPositionsAreAUserError()
    {
        var (code, _, stderr) = CliCapture.Run(["logits", "--checkpoint", "x", "--config", "y", "--tokens", "1 2", "--segment-pos", "0"]);
        Assert.Equal(2, code);
        Assert.Contains("2 tokens but 1 segment positions", stderr);
    }
}
