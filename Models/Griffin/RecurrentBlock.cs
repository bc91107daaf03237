// The recurrent temporal-mixing block (Griffin §2.3 Fig. 2; recurrentgemma `torch/modules.py`
// RecurrentBlock; specs/griffin.md §1.6): a GeLU branch y = gelu_tanh(linear_y(x)) gates the recurrent
// branch linear_x → causal Conv1D → RG-LRU, and linear_out maps the product back to the model width.
using Engine.Autograd;
using Engine.Nn.Functional;
using Engine.Tensors;

namespace Engine.Models.Griffin;

public sealed class RecurrentBlock : TemporalBlock
{
    public TorchLinear LinearY { get; }
    public TorchLinear LinearX { get; }
    public TorchLinear LinearOut { get; }
    public Conv1D Conv1D { get; }
    public RGLRU RgLru { get; }

    public RecurrentBlock(GriffinConfig config, Generator rng, DType dtype)
    {
        int d = config.Width, e = config.LruWidth;
        double lecun = 1 / Math.Sqrt(d);
        LinearY = RegisterModule("linear_y", new TorchLinear(d, e, true, lecun, rng, dtype));
        LinearX = RegisterModule("linear_x", new TorchLinear(d, e, true, lecun, rng, dtype));
        LinearOut = RegisterModule("linear_out", new TorchLinear(e, d, true, FinalLayerStd(config, e), rng, dtype));
        Conv1D = RegisterModule("conv_1d", new Conv1D(e, rng, dtype));
        RgLru = RegisterModule("rg_lru", new RGLRU(e, config.NumHeads, rng, dtype));
    }

    public override Tensor Forward(Tensor x, SegmentLayout layout) => Run(x, layout).Output;

    public override Tensor Prefill(Tensor x, SegmentLayout layout, out TemporalCache cache)
    {
        var (output, convInput, lastState) = Run(x, layout);
        cache = new RecurrentCache(lastState.Data, Conv1D.PrefillState(convInput.Data, layout));
        return output;
    }

    public override Tensor Step(Tensor x, SegmentLayout layout, TemporalCache cache)
    {
        var state = (RecurrentCache)cache;
        var y = Activations.GeluTanh(LinearY.Forward(x));
        var resetMask = layout.ResetMask();
        var (conv, convState) = Conv1D.Step(LinearX.Forward(x), state.ConvState, resetMask.Data.Reshape(-1));
        var (h, last) = RgLru.Forward(conv, resetMask, new Tensor(state.LruState));
        state.ConvState = convState;
        state.LruState = last.Data;
        return LinearOut.Forward(h * y);
    }

    private (Tensor Output, Tensor ConvInput, Tensor LastState) Run(Tensor x, SegmentLayout layout)
    {
        var y = Activations.GeluTanh(LinearY.Forward(x));
        var u = LinearX.Forward(x);
        var (h, last) = RgLru.Forward(Conv1D.Forward(u, layout), layout.ResetMask(), null);
        return (LinearOut.Forward(h * y), u, last);
    }
}
