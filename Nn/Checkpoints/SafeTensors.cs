// Entry points for reading and writing safetensors checkpoints (huggingface/safetensors format).
using Engine.Tensors;

namespace Engine.Nn.Checkpoints;

public static class SafeTensors
{
    /// <summary>
    /// Writes the tensors atomically to <paramref name="path"/>. Float32 tensors are stored as
    /// <paramref name="float32As"/>; float64 and int64 tensors keep their type. Non-contiguous views are fine.
    /// </summary>
    public static void Write(string path, IEnumerable<(string Name, NDArray Value)> tensors,
                             IReadOnlyDictionary<string, string>? metadata = null, FloatStorage float32As = FloatStorage.Float32)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        AtomicFile.Write(path, stream => SafeTensorsWriter.Write(stream, tensors, metadata, float32As, path));
    }

    /// <summary>Writes the same bytes as <see cref="Write(string, IEnumerable{ValueTuple{string, NDArray}}, IReadOnlyDictionary{string, string}?, FloatStorage)"/> to a stream.</summary>
    public static void WriteTo(Stream stream, IEnumerable<(string Name, NDArray Value)> tensors,
                               IReadOnlyDictionary<string, string>? metadata = null, FloatStorage float32As = FloatStorage.Float32)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        SafeTensorsWriter.Write(stream, tensors, metadata, float32As, "safetensors stream");
    }

    /// <summary>Reads and validates the whole file; every problem in the header is reported in one EngineException.</summary>
    public static SafeTensorsFile Read(string path) => SafeTensorsReader.Read(path);

    /// <summary>Reads a safetensors file that starts at the current position of a seekable stream.</summary>
    public static SafeTensorsFile Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return SafeTensorsReader.Read(stream, sourceName);
    }

    /// <summary>Reads and validates only the header, e.g. to check a checkpoint against a model before loading.</summary>
    public static SafeTensorsHeader ReadHeader(string path) => SafeTensorsReader.ReadHeader(path);
}
