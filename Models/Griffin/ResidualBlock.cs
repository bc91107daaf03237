// Pre-norm residual block (Griffin §2.1; recurrentgemma `torch/modules.py` ResidualBlock;
// specs/griffin.md §1.3): r = x + Temporal(RMSNorm(x)), out = r + MLP(RMSNorm(r)).
using Engine.Autograd;
using Engine.Nn;
using Engine.Tensors;

namespace Engine.Models.Griffin;

public sealed class ResidualBlock : Module
{
    public TemporalBlockType Type { get; }
    public RMSNorm TemporalPreNorm { get; }
    public RMSNorm ChannelPreNorm { get; }
    public TemporalBlock Temporal { get; }
    public MlpBlock Mlp { get; }

    public ResidualBlock(GriffinConfig config, TemporalBlockType type, Generator rng, DType dtype)
    {
        Type = type;
        TemporalPreNorm = RegisterModule("temporal_pre_norm", new RMSNorm(config.Width, 1e-6, dtype));
        // Registration order follows the reference module, so NamedParameters lists the checkpoint order.
        Temporal = type == TemporalBlockType.Recurrent
            ? RegisterModule("recurrent_block", new RecurrentBlock(config, rng, dtype))
            : RegisterModule<TemporalBlock>("attention_block", new LocalAttentionBlock(config, rng, dtype));
        ChannelPreNorm = RegisterModule("channel_pre_norm", new RMSNorm(config.Width, 1e-6, dtype));
        Mlp = RegisterModule("mlp_block", new MlpBlock(config, rng, dtype));
    }

    public Tensor Forward(Tensor x, SegmentLayout layout) => WithMlp(x + Temporal.Forward(TemporalPreNorm.Forward(x), layout));

    public Tensor Prefill(Tensor x, SegmentLayout layout, out TemporalCache cache) =>
        WithMlp(x + Temporal.Prefill(TemporalPreNorm.Forward(x), layout, out cache));

    public Tensor Step(Tensor x, SegmentLayout layout, TemporalCache cache) =>
        WithMlp(x + Temporal.Step(TemporalPreNorm.Forward(x), layout, cache));

    private Tensor WithMlp(Tensor residual) => residual + Mlp.Forward(ChannelPreNorm.Forward(residual));
}
