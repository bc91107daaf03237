// Byte tokenizer: exact round trips for any text, special tokens, and invalid input.
using System.Text;
using Engine.Tensors;
using Engine.Training.Data;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Engine.Training.Tests.Data;

public class ByteTokenizerTests
{
    private static readonly ByteTokenizer Tokenizer = new();

    // Mixes ASCII, accented Latin, CJK, emoji (surrogate pairs) and control characters.
    private static readonly Gen<string> Texts =
        Gen.Elements("a", "Z", " ", "\n", "\t", "\u00e9", "\u00df", "\u65e5", "\u672c", "\U0001F600", "\U0001F9EA", "\u0000", "\u007F", "\u20AC")
            .ListOf()
            .Select(parts => string.Concat(parts));

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property EncodeThenDecodeIsTheIdentity() => Prop.ForAll(Texts.ToArbitrary(), text =>
        Tokenizer.Decode(Tokenizer.Encode(text, addBos: true, addEos: true)) == text);

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property EncodingIsTheUtf8Bytes() => Prop.ForAll(Texts.ToArbitrary(), text =>
        Tokenizer.Encode(text).SequenceEqual(Encoding.UTF8.GetBytes(text).Select(b => (int)b)));

    [Fact]
    public void SpecialTokensFollowTheBytes()
    {
        Assert.Equal([ByteTokenizer.Bos, 104, 105, ByteTokenizer.Eos], Tokenizer.Encode("hi", addBos: true, addEos: true));
        Assert.Equal(259, ByteTokenizer.VocabSize);
        Assert.True(ByteTokenizer.Pad > 255);
    }

    [Fact]
    public void DecodeSkipsOrShowsSpecialTokens()
    {
        long[] ids = [ByteTokenizer.Bos, 104, 105, ByteTokenizer.Pad, ByteTokenizer.Eos];
        Assert.Equal("hi", Tokenizer.Decode(ids));
        Assert.Equal("<|bos|>hi<|pad|><|eos|>", Tokenizer.Decode(ids, showSpecialTokens: true));
    }

    [Fact]
    public void InvalidUtf8BecomesReplacementCharacters()
    {
        Assert.Equal("a\uFFFDb", Tokenizer.Decode([97, 0xFF, 98]));
        Assert.Equal("\uFFFD", Tokenizer.Decode([0xE6, 0x97])); // the first two bytes of a three-byte character
    }

    [Fact]
    public void IdsOutsideTheVocabularyAreRejected()
    {
        var error = Assert.Throws<EngineException>(() => Tokenizer.Decode([97, 300]));
        Assert.Contains("id 300 at position 1", error.Message);
        Assert.Throws<EngineException>(() => Tokenizer.Decode([-1]));
    }
}
