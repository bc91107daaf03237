// The Griffin / Hawk / RecurrentGemma / MQA-transformer language model (Griffin §2; recurrentgemma
// `torch/griffin.py` Griffin; specs/griffin.md §1.1): embed (×bf16(sqrt D) when configured), residual
// blocks, final RMSNorm, tied output projection, optional soft cap c·tanh(logits / c).
using Engine.Autograd;
using Engine.Models.Lm;
using Engine.Nn;
using Engine.Tensors;

namespace Engine.Models.Griffin;

public sealed class GriffinModel : LanguageModel
{
    private readonly ResidualBlock[] _blocks;

    public GriffinConfig Config { get; }
    public DType DType { get; }
    public Embedder Embedder { get; }
    public IReadOnlyList<ResidualBlock> Blocks => _blocks;
    public RMSNorm FinalNorm { get; }

    public override int VocabSize => Config.VocabSize;

    /// <summary>Builds and initialises a model as the reference does (specs/griffin.md §2); dtype Float64
    /// is for gradient checks.</summary>
    public GriffinModel(GriffinConfig config, Generator rng, DType dtype = DType.Float32)
    {
        Config = config.Validate();
        if (!dtype.IsFloating()) throw new EngineException($"GriffinModel: dtype must be a float type, got {dtype.Name()}");
        DType = dtype;
        Embedder = RegisterModule("embedder", new Embedder(config.VocabSize, config.Width, config.EmbeddingsScaleBySqrtDim, rng, dtype));
        var blocks = RegisterModule("blocks", new ModuleList());
        _blocks = new ResidualBlock[config.NumBlocks];
        for (int i = 0; i < _blocks.Length; i++)
        {
            _blocks[i] = new ResidualBlock(config, config.BlockTypes[i], rng, dtype);
            blocks.Add(_blocks[i]);
        }
        FinalNorm = RegisterModule("final_norm", new RMSNorm(config.Width, 1e-6, dtype));
    }

    public override Tensor Forward(Tensor tokens, Tensor segmentPositions)
    {
        var layout = Layout(tokens, segmentPositions);
        var x = Embedder.Encode(tokens);
        foreach (var block in _blocks) x = block.Forward(x, layout);
        return Logits(x);
    }

    public override Decoder StartDecoding() => new GriffinDecoder(this);

    /// <summary>Forward over a prompt that also returns every block's decode cache.</summary>
    internal Tensor Prefill(Tensor tokens, Tensor segmentPositions, out TemporalCache[] caches)
    {
        var layout = Layout(tokens, segmentPositions);
        var x = Embedder.Encode(tokens);
        caches = new TemporalCache[_blocks.Length];
        for (int i = 0; i < _blocks.Length; i++) x = _blocks[i].Prefill(x, layout, out caches[i]);
        return Logits(x);
    }

    /// <summary>One token per row: tokens and segment positions [B, 1]; updates caches in place.</summary>
    internal Tensor Step(Tensor tokens, Tensor segmentPositions, TemporalCache[] caches)
    {
        var layout = Layout(tokens, segmentPositions);
        var x = Embedder.Encode(tokens);
        for (int i = 0; i < _blocks.Length; i++) x = _blocks[i].Step(x, layout, caches[i]);
        return Logits(x);
    }

    private SegmentLayout Layout(Tensor tokens, Tensor segmentPositions)
    {
        if (tokens.Rank != 2 || !tokens.Shape.SequenceEqual(segmentPositions.Shape))
            throw new EngineException($"GriffinModel: tokens and segment positions must both be [B, T], got {tokens.ShapeString} and {segmentPositions.ShapeString}");
        return new SegmentLayout(segmentPositions, DType);
    }

    private Tensor Logits(Tensor x)
    {
        var logits = Embedder.Decode(FinalNorm.Forward(x));
        double cap = Config.LogitsSoftCap;
        return cap > 0 ? (logits / cap).Tanh() * cap : logits;
    }
}
