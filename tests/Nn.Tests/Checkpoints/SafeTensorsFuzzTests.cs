// Hostile input: truncations, seeded bit flips and crafted headers. Every outcome must be a successful read
// or an EngineException; never another exception type, a hang, or an allocation driven by a lying header.
using System.Buffers.Binary;
using System.Text;
using Engine.Nn.Checkpoints;
using Engine.Tensors;
using Xunit;

namespace Engine.Nn.Tests.Checkpoints;

public class SafeTensorsFuzzTests
{
    // Far above anything a few-hundred-byte file can justify, far below what a trusted bogus length would cost.
    private const long AllocationBudget = 4 << 20;

    private static byte[] ValidFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("seed.safetensors");
        SafeTensors.Write(path,
            [
                ("w", NDArray.FromArray(new[] { 1f, -2f, 3.5f, 0f, 1e-3f, 7f }, 2, 3)),
                ("b", NDArray.FromArray(new[] { 0.5, -0.25 })),
                ("ids", NDArray.FromArray(new[] { 3L, 1L, 4L })),
                ("s", NDArray.Scalar(2)),
                ("e", NDArray.Zeros([0, 5])),
            ],
            new Dictionary<string, string> { ["step"] = "12" });
        return File.ReadAllBytes(path);
    }

    /// <summary>Whether the bytes load; any exception other than EngineException fails the test.</summary>
    private static bool ReadsOrRejects(byte[] bytes) =>
        ReadsOrRejects(bytes.Length, () => SafeTensors.Read(new MemoryStream(bytes, writable: false), "fuzz"));

    /// <summary>The same through a real file, for the file-handle path (slower: file writes cost milliseconds here).</summary>
    private static bool ReadsOrRejectsAsFile(string path, byte[] bytes)
    {
        File.WriteAllBytes(path, bytes);
        return ReadsOrRejects(bytes.Length, () => SafeTensors.Read(path));
    }

    private static bool ReadsOrRejects(int length, Action read)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool loaded;
        try
        {
            read();
            loaded = true;
        }
        catch (EngineException)
        {
            loaded = false;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationBudget, $"reading {length} bytes allocated {allocated} bytes");
        return loaded;
    }

    [Fact]
    public void EveryTruncationFailsCleanly()
    {
        byte[] valid = ValidFile();
        Assert.True(ReadsOrRejects(valid));
        for (int length = 0; length < valid.Length; length++)
            Assert.False(ReadsOrRejects(valid[..length]), $"a file cut to {length} of {valid.Length} bytes loaded");

        using var dir = new TempDirectory();
        string path = dir.File("cut.safetensors");
        Assert.True(ReadsOrRejectsAsFile(path, valid));
        foreach (int length in new[] { 0, 7, 8, 9, 40, valid.Length / 2, valid.Length - 1 })
            Assert.False(ReadsOrRejectsAsFile(path, valid[..length]), $"a file cut to {length} of {valid.Length} bytes loaded");
    }

    [Fact]
    public void SeededBitFlipsLoadOrFailCleanly()
    {
        byte[] valid = ValidFile();
        var random = new Random(20240611);
        int loaded = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] mutated = (byte[])valid.Clone();
            int flips = 1 + random.Next(3);
            for (int f = 0; f < flips; f++)
            {
                // Bias towards the length field and header, where the parser's decisions are made.
                int position = random.Next(4) == 0 ? random.Next(mutated.Length) : random.Next(Math.Min(mutated.Length, 8 + 200));
                mutated[position] ^= (byte)(1 << random.Next(8));
            }
            if (ReadsOrRejects(mutated)) loaded++;
        }
        // Flips inside tensor data leave a valid file, so some mutations must still load.
        Assert.InRange(loaded, 1, 2999);
    }

    public static TheoryData<string, string> HostileHeaders() => new()
    {
        { "huge square shape", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647],\"data_offsets\":[0,16]}}" },
        { "product wraps 64 bits", "{\"a\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296,16],\"data_offsets\":[0,0]}}" },
        { "zero times huge", "{\"a\":{\"dtype\":\"F32\",\"shape\":[0,99999999999],\"data_offsets\":[0,0]}}" },
        { "product wraps 128 bits", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1073741824,1073741824,1073741824,1073741824,1073741824],\"data_offsets\":[0,0]}}" },
        { "negative offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[-16,0]}}" },
        { "offsets beyond the file", "{\"a\":{\"dtype\":\"F32\",\"shape\":[268435456],\"data_offsets\":[0,1073741824]}}" },
        { "offsets beyond u64", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,1e30]}}" },
        { "deep nesting", "{\"a\":" + new string('[', 5000) + new string(']', 5000) + "}" },
        { "number for entry", "{\"a\":12}" },
        { "string shape", "{\"a\":{\"dtype\":\"F32\",\"shape\":\"[4]\",\"data_offsets\":[0,16]}}" },
        { "null dtype", "{\"a\":{\"dtype\":null,\"shape\":[4],\"data_offsets\":[0,16]}}" },
        { "many entries", "{" + string.Join(",", Enumerable.Range(0, 2000).Select(i => $"\"t{i}\":{{\"dtype\":\"X\",\"shape\":[1],\"data_offsets\":[0,1]}}")) + "}" },
        { "long dtype name", "{\"a\":{\"dtype\":\"" + new string('F', 100000) + "\",\"shape\":[1],\"data_offsets\":[0,16]}}" },
        { "nul inside", "{\"a\u0000\":{}}" },
        { "lone surrogate escape", "{\"\\ud800\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}" },
    };

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public void HostileHeadersAreRejected(string why, string header)
    {
        bool loaded = ReadsOrRejects(SafeTensorsBytes.Build(header, 16));
        Assert.False(loaded, why);
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 63)]
    [InlineData(100_000_000UL)]
    [InlineData(17UL)]
    public void LyingHeaderLengthsAreRejected(ulong headerLength)
    {
        var bytes = Encoding.ASCII.GetBytes("XXXXXXXX{}      ");
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength);
        using var dir = new TempDirectory();
        Assert.False(ReadsOrRejects(bytes));
        Assert.False(ReadsOrRejectsAsFile(dir.File("len.safetensors"), bytes));
    }

    [Fact]
    public void ManyProblemsProduceABoundedMessage()
    {
        string header = "{" + string.Join(",", Enumerable.Range(0, 2000).Select(i => $"\"t{i}\":{{\"dtype\":\"X\",\"shape\":[1],\"data_offsets\":[0,1]}}")) + "}";
        var bytes = SafeTensorsBytes.Build(header, 1);
        var error = Assert.Throws<EngineException>(() => SafeTensors.Read(new MemoryStream(bytes), "many.safetensors"));
        Assert.Contains("more", error.Message);
        Assert.True(error.Message.Length < 20_000, $"message has {error.Message.Length} characters");
    }
}
