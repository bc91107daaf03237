// A text corpus on disk: one file or a folder of files (recursively, in ordinal path order). Opening it
// streams every file once to index its documents; tokens are read back from disk on demand, so the corpus
// never has to fit in memory.
//
// Split rule: a document goes to validation when a hash of its bytes (FNV-1a 64, mixed with SplitSeed)
// maps below ValidationFraction, otherwise to train. The rule depends only on the document's content, so it
// is stable when files are added, removed or reordered, and duplicate documents never straddle the split.
using System.Text;
using Engine.Tensors;
using Microsoft.Win32.SafeHandles;

namespace Engine.Training.Data;

public sealed record CorpusOptions
{
    /// <summary>Text between documents inside one file, e.g. "\n\n\n"; null makes each file one document.</summary>
    public string? DocumentSeparator { get; init; }

    /// <summary>Expected share of documents in the validation split, in [0, 1].</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Changes which documents land in validation without changing the expected share.</summary>
    public ulong SplitSeed { get; init; }
}

public sealed record SkippedFile(string Path, string Reason);

public sealed class TextCorpus : IDisposable
{
    private readonly string[] _files;
    private readonly SafeFileHandle?[] _handles;
    private readonly object _handleLock = new();
    private bool _disposed;

    private TextCorpus(string root, string[] files, IReadOnlyList<SkippedFile> skipped,
                       List<CorpusDocument> train, List<CorpusDocument> validation)
    {
        Root = root;
        _files = files;
        _handles = new SafeFileHandle?[files.Length];
        Skipped = skipped;
        Train = new CorpusSplit(this, "train", train);
        Validation = new CorpusSplit(this, "validation", validation);
    }

    public string Root { get; }

    /// <summary>The files that contributed documents, in the order their tokens appear.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>Files left out, each with the reason (not UTF-8, binary).</summary>
    public IReadOnlyList<SkippedFile> Skipped { get; }

    public CorpusSplit Train { get; }

    public CorpusSplit Validation { get; }

    public static TextCorpus Open(string path, CorpusOptions? options = null)
    {
        options ??= new CorpusOptions();
        if (!(options.ValidationFraction >= 0 && options.ValidationFraction <= 1))
            throw new EngineException($"corpus: ValidationFraction must be in [0, 1], got {options.ValidationFraction}");
        if (options.DocumentSeparator is { Length: 0 })
            throw new EngineException("corpus: DocumentSeparator must not be empty (use null for one document per file)");
        byte[]? separator = options.DocumentSeparator is null ? null : Encoding.UTF8.GetBytes(options.DocumentSeparator);

        var files = new List<string>();
        var skipped = new List<SkippedFile>();
        var train = new List<CorpusDocument>();
        var validation = new List<CorpusDocument>();
        long trainTokens = 0, validationTokens = 0;
        foreach (string file in ListFiles(path))
        {
            List<ScannedDocument>? documents;
            string? reason;
            try
            {
                documents = DocumentScanner.Scan(file, separator, out reason);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                documents = null;
                reason = $"cannot be read: {ex.Message}";
            }
            if (documents is null)
            {
                skipped.Add(new SkippedFile(file, reason!));
                continue;
            }
            if (documents.Count == 0) continue;
            int fileIndex = files.Count;
            files.Add(file);
            foreach (var document in documents)
            {
                if (UnitInterval(document.ContentHash ^ options.SplitSeed) < options.ValidationFraction)
                    Append(validation, ref validationTokens, fileIndex, document);
                else
                    Append(train, ref trainTokens, fileIndex, document);
            }
        }
        if (train.Count + validation.Count == 0)
        {
            string why = skipped.Count == 0
                ? "no non-empty files"
                : $"no usable files; skipped {string.Join("; ", skipped.Take(5).Select(s => $"{s.Path} {s.Reason}"))}";
            throw new EngineException($"corpus '{path}': empty corpus, {why}");
        }
        return new TextCorpus(path, files.ToArray(), skipped, train, validation);
    }

    /// <summary>Adds the document to a split; its BOS token goes at the split's current end.</summary>
    private static void Append(List<CorpusDocument> split, ref long splitTokens, int fileIndex, ScannedDocument document)
    {
        split.Add(new CorpusDocument(fileIndex, document.ByteStart, document.ByteLength, splitTokens));
        splitTokens += document.ByteLength + 1;
    }

    private static List<string> ListFiles(string path)
    {
        if (File.Exists(path)) return [path];
        if (!Directory.Exists(path)) throw new EngineException($"corpus: path '{path}' does not exist");
        var files = new List<string>(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories));
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>SplitMix64's finaliser spreads the FNV hash so its top 53 bits are a uniform number in [0, 1).</summary>
    private static double UnitInterval(ulong hash)
    {
        hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9;
        hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EB;
        hash ^= hash >> 31;
        return (hash >> 11) * (1.0 / (1UL << 53));
    }

    internal void ReadBytes(int fileIndex, long position, Span<byte> destination)
    {
        var handle = Handle(fileIndex);
        int done = 0;
        while (done < destination.Length)
        {
            int read = RandomAccess.Read(handle, destination[done..], position + done);
            if (read == 0)
                throw new EngineException($"corpus: file '{_files[fileIndex]}' became shorter after it was indexed; reopen the corpus");
            done += read;
        }
    }

    private SafeFileHandle Handle(int fileIndex)
    {
        lock (_handleLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _handles[fileIndex] ??= File.OpenHandle(_files[fileIndex], FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        }
    }

    public void Dispose()
    {
        lock (_handleLock)
        {
            _disposed = true;
            foreach (var handle in _handles) handle?.Dispose();
        }
    }
}
