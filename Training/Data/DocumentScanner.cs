// One streaming pass over a text file: finds its documents (split at an optional separator), hashes each
// document's bytes for the train/validation split, and checks that the file is UTF-8 text. Memory stays at
// one read buffer however large the file is.
using System.Text;

namespace Engine.Training.Data;

/// <summary>Bytes [ByteStart, ByteStart + ByteLength) of one file; ContentHash is FNV-1a 64 of those bytes.</summary>
internal readonly record struct ScannedDocument(long ByteStart, long ByteLength, ulong ContentHash);

internal static class DocumentScanner
{
    private const int ChunkSize = 1 << 16;
    private const ulong FnvOffsetBasis = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>The documents of the file, or null with <paramref name="skipReason"/> when it is not UTF-8 text.</summary>
    public static List<ScannedDocument>? Scan(string path, byte[]? separator, out string? skipReason)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        var documents = new List<ScannedDocument>();
        var validator = new Utf8TextValidator();
        int separatorLength = separator?.Length ?? 0;
        var buffer = new byte[ChunkSize + separatorLength];

        int filled = ReadFull(stream, buffer.AsSpan(0, Utf8Bom.Length));
        // A byte-order mark is an encoding signature, not text; documents start after it.
        int skippedBom = buffer.AsSpan(0, filled).SequenceEqual(Utf8Bom) ? Utf8Bom.Length : 0;
        if (skippedBom > 0) filled = 0;
        else if (!validator.Feed(buffer.AsSpan(0, filled), isFinal: false, out skipReason)) return null;

        long bufferFilePosition = skippedBom;
        long documentStart = skippedBom;
        ulong hash = FnvOffsetBasis;
        while (true)
        {
            int read = stream.Read(buffer, filled, buffer.Length - filled);
            bool endOfFile = read == 0;
            if (!validator.Feed(buffer.AsSpan(filled, read), endOfFile, out skipReason)) return null;
            filled += read;

            int scanned = 0;
            if (separator is not null)
            {
                int match;
                while ((match = buffer.AsSpan(scanned, filled - scanned).IndexOf(separator)) >= 0)
                {
                    hash = Fnv(hash, buffer.AsSpan(scanned, match));
                    long documentEnd = bufferFilePosition + scanned + match;
                    AddDocument(documents, documentStart, documentEnd, hash);
                    scanned += match + separatorLength;
                    documentStart = bufferFilePosition + scanned;
                    hash = FnvOffsetBasis;
                }
            }
            // The last bytes may be the start of a separator that the next read completes.
            int keep = endOfFile || separator is null ? 0 : Math.Min(separatorLength - 1, filled - scanned);
            hash = Fnv(hash, buffer.AsSpan(scanned, filled - keep - scanned));
            Array.Copy(buffer, filled - keep, buffer, 0, keep);
            bufferFilePosition += filled - keep;
            filled = keep;
            if (endOfFile)
            {
                AddDocument(documents, documentStart, bufferFilePosition, hash);
                return documents;
            }
        }
    }

    private static void AddDocument(List<ScannedDocument> documents, long start, long end, ulong hash)
    {
        if (end > start) documents.Add(new ScannedDocument(start, end - start, hash));
    }

    private static int ReadFull(Stream stream, Span<byte> destination)
    {
        int done = 0;
        int read;
        while (done < destination.Length && (read = stream.Read(destination[done..])) > 0) done += read;
        return done;
    }

    private static ulong Fnv(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes) hash = (hash ^ b) * FnvPrime;
        return hash;
    }

    /// <summary>Checks a byte stream fed in pieces: valid UTF-8 (sequences may straddle pieces) and no NUL bytes.</summary>
    private sealed class Utf8TextValidator
    {
        private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
        private readonly char[] _chars = new char[4096];
        private long _position;

        public bool Feed(ReadOnlySpan<byte> bytes, bool isFinal, out string? problem)
        {
            int nul = bytes.IndexOf((byte)0);
            if (nul >= 0)
            {
                problem = $"contains a NUL byte at offset {_position + nul}, so it is binary, not text";
                return false;
            }
            try
            {
                var rest = bytes;
                do
                {
                    _decoder.Convert(rest, _chars, isFinal, out int used, out _, out _);
                    rest = rest[used..];
                } while (!rest.IsEmpty);
            }
            catch (DecoderFallbackException ex)
            {
                problem = $"is not valid UTF-8 (near offset {_position + Math.Max(0, ex.Index)})";
                return false;
            }
            _position += bytes.Length;
            problem = null;
            return true;
        }
    }
}
