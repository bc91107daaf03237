// A failed write must leave the previous checkpoint byte-identical and no temporary file behind.
using Engine.Nn.Checkpoints;
using Engine.Tensors;
using Xunit;

namespace Engine.Nn.Tests.Checkpoints;

public class AtomicWriteTests
{
    private static (TempDirectory Dir, string Path, byte[] Original) ExistingCheckpoint()
    {
        var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        SafeTensors.Write(path, [("w", NDArray.FromArray(new[] { 1f, 2f, 3f }))], new Dictionary<string, string> { ["v"] = "1" });
        return (dir, path, File.ReadAllBytes(path));
    }

    private static IEnumerable<(string, NDArray)> TensorsThatFailHalfway()
    {
        yield return ("ok", NDArray.FromArray(new[] { 4f }));
        throw new InvalidOperationException("data source failed");
    }

    [Fact]
    public void TensorSourceThatThrowsLeavesThePreviousFile()
    {
        var (dir, path, original) = ExistingCheckpoint();
        using (dir)
        {
            var error = Assert.Throws<InvalidOperationException>(() => SafeTensors.Write(path, TensorsThatFailHalfway()));
            Assert.Equal("data source failed", error.Message);
            Assert.Equal(original, File.ReadAllBytes(path));
            Assert.Equal([path], dir.Entries());
        }
    }

    [Fact]
    public void IoFailureAfterPartialContentBecomesAnEngineExceptionAndLeavesThePreviousFile()
    {
        var (dir, path, original) = ExistingCheckpoint();
        using (dir)
        {
            var error = Assert.Throws<EngineException>(() => AtomicFile.Write(path, stream =>
            {
                stream.Write(new byte[4096]);
                throw new IOException("No space left on device");
            }));
            Assert.Contains("previous file left unchanged", error.Message);
            Assert.Contains("No space left on device", error.Message);
            Assert.Equal(original, File.ReadAllBytes(path));
            Assert.Equal([path], dir.Entries());
        }
    }

    [Fact]
    public void InvalidInputLeavesThePreviousFile()
    {
        var (dir, path, original) = ExistingCheckpoint();
        using (dir)
        {
            var one = NDArray.FromArray(new[] { 1f });
            Assert.Throws<EngineException>(() => SafeTensors.Write(path, [("x", one), ("x", one)]));
            Assert.Equal(original, File.ReadAllBytes(path));
            Assert.Equal([path], dir.Entries());
        }
    }

    [Fact]
    public void DirectoryRemovedDuringTheWriteFailsWithAnEngineException()
    {
        var (dir, path, _) = ExistingCheckpoint();
        using (dir)
        {
            Assert.Throws<EngineException>(() => AtomicFile.Write(path, stream =>
            {
                stream.Write(new byte[64]);
                Directory.Delete(dir.Path, recursive: true);
            }));
            Assert.False(Directory.Exists(dir.Path));
        }
    }

    [Fact]
    public void MissingDirectoryIsAnEngineException()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "no-such-dir", "m.safetensors");
        var error = Assert.Throws<EngineException>(() => SafeTensors.Write(path, []));
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void SuccessfulWriteReplacesTheFileAndLeavesNoTemporaryFile()
    {
        var (dir, path, original) = ExistingCheckpoint();
        using (dir)
        {
            SafeTensors.Write(path, [("w", NDArray.FromArray(new[] { 9f }))]);
            Assert.NotEqual(original, File.ReadAllBytes(path));
            Assert.Equal([9f], SafeTensors.Read(path)["w"].ToArray<float>());
            Assert.Equal([path], dir.Entries());
        }
    }
}
