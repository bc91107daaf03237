// The three model families the Griffin paper compares (Griffin §3): Griffin (recurrent, recurrent, local
// attention, repeated), Hawk (recurrent blocks only) and the MQA transformer (global multi-query attention
// blocks only), built at about equal parameter count. Griffin sets the size; Hawk and the transformer take
// the MLP width that brings their parameter count nearest Griffin's, as `engine bench decode` does.
using Engine.Models.Griffin;

namespace Engine.Training.Experiments.Griffin;

public enum Family
{
    Griffin,
    Hawk,
    Mqa,
}

/// <summary>The shared sizes of one comparison. GriffinWindow is the local attention window W of Griffin's
/// attention blocks; the transformer's attention is global (its window covers any sequence it is given).</summary>
public sealed record FamilySize(int Blocks, int Width, int Heads, int LruWidth, int VocabSize, int GriffinWindow);

public static class FamilyConfigs
{
    /// <summary>Larger than any sequence an experiment feeds a model, so the transformer's attention is global.</summary>
    public const int GlobalWindow = 1 << 20;

    public static IReadOnlyList<Family> All { get; } = [Family.Griffin, Family.Hawk, Family.Mqa];

    public static string Name(Family family) => family switch
    {
        Family.Griffin => "Griffin",
        Family.Hawk => "Hawk",
        _ => "MQA",
    };

    public static GriffinConfig Config(Family family, FamilySize size)
    {
        var griffin = GriffinPresets.Paper(GriffinPresets.GriffinPattern(size.Blocks), size.Width, size.Heads,
            size.LruWidth, size.VocabSize, size.GriffinWindow);
        return family switch
        {
            Family.Griffin => griffin,
            Family.Hawk => MatchParameters(griffin with { BlockTypes = GriffinPresets.HawkPattern(size.Blocks) }, griffin),
            _ => MatchParameters(griffin with
            {
                BlockTypes = GriffinPresets.TransformerPattern(size.Blocks),
                AttentionWindowSize = GlobalWindow,
            }, griffin),
        };
    }

    private static GriffinConfig MatchParameters(GriffinConfig config, GriffinConfig target)
    {
        long goal = target.ParameterCount();
        return Enumerable.Range(1, 8 * config.Width).Select(m => config with { MlpExpandedWidth = m })
            .MinBy(c => Math.Abs(c.ParameterCount() - goal))!.Validate();
    }
}
