// Named configurations: the released RecurrentGemma models (recurrentgemma `common.py` Preset;
// RecurrentGemma report Table 1; specs/griffin.md §3.1), the three paper families (Griffin §3: Griffin =
// (RECURRENT, RECURRENT, ATTENTION) repeated, Hawk = recurrent only, MQA transformer = attention only)
// the paper's 7B Griffin and Hawk, and small models that train on a 2-core CPU with the byte tokenizer (ids 0..258).
using Engine.Tensors;

namespace Engine.Models.Griffin;

public static class GriffinPresets
{
    public const int ByteVocabSize = 259;

    /// <summary>Griffin's pattern: layer i is attention iff i % 3 == 2 (recurrentgemma `common.py`).</summary>
    public static TemporalBlockType[] GriffinPattern(int numBlocks) =>
        [.. Enumerable.Range(0, numBlocks).Select(i => i % 3 == 2 ? TemporalBlockType.Attention : TemporalBlockType.Recurrent)];

    public static TemporalBlockType[] HawkPattern(int numBlocks) => [.. Enumerable.Repeat(TemporalBlockType.Recurrent, numBlocks)];

    public static TemporalBlockType[] TransformerPattern(int numBlocks) => [.. Enumerable.Repeat(TemporalBlockType.Attention, numBlocks)];

    public static GriffinConfig RecurrentGemma2B { get; } = new GriffinConfig
    {
        VocabSize = 256_000,
        Width = 2560,
        MlpExpandedWidth = 7680,
        NumHeads = 10,
        LruWidth = 2560,
        BlockTypes = GriffinPattern(26),
        AttentionWindowSize = 2048,
        EmbeddingsScaleBySqrtDim = true,
        LogitsSoftCap = 30,
    }.Validate();

    public static GriffinConfig RecurrentGemma9B { get; } = new GriffinConfig
    {
        VocabSize = 256_000,
        Width = 4096,
        MlpExpandedWidth = 12288,
        NumHeads = 16,
        LruWidth = 4096,
        BlockTypes = GriffinPattern(38),
        AttentionWindowSize = 2048,
        EmbeddingsScaleBySqrtDim = true,
        LogitsSoftCap = 30,
    }.Validate();

    /// <summary>A paper-style model (Griffin §3: M = 3·D, E ≈ 4D/3, no embedding scale, no soft cap).</summary>
    public static GriffinConfig Paper(TemporalBlockType[] blockTypes, int width, int numHeads, int lruWidth,
                                      int vocabSize, int attentionWindowSize) => new GriffinConfig
    {
        VocabSize = vocabSize,
        Width = width,
        MlpExpandedWidth = 3 * width,
        NumHeads = numHeads,
        LruWidth = lruWidth,
        BlockTypes = blockTypes,
        AttentionWindowSize = attentionWindowSize,
        EmbeddingsScaleBySqrtDim = false,
        LogitsSoftCap = 0,
    }.Validate();

    /// <summary>GRIFFIN_PAPER_7B of the reference: D 4096, E 5632, 32 heads, 32 blocks, W 1024.</summary>
    public static GriffinConfig GriffinPaper7B { get; } = Paper(GriffinPattern(32), 4096, 32, 5632, 256_000, 1024);

    /// <summary>HAWK_PAPER_7B of the reference: as Griffin 7B with recurrent blocks only.</summary>
    public static GriffinConfig HawkPaper7B { get; } = Paper(HawkPattern(32), 4096, 32, 5632, 256_000, 1024);

    /// <summary>Griffin: (R, R, A) blocks, width 96, 3 blocks, local attention window 64, byte vocabulary.</summary>
    public static GriffinConfig SmallGriffin { get; } = Paper(GriffinPattern(3), 96, 4, 128, ByteVocabSize, 64);

    /// <summary>Hawk: 3 recurrent blocks, width 96, byte vocabulary.</summary>
    public static GriffinConfig SmallHawk { get; } = Paper(HawkPattern(3), 96, 4, 128, ByteVocabSize, 64);

    /// <summary>MQA transformer baseline: 3 attention blocks whose window (4096) covers any training
    /// sequence, i.e. global causal attention; width 96, byte vocabulary.</summary>
    public static GriffinConfig SmallTransformer { get; } = Paper(TransformerPattern(3), 96, 4, 96, ByteVocabSize, 4096);

    public static IReadOnlyList<string> Names { get; } =
        ["recurrentgemma-2b", "recurrentgemma-9b", "griffin-7b", "hawk-7b", "griffin-small", "hawk-small", "mqa-small"];

    public static GriffinConfig ByName(string name) => name.ToLowerInvariant() switch
    {
        "recurrentgemma-2b" => RecurrentGemma2B,
        "recurrentgemma-9b" => RecurrentGemma9B,
        "griffin-7b" => GriffinPaper7B,
        "hawk-7b" => HawkPaper7B,
        "griffin-small" => SmallGriffin,
        "hawk-small" => SmallHawk,
        "mqa-small" => SmallTransformer,
        _ => throw new EngineException(
            $"GriffinPresets: unknown preset '{name}'; known: {string.Join(", ", Names)}"),
    };
}
