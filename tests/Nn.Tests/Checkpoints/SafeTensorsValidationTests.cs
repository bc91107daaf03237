// The reference parser's negative cases (huggingface/safetensors `tensor.rs`): each malformed file must fail
// with one EngineException that starts with the path and names every problem.
using System.Buffers.Binary;
using Engine.Nn.Checkpoints;
using Engine.Tensors;
using Xunit;

namespace Engine.Nn.Tests.Checkpoints;

public class SafeTensorsValidationTests
{
    private static EngineException ReadFails(byte[] bytes)
    {
        using var dir = new TempDirectory();
        string path = dir.File("bad.safetensors");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<EngineException>(() => SafeTensors.Read(path));
        Assert.StartsWith(path + ":", error.Message);
        return error;
    }

    private static string Entry(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    [Fact]
    public void MissingFileIsAnEngineException()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<EngineException>(() => SafeTensors.Read(dir.File("absent.safetensors")));
        Assert.Contains("absent.safetensors", error.Message);
    }

    [Fact]
    public void FileShorterThanTheLengthFieldIsRejected()
    {
        Assert.Contains("too short", ReadFails([1, 2, 3]).Message);
    }

    [Fact]
    public void HeaderAboveTheHundredMegabyteLimitIsRejectedBeforeAllocating()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 100_000_001);
        Assert.Contains("exceeds the limit of 100000000", ReadFails(bytes).Message);
    }

    [Fact]
    public void HeaderLongerThanTheFileIsRejected()
    {
        var bytes = SafeTensorsBytes.Build("{}", 0);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 9);
        Assert.Contains("header length 9 is more than the 8 bytes", ReadFails(bytes).Message);
    }

    [Fact]
    public void HeaderMustStartWithABrace()
    {
        Assert.Contains("must start with '{'", ReadFails(SafeTensorsBytes.Build(" {}", 0)).Message);
        Assert.Contains("must start with '{'", ReadFails(SafeTensorsBytes.Build("[]", 0)).Message);
    }

    [Fact]
    public void HeaderMustBeUtf8Json()
    {
        var bytes = SafeTensorsBytes.Build("{\"a\":1}", 0);
        bytes[10] = 0xFF;
        Assert.Contains("not valid UTF-8", ReadFails(bytes).Message);
        Assert.Contains("not valid JSON", ReadFails(SafeTensorsBytes.Build("{\"a\":", 0)).Message);
        Assert.Contains("not valid JSON", ReadFails(SafeTensorsBytes.Build("{} x", 0)).Message);
    }

    [Fact]
    public void HolesBetweenOrAfterTensorsAreRejected()
    {
        string between = "{" + Entry("a", "F32", "[1]", 0, 4) + "," + Entry("b", "F32", "[1]", 8, 12) + "}";
        Assert.Contains("bytes [4, 8) of the buffer belong to no tensor", ReadFails(SafeTensorsBytes.Build(between, 12)).Message);
        string trailing = "{" + Entry("a", "F32", "[1]", 0, 4) + "}";
        Assert.Contains("bytes [4, 12) at the end of the buffer", ReadFails(SafeTensorsBytes.Build(trailing, 12)).Message);
    }

    [Fact]
    public void OverlappingTensorsAreRejected()
    {
        string header = "{" + Entry("a", "F32", "[2]", 0, 8) + "," + Entry("b", "F32", "[2]", 4, 12) + "}";
        Assert.Contains("tensor 'b' at [4, 12) overlaps 'a'", ReadFails(SafeTensorsBytes.Build(header, 12)).Message);
    }

    [Fact]
    public void OffsetsMustMatchShapeTimesDTypeSize()
    {
        string header = "{" + Entry("a", "F32", "[3]", 0, 8) + "}";
        Assert.Contains("span 8 bytes, but F32 with shape [3] needs 12", ReadFails(SafeTensorsBytes.Build(header, 8)).Message);
    }

    [Fact]
    public void DuplicateKeysAreRejected()
    {
        string header = "{" + Entry("a", "F32", "[1]", 0, 4) + "," + Entry("a", "F32", "[1]", 4, 8) + "}";
        Assert.Contains("duplicate key 'a'", ReadFails(SafeTensorsBytes.Build(header, 8)).Message);
        string innerDuplicate = "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        Assert.Contains("tensor 'a': duplicate key 'dtype'", ReadFails(SafeTensorsBytes.Build(innerDuplicate, 4)).Message);
    }

    [Fact]
    public void UnsupportedAndUnknownDTypesAreNamed()
    {
        var u8 = ReadFails(SafeTensorsBytes.Build("{" + Entry("a", "U8", "[4]", 0, 4) + "}", 4));
        Assert.Contains("dtype 'U8' is not supported by the engine", u8.Message);
        var bogus = ReadFails(SafeTensorsBytes.Build("{" + Entry("a", "Q7", "[4]", 0, 4) + "}", 4));
        Assert.Contains("dtype 'Q7' is not a safetensors dtype", bogus.Message);
    }

    [Fact]
    public void MetadataMustMapStringsToStrings()
    {
        var error = ReadFails(SafeTensorsBytes.Build("{\"__metadata__\":{\"a\":\"x\",\"b\":3}}", 0));
        Assert.Contains("value for 'b' must be a string, found Number", error.Message);
        Assert.Contains("must be an object of strings", ReadFails(SafeTensorsBytes.Build("{\"__metadata__\":[]}", 0)).Message);
    }

    [Fact]
    public void EntryFieldsMustHaveTheRightJsonTypes()
    {
        Assert.Contains("'dtype' must be a string", ReadFails(SafeTensorsBytes.Build("{\"a\":{\"dtype\":1,\"shape\":[],\"data_offsets\":[0,0]}}", 0)).Message);
        Assert.Contains("'shape'[0] must be a non-negative integer, found -1", ReadFails(SafeTensorsBytes.Build("{" + Entry("a", "F32", "[-1]", 0, 0) + "}", 0)).Message);
        Assert.Contains("'shape'[0] must be a non-negative integer, found 1.5", ReadFails(SafeTensorsBytes.Build("{" + Entry("a", "F32", "[1.5]", 0, 0) + "}", 0)).Message);
        Assert.Contains("'data_offsets' must have 2 entries, found 3", ReadFails(SafeTensorsBytes.Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4,8]}}", 4)).Message);
        Assert.Contains("missing 'shape'", ReadFails(SafeTensorsBytes.Build("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4)).Message);
        Assert.Contains("entry must be an object", ReadFails(SafeTensorsBytes.Build("{\"a\":[1]}", 0)).Message);
    }

    [Fact]
    public void EveryProblemIsListedInOneException()
    {
        string header = "{" + Entry("a", "U8", "[1]", 0, 1) + "," + Entry("b", "F32", "[2]", 1, 5) + "," +
                        "\"__metadata__\":{\"k\":false}}";
        var error = ReadFails(SafeTensorsBytes.Build(header, 5));
        Assert.Contains("3 problems", error.Message);
        Assert.Contains("'U8'", error.Message);
        Assert.Contains("needs 8", error.Message);
        Assert.Contains("value for 'k'", error.Message);
    }

    [Fact]
    public void HugeShapesAreRejectedWithoutOverflowOrAllocation()
    {
        string square = "{" + Entry("a", "F32", "[2147483647, 2147483647]", 0, 4) + "}";
        Assert.Contains("more than 2147483647 elements", ReadFails(SafeTensorsBytes.Build(square, 4)).Message);
        string wraps = "{" + Entry("a", "F32", "[4294967296, 4294967296, 1]", 0, 0) + "}";
        Assert.Contains("above the engine's limit", ReadFails(SafeTensorsBytes.Build(wraps, 0)).Message);
        string zeroAfterHuge = "{" + Entry("a", "F32", "[2147483647, 2147483647, 0]", 0, 0) + "}";
        Assert.Contains("more than 2147483647 elements", ReadFails(SafeTensorsBytes.Build(zeroAfterHuge, 0)).Message);
        string beyondU64 = "{" + Entry("a", "F32", "[18446744073709551616]", 0, 0) + "}";
        Assert.Contains("must be a non-negative integer", ReadFails(SafeTensorsBytes.Build(beyondU64, 0)).Message);
    }

    [Fact]
    public void ZeroSizedTensorsWithLargeDimensionsLoad()
    {
        using var dir = new TempDirectory();
        string path = dir.File("wide.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build("{" + Entry("a", "F32", "[0, 2147483647]", 0, 0) + "}", 0));
        Assert.Equal([0, int.MaxValue], SafeTensors.Read(path)["a"].ShapeCopy());
    }

    [Fact]
    public void OffsetsOutsideTheBufferAreRejected()
    {
        Assert.Contains("reach past the 4-byte buffer", ReadFails(SafeTensorsBytes.Build("{" + Entry("a", "F32", "[1]", 4, 8) + "}", 4)).Message);
        Assert.Contains("begin after they end", ReadFails(SafeTensorsBytes.Build("{" + Entry("a", "F32", "[1]", 8, 4) + "}", 8)).Message);
        Assert.Contains("must be a non-negative integer, found -4", ReadFails(SafeTensorsBytes.Build("{" + Entry("a", "F32", "[1]", -4, 0) + "}", 4)).Message);
    }

    [Fact]
    public void ZeroSizedTensorInsideAnotherTensorCountsAsOverlap()
    {
        // The reference parser walks tensors in offset order and requires each to start where the last ended.
        string header = "{" + Entry("a", "F32", "[2]", 0, 8) + "," + Entry("e", "F32", "[0]", 4, 4) + "}";
        Assert.Contains("overlaps", ReadFails(SafeTensorsBytes.Build(header, 8)).Message);
    }

    [Fact]
    public void WriterRejectsDuplicateAndReservedNames()
    {
        using var dir = new TempDirectory();
        var one = NDArray.FromArray(new[] { 1f });
        var error = Assert.Throws<EngineException>(() =>
            SafeTensors.Write(dir.File("w.safetensors"), [("a", one), ("a", one), ("__metadata__", one)]));
        Assert.Contains("'a' appears twice", error.Message);
        Assert.Contains("reserved", error.Message);
        Assert.Empty(dir.Entries());
    }
}
