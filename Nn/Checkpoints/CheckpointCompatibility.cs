// Compares what a model expects with what a checkpoint holds, so loading fails once with every mismatch
// listed instead of stopping at the first one.
using Engine.Tensors;

namespace Engine.Nn.Checkpoints;

public readonly record struct TensorSpec(IReadOnlyList<int> Shape, DType DType)
{
    public TensorSpec(NDArray value) : this(value.ShapeCopy(), value.DType) { }

    public string ShapeString => ShapeMath.Format(Shape.ToArray());
}

public static class CheckpointCompatibility
{
    /// <summary>
    /// Every difference between <paramref name="expected"/> and <paramref name="actual"/>: missing and unexpected
    /// names, shape mismatches, and dtype mismatches. A float tensor may stand in for a float parameter of
    /// another width when <paramref name="allowFloatConversion"/> is set (the loader converts it); integers and
    /// floats never stand in for each other.
    /// </summary>
    public static IReadOnlyList<string> FindMismatches(IReadOnlyDictionary<string, TensorSpec> expected,
                                                       IReadOnlyDictionary<string, TensorSpec> actual, bool allowFloatConversion = true)
    {
        var mismatches = new List<string>();
        foreach (string name in SortedKeys(expected))
        {
            var want = expected[name];
            if (!actual.TryGetValue(name, out var have))
            {
                mismatches.Add($"missing '{name}' (expected shape {want.ShapeString}, {want.DType.Name()})");
                continue;
            }
            if (!want.Shape.SequenceEqual(have.Shape))
                mismatches.Add($"'{name}': expected shape {want.ShapeString}, checkpoint has {have.ShapeString}");
            bool convertible = allowFloatConversion && want.DType.IsFloating() && have.DType.IsFloating();
            if (want.DType != have.DType && !convertible)
                mismatches.Add($"'{name}': expected {want.DType.Name()}, checkpoint has {have.DType.Name()}");
        }
        foreach (string name in SortedKeys(actual))
            if (!expected.ContainsKey(name))
                mismatches.Add($"unexpected '{name}' (shape {actual[name].ShapeString}, {actual[name].DType.Name()}) is not a parameter of the model");
        return mismatches;
    }

    /// <summary>Throws one EngineException naming <paramref name="source"/> and listing every mismatch.</summary>
    public static void Check(string source, IReadOnlyDictionary<string, TensorSpec> expected,
                             IReadOnlyDictionary<string, TensorSpec> actual, bool allowFloatConversion = true)
    {
        var problems = new ProblemList();
        foreach (string mismatch in FindMismatches(expected, actual, allowFloatConversion)) problems.Add(mismatch);
        problems.ThrowIfAny(source, "checkpoint does not match the model");
    }

    public static void Check(string source, IReadOnlyDictionary<string, TensorSpec> expected, SafeTensorsFile file,
                             bool allowFloatConversion = true) =>
        Check(source, expected, file.Header.Specs(), allowFloatConversion);

    public static IReadOnlyDictionary<string, TensorSpec> SpecsOf(IReadOnlyDictionary<string, NDArray> tensors)
    {
        var specs = new Dictionary<string, TensorSpec>(StringComparer.Ordinal);
        foreach (var (name, value) in tensors) specs[name] = new TensorSpec(value);
        return specs;
    }

    private static List<string> SortedKeys<T>(IReadOnlyDictionary<string, T> map)
    {
        var keys = new List<string>(map.Keys);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }
}
