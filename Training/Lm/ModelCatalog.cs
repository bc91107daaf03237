// The named model presets the CLI can train, sample and evaluate, all over the byte tokenizer's vocabulary.
using Engine.Models.Baselines;
using Engine.Models.Lm;
using Engine.Tensors;
using Engine.Training.Data;

namespace Engine.Training.Lm;

public static class ModelCatalog
{
    public const string DefaultPreset = "bigram";

    private static readonly Dictionary<string, (string Description, Func<ulong, LanguageModel> Create)> Presets = new()
    {
        ["bigram"] = ("byte bigram table (baseline)", seed => new BigramLm(ByteTokenizer.VocabSize, new Generator(seed))),
    };

    public static IEnumerable<string> Names => Presets.Keys;

    public static string Describe(string name) => Lookup(name).Description;

    public static LanguageModel Create(string name, ulong seed) => Lookup(name).Create(seed);

    private static (string Description, Func<ulong, LanguageModel> Create) Lookup(string name) =>
        Presets.TryGetValue(name, out var preset)
            ? preset
            : throw new EngineException($"model: unknown preset '{name}'; choose one of {string.Join(", ", Presets.Keys)}");
}
