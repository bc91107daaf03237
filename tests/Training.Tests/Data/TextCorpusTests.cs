// Corpus indexing: file order, document separators (also across read-chunk boundaries), the content-hash
// train/validation split, skipped files and error cases.
using System.Text;
using Engine.Tensors;
using Engine.Training.Data;
using Xunit;

namespace Engine.Training.Tests.Data;

public class TextCorpusTests
{
    private static readonly ByteTokenizer Tokenizer = new();

    /// <summary>Every document of the split, decoded, in stream order.</summary>
    internal static List<string> Documents(CorpusSplit split)
    {
        var tokens = new long[split.TokenCount];
        split.ReadTokens(0, tokens, []);
        var documents = new List<string>();
        int start = -1;
        for (int i = 0; i <= tokens.Length; i++)
        {
            if (i < tokens.Length && tokens[i] != ByteTokenizer.Bos) continue;
            if (start >= 0) documents.Add(Tokenizer.Decode(tokens.AsSpan(start + 1, i - start - 1)));
            start = i;
        }
        return documents;
    }

    [Fact]
    public void FolderFilesAreReadRecursivelyInOrdinalPathOrder()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("b.txt"), "bee");
        File.WriteAllText(dir.File("a/z.txt"), "zed");
        File.WriteAllText(dir.File("B.txt"), "Big");
        File.WriteAllText(dir.File("empty.txt"), "");
        using var corpus = TextCorpus.Open(dir.Path, new CorpusOptions { ValidationFraction = 0 });
        Assert.Equal(["Big", "zed", "bee"], Documents(corpus.Train));
        Assert.Equal(3, corpus.Train.DocumentCount);
        Assert.Equal(3 + 3 * 3, corpus.Train.TokenCount);
        Assert.Equal(0, corpus.Validation.TokenCount);
    }

    [Fact]
    public void SeparatorsSplitDocumentsEvenAcrossReadChunks()
    {
        using var dir = new TempDirectory();
        var random = new Random(7);
        var expected = new List<string>();
        for (int i = 0; i < 40; i++)
        {
            // Lengths around the 64 KiB read chunk put separators on and across chunk boundaries.
            int length = random.Next(1, 9000);
            expected.Add(new string((char)('a' + i % 26), length) + "\u00e9" + i);
        }
        const string separator = "\n<|doc|>\n";
        File.WriteAllText(dir.File("big.txt"), separator + string.Join(separator, expected) + separator + separator);
        using var corpus = TextCorpus.Open(dir.File("big.txt"), new CorpusOptions { DocumentSeparator = separator, ValidationFraction = 0 });
        Assert.Equal(expected, Documents(corpus.Train));
    }

    [Fact]
    public void SeparatorStraddlingTheChunkBoundaryIsFound()
    {
        using var dir = new TempDirectory();
        for (int shift = -4; shift <= 1; shift++)
        {
            string first = new('x', 65536 + shift);
            File.WriteAllText(dir.File("edge.txt"), first + "#SEP#" + "tail");
            using var corpus = TextCorpus.Open(dir.File("edge.txt"), new CorpusOptions { DocumentSeparator = "#SEP#", ValidationFraction = 0 });
            Assert.Equal([first, "tail"], Documents(corpus.Train));
        }
    }

    [Fact]
    public void ValidationSplitIsDisjointDeterministicAndNearTheFraction()
    {
        using var dir = new TempDirectory();
        var all = Enumerable.Range(0, 400).Select(i => $"document number {i} says {i * i}").ToList();
        File.WriteAllText(dir.File("docs.txt"), string.Join("\n\n", all));
        var options = new CorpusOptions { DocumentSeparator = "\n\n", ValidationFraction = 0.25 };
        using var corpus = TextCorpus.Open(dir.File("docs.txt"), options);
        var train = Documents(corpus.Train);
        var validation = Documents(corpus.Validation);

        Assert.Empty(train.Intersect(validation));
        Assert.Equal(all.OrderBy(s => s, StringComparer.Ordinal), train.Concat(validation).OrderBy(s => s, StringComparer.Ordinal));
        Assert.InRange(validation.Count, 60, 140); // 100 expected; a binomial(400, 0.25) sd is about 9

        // The split depends on content only: the same documents in other files land on the same side.
        File.Delete(dir.File("docs.txt"));
        for (int i = 0; i < all.Count; i++) File.WriteAllText(dir.File($"split/{i:D4}.txt"), all[i]);
        using var perFile = TextCorpus.Open(dir.Path, options with { DocumentSeparator = null });
        Assert.Equal(validation.ToHashSet(), Documents(perFile.Validation).ToHashSet());

        using var reseeded = TextCorpus.Open(dir.Path, options with { DocumentSeparator = null, SplitSeed = 99 });
        Assert.NotEqual(validation.ToHashSet(), Documents(reseeded.Validation).ToHashSet());
    }

    [Fact]
    public void NonTextFilesAreSkippedWithAReason()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("good.txt"), "fine text \u65e5\u672c");
        File.WriteAllBytes(dir.File("latin1.txt"), [0x63, 0x61, 0x66, 0xE9]); // "caf\u00e9" in Latin-1
        File.WriteAllBytes(dir.File("binary.bin"), [1, 2, 0, 3]);
        File.WriteAllBytes(dir.File("cut.txt"), [0x61, 0xE6, 0x97]); // ends inside a three-byte character
        File.WriteAllBytes(dir.File("bom.txt"), [0xEF, 0xBB, 0xBF, 0x68, 0x69]);
        using var corpus = TextCorpus.Open(dir.Path, new CorpusOptions { ValidationFraction = 0 });

        Assert.Equal(["hi", "fine text \u65e5\u672c"], Documents(corpus.Train));
        var reasons = corpus.Skipped.ToDictionary(s => Path.GetFileName(s.Path), s => s.Reason);
        Assert.Equal(["binary.bin", "cut.txt", "latin1.txt"], reasons.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("NUL byte at offset 2", reasons["binary.bin"]);
        Assert.Contains("not valid UTF-8", reasons["latin1.txt"]);
        Assert.Contains("not valid UTF-8", reasons["cut.txt"]);
    }

    [Fact]
    public void MissingPathIsAnEngineException()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<EngineException>(() => TextCorpus.Open(Path.Combine(dir.Path, "nope")));
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void EmptyCorpusIsAnEngineException()
    {
        using var dir = new TempDirectory();
        Assert.Contains("empty corpus", Assert.Throws<EngineException>(() => TextCorpus.Open(dir.Path)).Message);
        File.WriteAllBytes(dir.File("x.bin"), [0xFF, 0xFE]);
        var error = Assert.Throws<EngineException>(() => TextCorpus.Open(dir.Path));
        Assert.Contains("x.bin is not valid UTF-8", error.Message);
    }

    [Fact]
    public void BadOptionsAreEngineExceptions()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("a.txt"), "a");
        Assert.Throws<EngineException>(() => TextCorpus.Open(dir.Path, new CorpusOptions { ValidationFraction = 1.5 }));
        Assert.Throws<EngineException>(() => TextCorpus.Open(dir.Path, new CorpusOptions { DocumentSeparator = "" }));
    }

    [Fact]
    public void ReadTokensRejectsRangesOutsideTheSplit()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("a.txt"), "abc");
        using var corpus = TextCorpus.Open(dir.Path, new CorpusOptions { ValidationFraction = 0 });
        Assert.Throws<EngineException>(() => corpus.Train.ReadTokens(2, new long[3], []));
        var tokens = new long[2];
        var positions = new long[2];
        corpus.Train.ReadTokens(2, tokens, positions);
        Assert.Equal([(long)'b', 'c'], tokens);
        Assert.Equal([2L, 3L], positions);
        Assert.Equal(Encoding.UTF8.GetBytes("abc").Length + 1, corpus.Train.TokenCount);
    }
}
