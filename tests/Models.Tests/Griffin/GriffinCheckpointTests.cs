// Checkpoints: the official PyTorch parameter names and shapes (specs/griffin.md §1.11), a save/load
// round trip through safetensors, BF16 storage, and one error listing every mismatch.
using Engine.Autograd;
using Engine.Models.Griffin;
using Engine.Nn.Checkpoints;
using Engine.Tensors;

namespace Engine.Models.Tests.Griffin;

public sealed class GriffinCheckpointTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("griffin-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ParameterNamesAndShapesAreTheOfficialTorchOnes()
    {
        // V=32, D=24, E=32, H=2 (hd 12), M=72.
        var model = new GriffinModel(TinyGriffin.VectorAConfig, new Generator(0));
        var shapes = model.NamedParameters().ToDictionary(p => p.Key, p => p.Value.Shape.ToArray());
        var expected = new Dictionary<string, int[]>
        {
            ["embedder.input_embedding"] = [32, 24],
            ["blocks.0.temporal_pre_norm.scale"] = [24],
            ["blocks.0.recurrent_block.linear_y.weight"] = [32, 24],
            ["blocks.0.recurrent_block.linear_y.bias"] = [32],
            ["blocks.0.recurrent_block.linear_x.weight"] = [32, 24],
            ["blocks.0.recurrent_block.linear_out.weight"] = [24, 32],
            ["blocks.0.recurrent_block.linear_out.bias"] = [24],
            ["blocks.0.recurrent_block.conv_1d.w"] = [4, 32],
            ["blocks.0.recurrent_block.conv_1d.b"] = [32],
            ["blocks.0.recurrent_block.rg_lru.a_param"] = [32],
            ["blocks.0.recurrent_block.rg_lru.input_gate.w"] = [2, 16, 16],
            ["blocks.0.recurrent_block.rg_lru.input_gate.b"] = [2, 16],
            ["blocks.0.recurrent_block.rg_lru.a_gate.w"] = [2, 16, 16],
            ["blocks.0.recurrent_block.rg_lru.a_gate.b"] = [2, 16],
            ["blocks.0.channel_pre_norm.scale"] = [24],
            ["blocks.0.mlp_block.ffw_up.w"] = [2, 24, 72],
            ["blocks.0.mlp_block.ffw_up.b"] = [2, 1, 1, 72],
            ["blocks.0.mlp_block.ffw_down.weight"] = [24, 72],
            ["blocks.0.mlp_block.ffw_down.bias"] = [24],
            ["blocks.2.attention_block.proj_q.weight"] = [24, 24],
            ["blocks.2.attention_block.proj_k.weight"] = [12, 24],
            ["blocks.2.attention_block.proj_v.weight"] = [12, 24],
            ["blocks.2.attention_block.proj_final.weight"] = [24, 24],
            ["blocks.2.attention_block.proj_final.bias"] = [24],
            ["final_norm.scale"] = [24],
        };
        foreach (var (name, shape) in expected) Assert.Equal(shape, shapes[name]);
        Assert.Equal(51, shapes.Count);
        Assert.DoesNotContain(shapes.Keys, name => name.Contains("proj_q.bias") || name.Contains("proj_k.bias"));
    }

    [Fact]
    public void InitialisationFollowsTheReference()
    {
        var model = new GriffinModel(GriffinPresets.SmallGriffin, new Generator(3));
        var a = model.GetParameter("blocks.0.recurrent_block.rg_lru.a_param").ToDoubleArray()
            .Select(p => 1 / (1 + Math.Exp(p))).ToArray();                  // a = sigmoid(−a_param)
        Assert.All(a, v => Assert.InRange(v, 0.9 - 1e-6, 0.999 + 1e-6));
        Assert.All(model.GetParameter("final_norm.scale").ToDoubleArray(), v => Assert.Equal(0, v));
        Assert.All(model.GetParameter("blocks.0.recurrent_block.linear_x.bias").ToDoubleArray(), v => Assert.Equal(0, v));
        var embedding = model.GetParameter("embedder.input_embedding").Data;
        double std = Math.Sqrt(embedding.Mul(embedding).Mean([0, 1]).Item());
        Assert.InRange(std, 0.9 / Math.Sqrt(96), 1.1 / Math.Sqrt(96));
    }

    [Fact]
    public void SaveThenLoadReproducesTheModel()
    {
        string path = Path.Combine(_directory, "model.safetensors");
        var source = new GriffinModel(TinyGriffin.VectorAConfig, new Generator(1));
        GriffinCheckpoint.Save(source, path);
        var target = new GriffinModel(TinyGriffin.VectorAConfig, new Generator(2));
        GriffinCheckpoint.Load(target, path);
        var tokens = TinyGriffin.Row(TinyGriffin.VectorATokens);
        var positions = TinyGriffin.Row(TinyGriffin.VectorAPositions);
        Assert.Equal(source.Forward(tokens, positions).ToFloatArray(), target.Forward(tokens, positions).ToFloatArray());
        Assert.Contains("blocks.2.attention_block.proj_k.weight", SafeTensors.Read(path).Tensors.Keys);
    }

    [Fact]
    public void BFloat16CheckpointsAreWidenedOnLoad()
    {
        string path = Path.Combine(_directory, "bf16.safetensors");
        var source = new GriffinModel(TinyGriffin.VectorAConfig, new Generator(1));
        GriffinCheckpoint.Save(source, path, FloatStorage.BFloat16);
        Assert.Equal(StoredDType.BF16, SafeTensors.ReadHeader(path).Entries.First().DType);
        var target = new GriffinModel(TinyGriffin.VectorAConfig, new Generator(2));
        GriffinCheckpoint.Load(target, path);
        var expected = source.GetParameter("embedder.input_embedding").ToFloatArray();
        var actual = target.GetParameter("embedder.input_embedding").ToFloatArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(Engine.Models.Griffin.Embedder.RoundToBFloat16(expected[i]), actual[i]);
    }

    [Fact]
    public void MismatchedCheckpointListsEveryProblem()
    {
        string path = Path.Combine(_directory, "wrong.safetensors");
        var tensors = new GriffinModel(TinyGriffin.VectorAConfig, new Generator(1)).NamedParameters()
            .Where(p => p.Key != "final_norm.scale")
            .Select(p => (p.Key, p.Key == "blocks.0.recurrent_block.conv_1d.w" ? NDArray.Zeros([3, 32]) : p.Value.Data))
            .Append(("blocks.0.recurrent_block.rg_lru.recurrent_param", NDArray.Zeros([32])))
            .ToList();
        SafeTensors.Write(path, tensors);
        var target = new GriffinModel(TinyGriffin.VectorAConfig, new Generator(2));
        var error = Assert.Throws<EngineException>(() => GriffinCheckpoint.Load(target, path));
        Assert.Contains("missing 'final_norm.scale'", error.Message);
        Assert.Contains("'blocks.0.recurrent_block.conv_1d.w': expected shape", error.Message);
        Assert.Contains("unexpected 'blocks.0.recurrent_block.rg_lru.recurrent_param'", error.Message);
    }
}
