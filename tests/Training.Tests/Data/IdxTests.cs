// IDX (MNIST format) loading from plain and gzip files, and rejection of malformed files.
using System.Buffers.Binary;
using System.IO.Compression;
using Engine.Tensors;
using Engine.Training.Data;
using Xunit;

namespace Engine.Training.Tests.Data;

public class IdxTests
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    private static byte[] IdxBytes(uint magic, uint[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    private static readonly byte[] Pixels = [0, 255, 51, 102, 204, 1, 17, 34, 68, 136, 170, 187];

    [Theory]
    [InlineData(false, "images.idx")]
    [InlineData(true, "images-idx3-ubyte.gz")]
    [InlineData(true, "gzip-without-the-extension.idx")]
    public void ImagesRoundTripScaledToUnitInterval(bool compress, string name)
    {
        using var dir = new TempDirectory();
        var bytes = IdxBytes(Idx.ImagesMagic, [2, 2, 3], Pixels);
        File.WriteAllBytes(dir.File(name), compress ? Gzip(bytes) : bytes);
        var images = Idx.ReadImages(dir.File(name));
        Assert.Equal([2, 2, 3], images.ShapeCopy());
        Assert.Equal(DType.Float32, images.DType);
        Assert.Equal(Pixels.Select(p => p / 255f), images.ToArray<float>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LabelsRoundTripAsInt64(bool compress)
    {
        using var dir = new TempDirectory();
        var bytes = IdxBytes(Idx.LabelsMagic, [4], [9, 0, 3, 255]);
        File.WriteAllBytes(dir.File("labels"), compress ? Gzip(bytes) : bytes);
        var labels = Idx.ReadLabels(dir.File("labels"));
        Assert.Equal([4], labels.ShapeCopy());
        Assert.Equal([9L, 0, 3, 255], labels.ToArray<long>());
    }

    [Fact]
    public void DatasetChecksThatCountsAgree()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("i"), IdxBytes(Idx.ImagesMagic, [2, 2, 3], Pixels));
        File.WriteAllBytes(dir.File("l2"), IdxBytes(Idx.LabelsMagic, [2], [1, 2]));
        File.WriteAllBytes(dir.File("l3"), IdxBytes(Idx.LabelsMagic, [3], [1, 2, 3]));
        var (images, labels) = Idx.ReadDataset(dir.File("i"), dir.File("l2"));
        Assert.Equal(2, images.Dim(0));
        Assert.Equal(2, labels.Dim(0));
        Assert.Contains("2 images but", Assert.Throws<EngineException>(() => Idx.ReadDataset(dir.File("i"), dir.File("l3"))).Message);
    }

    [Fact]
    public void EmptyDatasetsAreAllowed()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("i"), IdxBytes(Idx.ImagesMagic, [0, 28, 28], []));
        Assert.Equal([0, 28, 28], Idx.ReadImages(dir.File("i")).ShapeCopy());
    }

    public static TheoryData<string, byte[], string> Malformed() => new()
    {
        { "labels given as images", IdxBytes(Idx.LabelsMagic, [2], [1, 2]), "bad IDX magic 0x00000801 (a labels file)" },
        { "wrong element type", IdxBytes(0x00000D03, [1, 1, 1], [1, 2, 3, 4]), "bad IDX magic 0x00000D03" },
        { "header cut short", IdxBytes(Idx.ImagesMagic, [2, 2, 3], [])[..10], "truncated" },
        { "data cut short", IdxBytes(Idx.ImagesMagic, [2, 2, 3], Pixels)[..20], "but the file has 20 bytes" },
        { "extra data", IdxBytes(Idx.ImagesMagic, [1, 2, 3], Pixels), "but the file has 28 bytes" },
        { "huge count", IdxBytes(Idx.ImagesMagic, [int.MaxValue, 28, 28], Pixels), "more than 2147483647 values" },
        { "dimension above int", IdxBytes(Idx.ImagesMagic, [0xFF000000, 1, 1], [7]), "above 2147483647" },
        { "empty file", [], "truncated" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedPlainFilesAreRejected(string why, byte[] bytes, string message)
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("bad"), bytes);
        var error = Assert.Throws<EngineException>(() => Idx.ReadImages(dir.File("bad")));
        Assert.Contains(message, error.Message);
        Assert.StartsWith(dir.File("bad"), error.Message);
        Assert.False(string.IsNullOrEmpty(why));
    }

    [Fact]
    public void MalformedGzipFilesAreRejectedWithoutTrustingTheHeader()
    {
        using var dir = new TempDirectory();
        var full = IdxBytes(Idx.ImagesMagic, [2, 2, 3], Pixels);
        File.WriteAllBytes(dir.File("short.gz"), Gzip(full[..20]));
        Assert.Contains("the data holds 4", Assert.Throws<EngineException>(() => Idx.ReadImages(dir.File("short.gz"))).Message);

        File.WriteAllBytes(dir.File("long.gz"), Gzip([.. full, 1, 2]));
        Assert.Contains("holds more", Assert.Throws<EngineException>(() => Idx.ReadImages(dir.File("long.gz"))).Message);

        // A header claiming 60000 x 1000 x 1000 pixels over a few bytes of data must not allocate 60 GB.
        File.WriteAllBytes(dir.File("liar.gz"), Gzip(IdxBytes(Idx.ImagesMagic, [2000, 1000, 1000], Pixels)));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<EngineException>(() => Idx.ReadImages(dir.File("liar.gz")));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8 << 20);

        var corrupt = Gzip(full);
        corrupt[12] ^= 0xFF;
        File.WriteAllBytes(dir.File("corrupt.gz"), corrupt);
        Assert.Throws<EngineException>(() => Idx.ReadImages(dir.File("corrupt.gz")));
    }

    [Fact]
    public void MissingFileIsAnEngineException()
    {
        Assert.Throws<EngineException>(() => Idx.ReadLabels("/nonexistent/labels-idx1-ubyte"));
    }

    [Fact]
    public void ReadsFashionMnistTestSetWhenTheDebianPackageIsInstalled()
    {
        // dataset-fashion-mnist ships gzip files here; the test has nothing to check on machines without it.
        string images = Path.Combine(FashionMnist, "t10k-images-idx3-ubyte.gz");
        string labels = Path.Combine(FashionMnist, "t10k-labels-idx1-ubyte.gz");
        if (!File.Exists(images) || !File.Exists(labels)) return;
        var (x, y) = Idx.ReadDataset(images, labels);
        Assert.Equal([10000, 28, 28], x.ShapeCopy());
        Assert.Equal([10000], y.ShapeCopy());
        var classes = y.ToArray<long>();
        Assert.All(classes, c => Assert.InRange(c, 0, 9));
        Assert.Equal(1000, classes.Count(c => c == 0)); // the test set is balanced: 1000 per class
        var pixels = x.ToArray<float>();
        Assert.Equal(1f, pixels.Max());
        Assert.Equal(0f, pixels.Min());
    }
}
