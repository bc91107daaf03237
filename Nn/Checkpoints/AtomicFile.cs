// Writes a file so that readers only ever see the old content or the complete new content: the bytes go
// to a temporary file in the same directory, are flushed to disk, and the temporary file is then renamed
// over the target. On any failure the temporary file is removed and the target is left as it was.
using Engine.Tensors;

namespace Engine.Nn.Checkpoints;

public static class AtomicFile
{
    public static void Write(string path, Action<Stream> writeContent)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new EngineException($"{path}: cannot write a file at a root path");
        if (!Directory.Exists(directory))
            throw new EngineException($"{path}: cannot write, directory '{directory}' does not exist");

        // Same directory so the final rename stays on one file system and is atomic.
        string tempPath = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                writeContent(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch (Exception ex)
        {
            TryDelete(tempPath);
            if (ex is IOException or UnauthorizedAccessException)
                throw new EngineException($"{path}: write failed, previous file left unchanged: {ex.Message}", ex);
            throw;
        }
    }

    private static void TryDelete(string tempPath)
    {
        try
        {
            File.Delete(tempPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The original failure is the one worth reporting; a leftover temp file is only clutter.
        }
    }
}
