// Byte-exact fixtures written by hand from the safetensors spec: what the writer must produce and what the
// reader must accept.
using System.Buffers.Binary;
using System.Text;
using Engine.Nn.Checkpoints;
using Engine.Tensors;
using Xunit;

namespace Engine.Nn.Tests.Checkpoints;

public class SafeTensorsFixtureTests
{
    [Fact]
    public void WriterProducesTheSpecLayoutForOneTensor()
    {
        using var dir = new TempDirectory();
        string path = dir.File("one.safetensors");
        SafeTensors.Write(path, [("x", NDArray.FromArray(new[] { 1f, 2f }))]);

        // The header is 54 bytes; 8 + 54 = 62, so two spaces pad it to 56 and the buffer starts at byte 64.
        const string header = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  ";
        var expected = new List<byte>();
        expected.AddRange([56, 0, 0, 0, 0, 0, 0, 0]);
        expected.AddRange(Encoding.ASCII.GetBytes(header));
        expected.AddRange([0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40]); // 1.0f and 2.0f, little-endian
        Assert.Equal(expected.ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void AnEmptyCheckpointIsAPaddedEmptyObject()
    {
        using var dir = new TempDirectory();
        string path = dir.File("empty.safetensors");
        SafeTensors.Write(path, []);
        byte[] expected = [8, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}', 32, 32, 32, 32, 32, 32];
        Assert.Equal(expected, File.ReadAllBytes(path));
        var file = SafeTensors.Read(path);
        Assert.Empty(file.Tensors);
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void WriterPutsMetadataFirstAndOrdersTensorsByAlignmentThenName()
    {
        using var dir = new TempDirectory();
        string path = dir.File("order.safetensors");
        SafeTensors.Write(path,
            [
                ("b16", NDArray.FromArray(new[] { 1f })),
                ("a32", NDArray.FromArray(new[] { 1f })),
                ("z64", NDArray.FromArray(new[] { 1.0 })),
                ("idx", NDArray.FromArray(new[] { 7L, 8L })),
            ],
            new Dictionary<string, string> { ["format"] = "pt" });
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        string header = Encoding.UTF8.GetString(bytes, 8, headerLength).TrimEnd(' ');
        // Every float32 here is stored as F32, so alignment groups are 8 (idx, z64) then 4 (a32, b16).
        Assert.Equal(
            "{\"__metadata__\":{\"format\":\"pt\"}," +
            "\"idx\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}," +
            "\"z64\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[16,24]}," +
            "\"a32\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[24,28]}," +
            "\"b16\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[28,32]}}",
            header);
        Assert.Equal(0, (8 + headerLength) % 8);
    }

    [Fact]
    public void ReaderAcceptsScalarsEmptyTensorsMetadataAndUnalignedPadding()
    {
        // Offsets: the scalar takes [0,4), the empty tensor sits at [4,4), the vector takes [4,12).
        string header = "{\"__metadata__\":{\"step\":\"3\",\"note\":\"caf\u00e9\"}," +
                        "\"scalar\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}," +
                        "\"none\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]}," +
                        "\"vec\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}   ";
        using var dir = new TempDirectory();
        string path = dir.File("fixture.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(header, SafeTensorsBytes.Floats(2.5f, -1f, 0.25f), padToEight: false));

        var file = SafeTensors.Read(path);
        Assert.Equal(2.5, file["scalar"].Item());
        Assert.Equal(0, file["scalar"].Rank);
        Assert.Equal([0, 3], file["none"].ShapeCopy());
        Assert.Equal([-1f, 0.25f], file["vec"].ToArray<float>());
        Assert.Equal("3", file.Metadata["step"]);
        Assert.Equal("caf\u00e9", file.Metadata["note"]);
    }

    [Fact]
    public void ReaderWidensBF16F16AndI32()
    {
        string header = "{\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}," +
                        "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[4,8]}," +
                        "\"i\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
        byte[] buffer =
        [
            0x80, 0x3F, 0x49, 0x40,             // BF16 1.0 and 3.140625
            0x00, 0x3C, 0x00, 0xB8,             // F16 1.0 and -0.5
            0xFF, 0xFF, 0xFF, 0xFF, 5, 0, 0, 0, // I32 -1 and 5
        ];
        using var dir = new TempDirectory();
        string path = dir.File("widen.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(header, buffer));

        var file = SafeTensors.Read(path);
        Assert.Equal([1f, 3.140625f], file["b"].ToArray<float>());
        Assert.Equal([1f, -0.5f], file["h"].ToArray<float>());
        Assert.Equal([-1L, 5L], file["i"].ToArray<long>());
        Assert.Equal(StoredDType.BF16, file.Header.Entries[0].DType);
    }

    [Fact]
    public void WriterStoresFloat32AsBF16OrF16OnRequest()
    {
        using var dir = new TempDirectory();
        var values = NDArray.FromArray(new[] { 1f, 1.00390625f, -3f }); // 1 + 2^-8 is a bfloat16 tie
        var mixed = new (string, NDArray)[] { ("w", values), ("d", NDArray.FromArray(new[] { 0.1 })) };

        SafeTensors.Write(dir.File("bf16.safetensors"), mixed, float32As: FloatStorage.BFloat16);
        var bf16 = SafeTensors.Read(dir.File("bf16.safetensors"));
        Assert.Equal(StoredDType.BF16, bf16.Header.Entries.Single(e => e.Name == "w").DType);
        Assert.Equal([1f, 1f, -3f], bf16["w"].ToArray<float>());
        Assert.Equal([0.1], bf16["d"].ToArray<double>()); // float64 keeps its precision

        SafeTensors.Write(dir.File("f16.safetensors"), mixed, float32As: FloatStorage.Float16);
        var f16 = SafeTensors.Read(dir.File("f16.safetensors"));
        Assert.Equal(StoredDType.F16, f16.Header.Entries.Single(e => e.Name == "w").DType);
        Assert.Equal([1f, 1.00390625f, -3f], f16["w"].ToArray<float>()); // exact in float16's 10-bit mantissa
    }

    [Fact]
    public void WriterAcceptsNonContiguousViews()
    {
        using var dir = new TempDirectory();
        var matrix = NDArray.FromArray(new[] { 1.0, 2, 3, 4, 5, 6 }, 2, 3);
        SafeTensors.Write(dir.File("t.safetensors"), [("t", matrix.Transpose(0, 1))]);
        var back = SafeTensors.Read(dir.File("t.safetensors"))["t"];
        Assert.Equal([3, 2], back.ShapeCopy());
        Assert.Equal([1.0, 4, 2, 5, 3, 6], back.ToArray<double>());
    }

    [Fact]
    public void ReadHeaderReportsEntriesWithoutLoadingData()
    {
        using var dir = new TempDirectory();
        string path = dir.File("h.safetensors");
        SafeTensors.Write(path, [("w", NDArray.Zeros([3, 4])), ("steps", NDArray.FromArray(new[] { 1L }))]);
        var header = SafeTensors.ReadHeader(path);
        Assert.Equal(["steps", "w"], header.Entries.Select(e => e.Name));
        Assert.Equal([3, 4], header.Entries[1].Shape);
        Assert.Equal(56, header.BufferLength);
        Assert.Equal(0, header.BufferStart % 8);
    }
}
