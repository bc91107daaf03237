// Reader for the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian
// magic number 0x0000 08 NN (unsigned bytes, NN dimensions), NN big-endian u32 sizes, then the bytes.
// Files may be gzip-compressed (detected by content, not by name). Sizes are checked against the real data
// before anything is allocated from them.
using System.Buffers.Binary;
using System.IO.Compression;
using Engine.Tensors;

namespace Engine.Training.Data;

public static class Idx
{
    public const uint ImagesMagic = 0x00000803;
    public const uint LabelsMagic = 0x00000801;

    /// <summary>Images as float32 [n, rows, cols], pixel values scaled from 0..255 to [0, 1].</summary>
    public static NDArray ReadImages(string path)
    {
        var (dims, pixels) = Read(path, ImagesMagic, "images");
        var images = NDArray.Empty(dims, DType.Float32);
        if (pixels.Length > 0)
        {
            var values = images.Span<float>();
            for (int i = 0; i < pixels.Length; i++) values[i] = pixels[i] / 255f;
        }
        return images;
    }

    /// <summary>Labels as int64 [n].</summary>
    public static NDArray ReadLabels(string path)
    {
        var (dims, bytes) = Read(path, LabelsMagic, "labels");
        var labels = NDArray.Empty(dims, DType.Int64);
        if (bytes.Length > 0)
        {
            var values = labels.Span<long>();
            for (int i = 0; i < bytes.Length; i++) values[i] = bytes[i];
        }
        return labels;
    }

    /// <summary>An images file and its labels file, checked to hold the same number of examples.</summary>
    public static (NDArray Images, NDArray Labels) ReadDataset(string imagesPath, string labelsPath)
    {
        var images = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath);
        if (images.Dim(0) != labels.Dim(0))
            throw new EngineException($"idx: '{imagesPath}' has {images.Dim(0)} images but '{labelsPath}' has {labels.Dim(0)} labels");
        return (images, labels);
    }

    private static (int[] Dims, byte[] Data) Read(string path, uint expectedMagic, string kind)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new EngineException($"{path}: cannot open IDX {kind} file: {ex.Message}", ex);
        }
        using (file)
        {
            try
            {
                bool gzip = file.Length >= 2 && file.ReadByte() == 0x1F && file.ReadByte() == 0x8B;
                file.Position = 0;
                if (!gzip) return ReadPayload(path, file, file.Length, expectedMagic, kind);
                using var inflated = new GZipStream(file, CompressionMode.Decompress);
                return ReadPayload(path, inflated, knownLength: null, expectedMagic, kind);
            }
            catch (InvalidDataException ex)
            {
                throw new EngineException($"{path}: IDX {kind} file is not valid gzip: {ex.Message}", ex);
            }
            catch (IOException ex)
            {
                throw new EngineException($"{path}: reading IDX {kind} file failed: {ex.Message}", ex);
            }
        }
    }

    /// <summary>knownLength is the exact byte count for plain files; for gzip it is unknown until the end.</summary>
    private static (int[] Dims, byte[] Data) ReadPayload(string path, Stream stream, long? knownLength, uint expectedMagic, string kind)
    {
        int rank = (int)(expectedMagic & 0xFF);
        Span<byte> head = stackalloc byte[4 + 4 * 3];
        var header = head[..(4 + 4 * rank)];
        // The magic comes first so that a wrong kind of file is named as such, not as a truncated one.
        int magicBytes = ReadUpTo(stream, header[..4]);
        uint magic = magicBytes == 4 ? BinaryPrimitives.ReadUInt32BigEndian(header) : 0;
        if (magicBytes == 4 && magic != expectedMagic)
        {
            string hint = magic == ImagesMagic ? " (an images file)" : magic == LabelsMagic ? " (a labels file)" : "";
            throw new EngineException($"{path}: bad IDX magic 0x{magic:X8}{hint}, expected 0x{expectedMagic:X8} for {kind}");
        }
        if (magicBytes < 4 || ReadUpTo(stream, header[4..]) < header.Length - 4)
            throw new EngineException($"{path}: IDX {kind} file is truncated: the header needs {header.Length} bytes");

        var dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(header[(4 + 4 * i)..]);
            if (size > int.MaxValue) throw new EngineException($"{path}: IDX {kind} dimension {i} is {size}, above {int.MaxValue}");
            dims[i] = (int)size;
            count *= size;
            if (count > int.MaxValue) throw new EngineException($"{path}: IDX {kind} shape {ShapeMath.Format(dims.AsSpan(0, i + 1))} holds more than {int.MaxValue} values");
        }

        if (knownLength is { } length && length != header.Length + count)
            throw new EngineException($"{path}: IDX {kind} header says shape {ShapeMath.Format(dims)} ({header.Length + count} bytes), but the file has {length} bytes");
        // For gzip the real length is only known by inflating; grow with the data instead of trusting the header.
        byte[] data = knownLength is null ? ReadAtMost(stream, count + 1) : new byte[count];
        if (knownLength is not null && ReadUpTo(stream, data) != count)
            throw new EngineException($"{path}: IDX {kind} file ended early (changed while reading?)");
        if (data.LongLength != count)
            throw new EngineException($"{path}: IDX {kind} header says shape {ShapeMath.Format(dims)} ({count} data bytes), but the data holds {(data.LongLength > count ? "more" : data.LongLength.ToString())}");
        return (dims, data);
    }

    private static int ReadUpTo(Stream stream, Span<byte> destination)
    {
        int done = 0;
        int read;
        while (done < destination.Length && (read = stream.Read(destination[done..])) > 0) done += read;
        return done;
    }

    private static byte[] ReadAtMost(Stream stream, long limit)
    {
        using var collected = new MemoryStream();
        var chunk = new byte[1 << 16];
        int read;
        while (collected.Length < limit && (read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, limit - collected.Length))) > 0)
            collected.Write(chunk, 0, read);
        return collected.ToArray();
    }
}
