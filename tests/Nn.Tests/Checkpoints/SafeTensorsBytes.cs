// Builds raw safetensors files byte by byte (length prefix, header text, buffer) so tests can state exactly
// what is on disk, including headers the engine's writer would never produce.
using System.Buffers.Binary;
using System.Text;

namespace Engine.Nn.Tests.Checkpoints;

internal static class SafeTensorsBytes
{
    /// <summary>Length prefix + header (padded with spaces to a multiple of 8 when asked) + buffer.</summary>
    public static byte[] Build(string header, byte[] buffer, bool padToEight = true)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        int padding = padToEight ? (8 - headerBytes.Length % 8) % 8 : 0;
        var file = new byte[8 + headerBytes.Length + padding + buffer.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)(headerBytes.Length + padding));
        headerBytes.CopyTo(file, 8);
        file.AsSpan(8 + headerBytes.Length, padding).Fill((byte)' ');
        buffer.CopyTo(file, 8 + headerBytes.Length + padding);
        return file;
    }

    public static byte[] Build(string header, int bufferLength) => Build(header, new byte[bufferLength]);

    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }
}
