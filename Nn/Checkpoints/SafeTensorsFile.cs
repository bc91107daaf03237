// A loaded safetensors file: its validated header and the tensors, already converted to engine dtypes.
using Engine.Tensors;

namespace Engine.Nn.Checkpoints;

public sealed class SafeTensorsFile
{
    public SafeTensorsFile(SafeTensorsHeader header, IReadOnlyDictionary<string, NDArray> tensors)
    {
        Header = header;
        Tensors = tensors;
    }

    public SafeTensorsHeader Header { get; }

    /// <summary>Tensors by name. BF16 and F16 arrive as float32, I32 as int64.</summary>
    public IReadOnlyDictionary<string, NDArray> Tensors { get; }

    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;

    public NDArray this[string name] => Tensors.TryGetValue(name, out var tensor)
        ? tensor
        : throw new EngineException($"safetensors: no tensor named '{name}' (the file has {Tensors.Count})");
}
