// The named model presets the CLI can train, sample and evaluate, all over the byte tokenizer's vocabulary.
using Engine.Models.Baselines;
using Engine.Models.Griffin;
using Engine.Models.Lm;
using Engine.Tensors;
using Engine.Training.Data;

namespace Engine.Training.Lm;

public static class ModelCatalog
{
    public const string DefaultPreset = "griffin-small";

    private static readonly Dictionary<string, (string Description, Func<ulong, LanguageModel> Create)> Presets = new()
    {
        ["griffin-small"] = ("Griffin: recurrent, recurrent, local attention; width 96", seed => new GriffinModel(GriffinPresets.SmallGriffin, new Generator(seed))),
        ["hawk-small"] = ("Hawk: three recurrent blocks; width 96", seed => new GriffinModel(GriffinPresets.SmallHawk, new Generator(seed))),
        ["mqa-small"] = ("MQA transformer: three global-attention blocks; width 96", seed => new GriffinModel(GriffinPresets.SmallTransformer, new Generator(seed))),
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
