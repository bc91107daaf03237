// Fixed-state decoding must reproduce the full forward pass (the reference sampler tests; specs/griffin.md
// §4.3, §4.4, §5.2 decode checks), including a document start inside the last three prefill tokens
// (the conv-state zeroing of §1.7) and prompts longer than the attention window W.
using Engine.Autograd;
using Engine.Models.Griffin;
using Engine.Tensors;

namespace Engine.Models.Tests.Griffin;

public sealed class GriffinDecodeTests
{
    private static readonly GriffinModel Model = TinyGriffin.FilledModel(TinyGriffin.VectorAConfig, DType.Float32);

    private static void AssertDecodeMatchesForward(GriffinModel model, long[][] tokens, long[][] positions, int prefillLength)
    {
        int batch = tokens.Length, time = tokens[0].Length;
        var full = model.Forward(TinyGriffin.Rows(tokens), TinyGriffin.Rows(positions)).Data;
        var decoder = model.StartDecoding();
        var prompt = decoder.Prefill(TinyGriffin.Rows([.. tokens.Select(r => r[..prefillLength])]),
                                     TinyGriffin.Rows([.. positions.Select(r => r[..prefillLength])]));
        Assert.True(TinyGriffin.MaxAbsDiff(prompt.Data, full.Slice(1, 0, prefillLength)) < 1e-5, "prefill logits differ");
        for (int t = prefillLength; t < time; t++)
        {
            var step = decoder.Step(Tensor.FromArray(tokens.Select(r => r[t]).ToArray(), batch),
                                    Tensor.FromArray(positions.Select(r => r[t]).ToArray(), batch));
            double diff = TinyGriffin.MaxAbsDiff(step.Data, full.Select(1, t));
            Assert.True(diff < 1e-5, $"step at t = {t} differs from the forward pass by {diff}");
        }
    }

    [Fact]
    public void PrefillLongerThanTheWindowThenThreeSteps() =>
        AssertDecodeMatchesForward(Model, [TinyGriffin.VectorATokens], [TinyGriffin.VectorAPositions], 12);

    [Fact]
    public void DocumentStartInsideTheLastThreePrefillTokens() =>
        AssertDecodeMatchesForward(Model, [TinyGriffin.VectorATokens[..11]], [TinyGriffin.VectorAPositions[..11]], 9);

    [Fact]
    public void BatchOfRowsWithDifferentDocumentsAndShortPrompts() => AssertDecodeMatchesForward(Model,
        [[3, 1, 4, 1, 5, 9, 2, 6, 5, 3], [2, 7, 1, 8, 2, 8, 1, 8, 2, 8]],
        [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 1, 0, 1, 2, 3, 4, 5, 6, 7]], 2);

    [Fact]
    public void DocumentStartWhileDecoding() => AssertDecodeMatchesForward(Model,
        [[3, 1, 4, 1, 5, 9, 2, 6, 5, 3]], [[0, 1, 2, 3, 4, 5, 0, 1, 2, 3]], 4);

    [Theory]
    [InlineData("griffin-small")]
    [InlineData("hawk-small")]
    [InlineData("mqa-small")]
    public void SmallPresetsDecodeLikeTheirForwardPass(string preset)
    {
        var model = new GriffinModel(GriffinPresets.ByName(preset), new Generator(5));
        long[] tokens = [256, 72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100];
        AssertDecodeMatchesForward(model, [tokens], [[.. Enumerable.Range(0, tokens.Length).Select(i => (long)i)]], 5);
    }

    [Fact]
    public void DecodeStateHasAFixedSizeAndCountsTokens()
    {
        var decoder = (GriffinDecoder)Model.StartDecoding();
        decoder.Prefill(TinyGriffin.Row(TinyGriffin.VectorATokens[..12]), TinyGriffin.Row(TinyGriffin.VectorAPositions[..12]));
        for (int t = 12; t < 15; t++)
            decoder.Step(Tensor.FromArray([TinyGriffin.VectorATokens[t]], 1), Tensor.FromArray([TinyGriffin.VectorAPositions[t]], 1));
        var recurrent = Assert.IsType<RecurrentCache>(decoder.Caches[0]);
        Assert.Equal([1, 32], recurrent.LruState.Shape.ToArray());
        Assert.Equal([1, 3, 32], recurrent.ConvState.Shape.ToArray());
        var attention = Assert.IsType<AttentionCache>(decoder.Caches[2]);
        Assert.Equal([1, 4, 12], attention.Keys.Shape.ToArray());
        Assert.Equal(8, attention.NumTokens[0]);
    }

    [Fact]
    public void StepBeforePrefillIsAClearError()
    {
        var error = Assert.Throws<EngineException>(() => Model.StartDecoding().Step(Tensor.FromArray([1L], 1), Tensor.FromArray([0L], 1)));
        Assert.Contains("Prefill", error.Message);
    }
}
