// Loads and saves Griffin weights as safetensors under the official PyTorch names and layouts
// (recurrentgemma `torch/*`, `conversion.py`; specs/griffin.md §1.11), so a RecurrentGemma checkpoint
// converted to safetensors loads unchanged. BF16/F16 tensors are widened to the model's dtype on load.
using Engine.Autograd;
using Engine.Nn.Checkpoints;
using Engine.Tensors;

namespace Engine.Models.Griffin;

public static class GriffinCheckpoint
{
    /// <summary>Writes every parameter atomically; float32 parameters are stored as float32storage.</summary>
    public static void Save(GriffinModel model, string path, FloatStorage float32Storage = FloatStorage.Float32,
                            IReadOnlyDictionary<string, string>? metadata = null)
    {
        var tensors = new List<(string, NDArray)>();
        foreach (var (name, parameter) in model.NamedParameters()) tensors.Add((name, parameter.Data));
        SafeTensors.Write(path, tensors, metadata, float32Storage);
    }

    /// <summary>Checks every name, shape and dtype first, and throws one EngineException listing every
    /// mismatch; only then copies the values into the model.</summary>
    public static void Load(GriffinModel model, string path)
    {
        var file = SafeTensors.Read(path);
        var expected = new Dictionary<string, TensorSpec>(StringComparer.Ordinal);
        foreach (var (name, parameter) in model.NamedParameters()) expected[name] = new TensorSpec(parameter.Data);
        CheckpointCompatibility.Check(path, expected, file);
        using var _ = GradMode.NoGrad();
        foreach (var (name, parameter) in model.NamedParameters())
            parameter.Data.CopyFrom(file[name].ToDType(parameter.DType));
    }
}
