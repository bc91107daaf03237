// Loading a checkpoint into a model: every mismatch between expected and stored tensors is reported at once.
using Engine.Nn.Checkpoints;
using Engine.Tensors;
using Xunit;

namespace Engine.Nn.Tests.Checkpoints;

public class CheckpointCompatibilityTests
{
    private static readonly Dictionary<string, TensorSpec> Model = new()
    {
        ["embed.w"] = new TensorSpec([10, 4], DType.Float32),
        ["head.w"] = new TensorSpec([4, 10], DType.Float32),
        ["head.b"] = new TensorSpec([10], DType.Float32),
        ["step"] = new TensorSpec([], DType.Int64),
    };

    [Fact]
    public void MatchingCheckpointPasses()
    {
        using var dir = new TempDirectory();
        string path = dir.File("ok.safetensors");
        SafeTensors.Write(path,
            [
                ("embed.w", NDArray.Zeros([10, 4])), ("head.w", NDArray.Zeros([4, 10])),
                ("head.b", NDArray.Zeros([10], DType.Float64)), ("step", NDArray.Scalar(3, DType.Int64)),
            ],
            float32As: FloatStorage.BFloat16);
        CheckpointCompatibility.Check(path, Model, SafeTensors.Read(path));
        CheckpointCompatibility.Check(path, Model, SafeTensors.ReadHeader(path).Specs());
    }

    [Fact]
    public void EveryKindOfMismatchIsListedTogether()
    {
        var stored = new Dictionary<string, NDArray>
        {
            ["embed.w"] = NDArray.Zeros([4, 10]),
            ["head.w"] = NDArray.Zeros([4, 10]),
            ["step"] = NDArray.Scalar(1),
            ["extra.w"] = NDArray.Zeros([2]),
        };
        var error = Assert.Throws<EngineException>(() =>
            CheckpointCompatibility.Check("ckpt.safetensors", Model, CheckpointCompatibility.SpecsOf(stored)));
        Assert.StartsWith("ckpt.safetensors: checkpoint does not match the model: 4 problems", error.Message);
        Assert.Contains("'embed.w': expected shape [10, 4], checkpoint has [4, 10]", error.Message);
        Assert.Contains("missing 'head.b' (expected shape [10], float32)", error.Message);
        Assert.Contains("'step': expected int64, checkpoint has float32", error.Message);
        Assert.Contains("unexpected 'extra.w'", error.Message);
    }

    [Fact]
    public void FloatWidthsMustMatchWhenConversionIsOff()
    {
        var stored = new Dictionary<string, TensorSpec>(Model) { ["head.b"] = new TensorSpec([10], DType.Float64) };
        Assert.Empty(CheckpointCompatibility.FindMismatches(Model, stored));
        var strict = CheckpointCompatibility.FindMismatches(Model, stored, allowFloatConversion: false);
        Assert.Equal(["'head.b': expected float32, checkpoint has float64"], strict);
    }
}
