// One side of the train/validation split, seen as a single token stream: every document contributes a BOS
// token followed by its bytes. Any range of the stream can be read back, together with each token's
// position inside its document.
using System.Buffers;
using Engine.Tensors;

namespace Engine.Training.Data;

/// <summary>A document of the split: its bytes in a corpus file and where its BOS token sits in the stream.</summary>
internal readonly record struct CorpusDocument(int FileIndex, long ByteStart, long ByteLength, long TokenStart)
{
    public long TokenCount => ByteLength + 1;
}

public sealed class CorpusSplit
{
    private readonly TextCorpus _corpus;
    private readonly List<CorpusDocument> _documents;

    internal CorpusSplit(TextCorpus corpus, string name, List<CorpusDocument> documents)
    {
        _corpus = corpus;
        Name = name;
        _documents = documents;
        TokenCount = documents.Count == 0 ? 0 : documents[^1].TokenStart + documents[^1].TokenCount;
    }

    public string Name { get; }

    public int DocumentCount => _documents.Count;

    public long TokenCount { get; }

    /// <summary>
    /// Tokens [start, start + tokens.Length) of the stream. positions[i] (for i below positions.Length) is the
    /// index of token i inside its document, so 0 marks a document start (its BOS token).
    /// </summary>
    public void ReadTokens(long start, Span<long> tokens, Span<long> positions)
    {
        if (start < 0 || start + tokens.Length > TokenCount)
            throw new EngineException($"corpus split '{Name}': tokens [{start}, {start + tokens.Length}) are outside [0, {TokenCount})");
        if (positions.Length > tokens.Length)
            throw new EngineException($"corpus split '{Name}': {positions.Length} positions asked for {tokens.Length} tokens");

        int documentIndex = FindDocument(start);
        int filled = 0;
        byte[] bytes = ArrayPool<byte>.Shared.Rent(Math.Min(tokens.Length, 1 << 16));
        try
        {
            while (filled < tokens.Length)
            {
                var document = _documents[documentIndex];
                long inDocument = start + filled - document.TokenStart;
                if (inDocument == 0)
                {
                    tokens[filled] = ByteTokenizer.Bos;
                    if (filled < positions.Length) positions[filled] = 0;
                    filled++;
                    inDocument = 1;
                }
                int count = (int)Math.Min(Math.Min(tokens.Length - filled, document.TokenCount - inDocument), bytes.Length);
                _corpus.ReadBytes(document.FileIndex, document.ByteStart + inDocument - 1, bytes.AsSpan(0, count));
                for (int i = 0; i < count; i++)
                {
                    tokens[filled + i] = bytes[i];
                    if (filled + i < positions.Length) positions[filled + i] = inDocument + i;
                }
                filled += count;
                if (inDocument + count == document.TokenCount) documentIndex++;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>The last document whose first token is at or before tokenIndex.</summary>
    private int FindDocument(long tokenIndex)
    {
        int low = 0, high = _documents.Count - 1;
        while (low < high)
        {
            int middle = (low + high + 1) / 2;
            if (_documents[middle].TokenStart <= tokenIndex) low = middle;
            else high = middle - 1;
        }
        return low;
    }
}
