// A training checkpoint in one safetensors file: the model's parameters (`model.<name>`), the optimizer's
// buffers (`optim.<key>`), and in the metadata the step, the optimizer's scalars, the data stream's
// position and the run config. Writes are atomic (SafeTensors.Write), so a crash leaves the previous one.
using System.Globalization;
using Engine.Models.Lm;
using Engine.Nn.Checkpoints;
using Engine.Optim;
using Engine.Tensors;
using Engine.Training.Data;

namespace Engine.Training.Lm;

public sealed record LmCheckpoint(LmRunConfig Config, long Step, BatcherState Data, OptimizerState Optimizer, IReadOnlyDictionary<string, NDArray> Model)
{
    private const string ModelPrefix = "model.", OptimPrefix = "optim.";

    public static void Save(string path, LmRunConfig config, long step, BatcherState data, LanguageModel model, Optimizer optimizer)
    {
        var state = optimizer.ExportState();
        var tensors = new List<(string, NDArray)>();
        foreach (var (name, p) in model.NamedParameters()) tensors.Add((ModelPrefix + name, p.Data));
        foreach (var (key, value) in state.Tensors) tensors.Add((OptimPrefix + key, value));
        var metadata = data.ToMetadata();
        metadata["step"] = step.ToString(CultureInfo.InvariantCulture);
        metadata["config"] = config.ToJson();
        foreach (var (key, value) in state.Scalars) metadata[OptimPrefix + key] = value.ToString("R", CultureInfo.InvariantCulture);
        SafeTensors.Write(path, tensors, metadata);
    }

    public static LmCheckpoint Load(string path)
    {
        if (!File.Exists(path)) throw new EngineException($"{path}: checkpoint not found");
        var file = SafeTensors.Read(path);
        string Meta(string key) => file.Metadata.TryGetValue(key, out var v) ? v : throw new EngineException($"{path}: not a training checkpoint (no '{key}' in its metadata)");
        var config = LmRunConfig.FromJson(Meta("config"), path);
        if (!long.TryParse(Meta("step"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long step) || step < 0)
            throw new EngineException($"{path}: bad step '{Meta("step")}' in the metadata");
        var optimizer = new OptimizerState();
        var model = new Dictionary<string, NDArray>(StringComparer.Ordinal);
        foreach (var (name, value) in file.Tensors)
        {
            if (name.StartsWith(ModelPrefix, StringComparison.Ordinal)) model[name[ModelPrefix.Length..]] = value;
            else if (name.StartsWith(OptimPrefix, StringComparison.Ordinal)) optimizer.Tensors[name[OptimPrefix.Length..]] = value;
            else throw new EngineException($"{path}: unexpected tensor '{name}' in a training checkpoint");
        }
        foreach (var (key, value) in file.Metadata)
        {
            if (!key.StartsWith(OptimPrefix, StringComparison.Ordinal)) continue;
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
                throw new EngineException($"{path}: optimizer value '{key}' is not a number: '{value}'");
            optimizer.Scalars[key[OptimPrefix.Length..]] = number;
        }
        return new LmCheckpoint(config, step, BatcherState.FromMetadata(file.Metadata), optimizer, model);
    }

    /// <summary>Loads a checkpoint and rebuilds its model with the saved parameters.</summary>
    public static (LmCheckpoint Checkpoint, LanguageModel Model) LoadModel(string path)
    {
        var checkpoint = Load(path);
        var model = ModelCatalog.Create(checkpoint.Config.Model, checkpoint.Config.Seed);
        checkpoint.LoadInto(model, path);
        return (checkpoint, model);
    }

    /// <summary>Copies the saved parameters into model after checking every name, shape and dtype.</summary>
    public void LoadInto(LanguageModel model, string source)
    {
        var expected = new Dictionary<string, TensorSpec>(StringComparer.Ordinal);
        foreach (var (name, p) in model.NamedParameters()) expected[name] = new TensorSpec(p.Data);
        CheckpointCompatibility.Check(source, expected, CheckpointCompatibility.SpecsOf(Model));
        foreach (var (name, p) in model.NamedParameters()) p.SetData(Model[name].ToDType(p.DType).Contiguous().Clone());
    }
}
