// The decode state's size against context length (Griffin §1, §4): fixed for Hawk, bounded by the local
// window for Griffin, and growing with the context for the global MQA transformer.
using Engine.Autograd;
using Engine.Models.Griffin;
using Engine.Tensors;

namespace Engine.Models.Tests.Griffin;

public sealed class GriffinStateBytesTests
{
    private static long StateBytesAfter(GriffinConfig config, int context)
    {
        var model = new GriffinModel(config, new Generator(1));
        var decoder = (GriffinDecoder)model.StartDecoding();
        var tokens = Tensor.FromArray(Enumerable.Range(0, context).Select(i => (long)(i % 200)).ToArray(), 1, context);
        var positions = Tensor.FromArray(Enumerable.Range(0, context).Select(i => (long)i).ToArray(), 1, context);
        decoder.Prefill(tokens, positions);
        return decoder.StateBytes;
    }

    private static GriffinConfig Tiny(TemporalBlockType[] blocks, int window) =>
        GriffinPresets.Paper(blocks, width: 16, numHeads: 2, lruWidth: 16, vocabSize: 259, attentionWindowSize: window);

    [Fact]
    public void HawkStateDoesNotDependOnTheContext()
    {
        var config = Tiny(GriffinPresets.HawkPattern(2), 8);
        long bytes = StateBytesAfter(config, 4);
        Assert.True(bytes > 0);
        Assert.Equal(bytes, StateBytesAfter(config, 40));
    }

    [Fact]
    public void GriffinStateIsBoundedByTheWindow()
    {
        var config = Tiny(GriffinPresets.GriffinPattern(3), 8);
        long shortContext = StateBytesAfter(config, 4);
        long atWindow = StateBytesAfter(config, 8);
        Assert.True(shortContext < atWindow);
        Assert.Equal(atWindow, StateBytesAfter(config, 40));
    }

    [Fact]
    public void GlobalTransformerStateGrowsWithTheContext()
    {
        var config = Tiny(GriffinPresets.TransformerPattern(2), 64);
        long small = StateBytesAfter(config, 8), large = StateBytesAfter(config, 32);
        // Keys and values: 2 blocks x 2 tensors x head dim 8 x 4 bytes per token.
        Assert.Equal(24 * 2 * 2 * 8 * 4, large - small);
    }
}
