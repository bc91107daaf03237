// Write-then-read is the identity on tensors and metadata, for random shapes (including scalars and
// zero-sized tensors), dtypes and storage formats.
using Engine.Nn.Checkpoints;
using Engine.Tensors;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Engine.Nn.Tests.Checkpoints;

public class SafeTensorsRoundTripTests
{
    public sealed record TensorCase(string Name, int[] Shape, DType DType, int Seed)
    {
        public NDArray Build()
        {
            var random = new Random(Seed);
            int count = 1;
            foreach (int d in Shape) count *= d;
            return DType switch
            {
                DType.Float32 => NDArray.FromArray(Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 200 - 100)).ToArray(), Shape),
                DType.Float64 => NDArray.FromArray(Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2e6 - 1e6).ToArray(), Shape),
                _ => NDArray.FromArray(Enumerable.Range(0, count).Select(_ => random.NextInt64(long.MinValue, long.MaxValue)).ToArray(), Shape),
            };
        }

        public override string ToString() => $"{Name}:{DType}{ShapeMath.Format(Shape)}#{Seed}";
    }

    public sealed record Checkpoint(TensorCase[] Tensors, Dictionary<string, string> Metadata, FloatStorage Float32As)
    {
        public override string ToString() =>
            $"{Float32As} [{string.Join(", ", Tensors.Select(t => t.ToString()))}] meta={Metadata.Count}";
    }

    private static readonly Gen<int[]> Shapes =
        from rank in Gen.Choose(0, 4)
        from dims in Gen.Choose(0, 5).ArrayOf(rank)
        select dims;

    private static readonly Gen<string> Names = Gen.Elements("w", "b", "blocks.0.mlp.w", "embed", "\u00e9t\u00e9", "a b", "x\"y", "scale");

    private static readonly Gen<Checkpoint> Checkpoints =
        from count in Gen.Choose(0, 5)
        from names in Gen.Shuffle(Enumerable.Range(0, count).ToArray())
        from tensors in Gen.CollectToArray(names, i =>
            from baseName in Names
            from shape in Shapes
            from dtype in Gen.Elements(DType.Float32, DType.Float64, DType.Int64)
            from seed in Gen.Choose(0, int.MaxValue)
            select new TensorCase($"{baseName}.{i}", shape, dtype, seed))
        from metaCount in Gen.Choose(0, 3)
        from metaValues in Gen.Elements("", "1e-3", "{\"nested\": \"json as text\"}", "\u65e5\u672c", "line\nbreak").ArrayOf(metaCount)
        from storage in Gen.Elements(FloatStorage.Float32, FloatStorage.Float16, FloatStorage.BFloat16)
        select new Checkpoint(tensors, metaValues.Select((v, i) => (v, i)).ToDictionary(p => $"key{p.i}", p => p.v), storage);

    private static float StoredFloat(float value, FloatStorage storage) => storage switch
    {
        FloatStorage.Float16 => HalfPrecision.Float16ToFloat(HalfPrecision.FloatToFloat16(value)),
        FloatStorage.BFloat16 => HalfPrecision.BFloat16ToFloat(HalfPrecision.FloatToBFloat16(value)),
        _ => value,
    };

    // NDArray reports zero-sized arrays as non-contiguous, so ToArray refuses them; they hold nothing anyway.
    private static T[] Values<T>(NDArray array) where T : unmanaged => array.Size == 0 ? [] : array.ToArray<T>();

    [FsCheck.Xunit.Property(MaxTest = 150)]
    public Property WriteThenReadIsTheIdentity() => Prop.ForAll(Checkpoints.ToArbitrary(), checkpoint =>
    {
        // Streams rather than files: file writes cost milliseconds on the test machines. The file path has
        // its own round-trip test below and in the fixtures.
        var originals = checkpoint.Tensors.Select(t => (t.Name, t.Build())).ToArray();
        using var stream = new MemoryStream();
        SafeTensors.WriteTo(stream, originals, checkpoint.Metadata, checkpoint.Float32As);
        Assert.Equal(0, (8 + (long)BitConverter.ToUInt64(stream.GetBuffer(), 0)) % 8);
        stream.Position = 0;
        var file = SafeTensors.Read(stream, "round-trip");
        Assert.Equal(originals.Length, file.Tensors.Count);
        Assert.Equal(checkpoint.Metadata.OrderBy(p => p.Key), file.Metadata.OrderBy(p => p.Key));
        foreach (var (name, original) in originals)
        {
            var loaded = file[name];
            Assert.Equal(original.ShapeCopy(), loaded.ShapeCopy());
            Assert.Equal(original.DType, loaded.DType);
            switch (original.DType)
            {
                case DType.Float32:
                    Assert.Equal(Values<float>(original).Select(v => StoredFloat(v, checkpoint.Float32As)), Values<float>(loaded));
                    break;
                case DType.Float64:
                    Assert.Equal(Values<double>(original), Values<double>(loaded));
                    break;
                default:
                    Assert.Equal(Values<long>(original), Values<long>(loaded));
                    break;
            }
        }
        foreach (var entry in file.Header.Entries)
            Assert.Equal(0, (file.Header.BufferStart + entry.Begin) % entry.DType.SizeInBytes());
    });

    [Fact]
    public void FileRoundTripKeepsEveryDTypeAndMetadata()
    {
        using var dir = new TempDirectory();
        string path = dir.File("all.safetensors");
        SafeTensors.Write(path,
            [("f", NDArray.FromArray(new[] { 1.5f, -2f })), ("d", NDArray.FromArray(new[] { Math.PI })), ("i", NDArray.FromArray(new[] { long.MinValue, 0, long.MaxValue }))],
            new Dictionary<string, string> { ["step"] = "7" });
        var file = SafeTensors.Read(path);
        Assert.Equal([1.5f, -2f], file["f"].ToArray<float>());
        Assert.Equal([Math.PI], file["d"].ToArray<double>());
        Assert.Equal([long.MinValue, 0, long.MaxValue], file["i"].ToArray<long>());
        Assert.Equal("7", file.Metadata["step"]);
    }

    [Fact]
    public void ReadingFromAnOffsetInsideALargerStreamWorks()
    {
        using var stream = new MemoryStream();
        stream.Write([1, 2, 3]);
        SafeTensors.WriteTo(stream, [("x", NDArray.FromArray(new[] { 4.0 }))]);
        stream.Position = 3;
        Assert.Equal([4.0], SafeTensors.Read(stream, "embedded")["x"].ToArray<double>());
    }

    [Fact]
    public void StreamAndFileWritersProduceTheSameBytes()
    {
        using var dir = new TempDirectory();
        var tensors = new (string, NDArray)[] { ("a", NDArray.Arange(6).Reshape(2, 3)), ("b", NDArray.FromArray(new[] { 5L })) };
        SafeTensors.Write(dir.File("f.safetensors"), tensors);
        using var memory = new MemoryStream();
        SafeTensors.WriteTo(memory, tensors);
        Assert.Equal(File.ReadAllBytes(dir.File("f.safetensors")), memory.ToArray());
    }
}
