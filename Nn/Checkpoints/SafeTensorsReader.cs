// Reads a safetensors file. Nothing is allocated from a number in the file until the whole header has been
// validated against the real file length; tensor data is then read straight into the engine's arrays.
using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Engine.Tensors;
using Microsoft.Win32.SafeHandles;

namespace Engine.Nn.Checkpoints;

internal static class SafeTensorsReader
{
    public const long MaxHeaderLength = 100_000_000;
    private const int ConversionChunkBytes = 1 << 16;

    public static SafeTensorsHeader ReadHeader(string path)
    {
        using var stream = Open(path);
        return ReadHeader(path, new FileSource(stream.SafeFileHandle));
    }

    public static SafeTensorsFile Read(string path)
    {
        using var stream = Open(path);
        return Read(path, new FileSource(stream.SafeFileHandle));
    }

    public static SafeTensorsFile Read(Stream stream, string sourceName)
    {
        LittleEndianGuard.Require(sourceName);
        if (!stream.CanSeek || !stream.CanRead)
            throw new EngineException($"{sourceName}: safetensors needs a readable, seekable stream");
        return Read(sourceName, new StreamSource(stream));
    }

    private static SafeTensorsFile Read(string path, IPositionedSource source)
    {
        var header = ReadHeader(path, source);
        var tensors = new Dictionary<string, NDArray>(header.Entries.Count, StringComparer.Ordinal);
        foreach (var entry in header.Entries)
            tensors[entry.Name] = ReadTensor(path, source, header.BufferStart, entry);
        return new SafeTensorsFile(header, tensors);
    }

    private static FileStream Open(string path)
    {
        LittleEndianGuard.Require(path);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new EngineException($"{path}: cannot open safetensors file: {ex.Message}", ex);
        }
    }

    private static SafeTensorsHeader ReadHeader(string path, IPositionedSource source)
    {
        long fileLength = source.Length;
        if (fileLength < 8)
            throw new EngineException($"{path}: invalid safetensors file: {fileLength} bytes is too short for the 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        ReadExactly(path, source, 0, lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderLength)
            throw new EngineException($"{path}: invalid safetensors file: header length {headerLength} exceeds the limit of {MaxHeaderLength} bytes");
        if (headerLength > (ulong)(fileLength - 8))
            throw new EngineException($"{path}: invalid safetensors file: header length {headerLength} is more than the {fileLength - 8} bytes after the length field");

        var headerBytes = new byte[headerLength];
        ReadExactly(path, source, 8, headerBytes);
        return SafeTensorsHeaderParser.Parse(path, headerBytes, fileLength - 8 - (long)headerLength);
    }

    private static NDArray ReadTensor(string path, IPositionedSource file, long bufferStart, SafeTensorEntry entry)
    {
        var tensor = NDArray.Empty([.. entry.Shape], entry.DType.LoadedDType());
        if (tensor.Size == 0) return tensor;
        long position = bufferStart + entry.Begin;
        switch (entry.DType)
        {
            case StoredDType.F32:
                ReadExactly(path, file, position, MemoryMarshal.AsBytes(tensor.Span<float>()));
                break;
            case StoredDType.F64:
                ReadExactly(path, file, position, MemoryMarshal.AsBytes(tensor.Span<double>()));
                break;
            case StoredDType.I64:
                ReadExactly(path, file, position, MemoryMarshal.AsBytes(tensor.Span<long>()));
                break;
            case StoredDType.I32:
                ReadConverted(path, file, position, tensor.Span<long>(), sizeof(int), bytes => BinaryPrimitives.ReadInt32LittleEndian(bytes));
                break;
            case StoredDType.F16:
                ReadConverted(path, file, position, tensor.Span<float>(), sizeof(ushort),
                    bytes => HalfPrecision.Float16ToFloat(BinaryPrimitives.ReadUInt16LittleEndian(bytes)));
                break;
            case StoredDType.BF16:
                ReadConverted(path, file, position, tensor.Span<float>(), sizeof(ushort),
                    bytes => HalfPrecision.BFloat16ToFloat(BinaryPrimitives.ReadUInt16LittleEndian(bytes)));
                break;
            default:
                throw new EngineException($"{path}: tensor '{entry.Name}': dtype {entry.DType} cannot be loaded");
        }
        return tensor;
    }

    private delegate T Decode<out T>(ReadOnlySpan<byte> bytes);

    /// <summary>Reads stored elements of one width through a pooled chunk and widens each into destination.</summary>
    private static void ReadConverted<T>(string path, IPositionedSource file, long position, Span<T> destination, int storedSize, Decode<T> decode)
    {
        int elementsPerChunk = ConversionChunkBytes / storedSize;
        var chunk = ArrayPool<byte>.Shared.Rent(ConversionChunkBytes);
        try
        {
            for (int start = 0; start < destination.Length; start += elementsPerChunk)
            {
                int count = Math.Min(elementsPerChunk, destination.Length - start);
                var bytes = chunk.AsSpan(0, count * storedSize);
                ReadExactly(path, file, position + (long)start * storedSize, bytes);
                for (int i = 0; i < count; i++) destination[start + i] = decode(bytes.Slice(i * storedSize, storedSize));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static void ReadExactly(string path, IPositionedSource file, long position, Span<byte> destination)
    {
        int done = 0;
        while (done < destination.Length)
        {
            int read;
            try
            {
                read = file.ReadAt(position + done, destination[done..]);
            }
            catch (IOException ex)
            {
                throw new EngineException($"{path}: read failed at byte {position + done}: {ex.Message}", ex);
            }
            if (read == 0)
                throw new EngineException($"{path}: file ended at byte {position + done}, expected {destination.Length - done} more bytes (was it changed while reading?)");
            done += read;
        }
    }

    /// <summary>Reads at absolute positions, so the reader never depends on a shared stream position.</summary>
    private interface IPositionedSource
    {
        long Length { get; }

        int ReadAt(long position, Span<byte> destination);
    }

    private sealed class FileSource(SafeFileHandle handle) : IPositionedSource
    {
        public long Length { get; } = RandomAccess.GetLength(handle);

        public int ReadAt(long position, Span<byte> destination) => RandomAccess.Read(handle, destination, position);
    }

    private sealed class StreamSource(Stream stream) : IPositionedSource
    {
        // The start is remembered so a safetensors file embedded at an offset in a larger stream still works.
        private readonly long _start = stream.Position;

        public long Length => stream.Length - _start;

        public int ReadAt(long position, Span<byte> destination)
        {
            stream.Position = _start + position;
            return stream.Read(destination);
        }
    }
}
