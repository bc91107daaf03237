// Byte-level tokenizer: ids 0-255 are the bytes of the UTF-8 text, followed by a few special tokens.
// It needs no vocabulary file and round-trips any text exactly.
using System.Text;
using Engine.Tensors;

namespace Engine.Training.Data;

public sealed class ByteTokenizer
{
    /// <summary>Marks the start of a document; the corpus puts one before every document.</summary>
    public const int Bos = 256;

    public const int Eos = 257;

    /// <summary>Fills unused positions of a batch; never produced by encoding text.</summary>
    public const int Pad = 258;

    public const int VocabSize = 259;

    public static string SpecialTokenText(int id) => id switch
    {
        Bos => "<|bos|>",
        Eos => "<|eos|>",
        Pad => "<|pad|>",
        _ => throw new EngineException($"byte-tokenizer: {id} is not a special token id (expected {Bos}, {Eos} or {Pad})"),
    };

    public int[] Encode(string text, bool addBos = false, bool addEos = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Encode(Encoding.UTF8.GetBytes(text), addBos, addEos);
    }

    public int[] Encode(ReadOnlySpan<byte> bytes, bool addBos = false, bool addEos = false)
    {
        var ids = new int[bytes.Length + (addBos ? 1 : 0) + (addEos ? 1 : 0)];
        int at = 0;
        if (addBos) ids[at++] = Bos;
        foreach (byte b in bytes) ids[at++] = b;
        if (addEos) ids[at] = Eos;
        return ids;
    }

    /// <summary>
    /// Text for the ids. Invalid UTF-8 becomes U+FFFD. Special tokens are dropped, or written as
    /// <c>&lt;|bos|&gt;</c>-style markers when <paramref name="showSpecialTokens"/> is set.
    /// </summary>
    public string Decode(ReadOnlySpan<int> ids, bool showSpecialTokens = false)
    {
        var widened = new long[ids.Length];
        for (int i = 0; i < ids.Length; i++) widened[i] = ids[i];
        return Decode(widened, showSpecialTokens);
    }

    public string Decode(ReadOnlySpan<long> ids, bool showSpecialTokens = false)
    {
        var text = new StringBuilder();
        var run = new List<byte>(ids.Length);
        for (int i = 0; i < ids.Length; i++)
        {
            long id = ids[i];
            if (id is < 0 or >= VocabSize)
                throw new EngineException($"byte-tokenizer decode: id {id} at position {i} is outside the vocabulary [0, {VocabSize})");
            if (id < 256)
            {
                run.Add((byte)id);
                continue;
            }
            if (!showSpecialTokens) continue;
            FlushBytes(text, run);
            text.Append(SpecialTokenText((int)id));
        }
        FlushBytes(text, run);
        return text.ToString();
    }

    private static void FlushBytes(StringBuilder text, List<byte> run)
    {
        if (run.Count == 0) return;
        text.Append(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(run)));
        run.Clear();
    }
}
