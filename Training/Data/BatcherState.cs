// A token batcher's resumable position, and its form as string pairs for a checkpoint's metadata map
// (safetensors `__metadata__` holds strings only).
using System.Globalization;
using Engine.Tensors;

namespace Engine.Training.Data;

/// <summary>Where a batcher stands. Seed, WindowCount and SequenceLength identify the batcher it came from, so a mismatch is caught.</summary>
public readonly record struct BatcherState(ulong Seed, long WindowCount, int SequenceLength, long Epoch, long NextWindow)
{
    public Dictionary<string, string> ToMetadata(string prefix = "data.") => new(StringComparer.Ordinal)
    {
        [prefix + "seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        [prefix + "window_count"] = WindowCount.ToString(CultureInfo.InvariantCulture),
        [prefix + "sequence_length"] = SequenceLength.ToString(CultureInfo.InvariantCulture),
        [prefix + "epoch"] = Epoch.ToString(CultureInfo.InvariantCulture),
        [prefix + "next_window"] = NextWindow.ToString(CultureInfo.InvariantCulture),
    };

    public static BatcherState FromMetadata(IReadOnlyDictionary<string, string> metadata, string prefix = "data.")
    {
        var problems = new List<string>();
        ulong seed = Parse<ulong>(metadata, prefix + "seed", problems);
        long windowCount = Parse<long>(metadata, prefix + "window_count", problems);
        int sequenceLength = Parse<int>(metadata, prefix + "sequence_length", problems);
        long epoch = Parse<long>(metadata, prefix + "epoch", problems);
        long nextWindow = Parse<long>(metadata, prefix + "next_window", problems);
        if (problems.Count > 0)
            throw new EngineException($"batcher state: metadata is incomplete or malformed: {string.Join("; ", problems)}");
        return new BatcherState(seed, windowCount, sequenceLength, epoch, nextWindow);
    }

    private static T Parse<T>(IReadOnlyDictionary<string, string> metadata, string key, List<string> problems)
        where T : struct, System.Numerics.IBinaryInteger<T>
    {
        if (!metadata.TryGetValue(key, out string? text))
            problems.Add($"missing '{key}'");
        else if (T.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out T value))
            return value;
        else
            problems.Add($"'{key}' is '{text}', not a non-negative integer");
        return default;
    }
}
