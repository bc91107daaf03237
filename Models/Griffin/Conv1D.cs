// Causal depthwise temporal convolution of the recurrent block (recurrentgemma `torch/layers.py`
// Conv1D; specs/griffin.md §1.7): out_t = b + Σ_{s=0..3} w[3−s] ⊙ u_{t−s}, where w[3] multiplies the
// current input, and a term is dropped when it reaches before the sequence or across a document start.
using Engine.Autograd;
using Engine.Nn;
using Engine.Tensors;

namespace Engine.Models.Griffin;

public sealed class Conv1D : Module
{
    public const int TemporalWidth = 4;

    public int Width { get; }
    public Tensor W { get; }
    public Tensor B { get; }

    public Conv1D(int width, Generator rng, DType dtype)
    {
        Width = width;
        // Reference init: Normal(0, sqrt(0.01 / temporal_width)) = 0.05, bias zero (specs/griffin.md §2).
        W = RegisterParameter("w", Init.Normal([TemporalWidth, width], rng, std: Math.Sqrt(0.01 / TemporalWidth), dtype: dtype));
        B = RegisterParameter("b", NDArray.Zeros([width], dtype));
    }

    /// <summary>Full-sequence convolution of u [B, T, E] with document masking: the fused primitive
    /// causal_conv1d, with the look-back of each step from the layout.</summary>
    public Tensor Forward(Tensor u, SegmentLayout layout) => Tensor.CausalDepthwiseConv(u, W, B, layout.ConvReach());

    /// <summary>The decode state after a prompt u [B, T, E]: its last 3 inputs, left-zero-padded, with rows
    /// from before the last document start inside those 3 set to zero. This mirrors the reference PyTorch
    /// code, whose in-place masking zeroes them (the JAX code keeps them); with it, decoding after a
    /// boundary matches the full forward pass.</summary>
    public NDArray PrefillState(NDArray u, SegmentLayout layout)
    {
        int batch = u.Dim(0), time = u.Dim(1);
        var state = NDArray.Zeros([batch, TemporalWidth - 1, Width], u.DType, u.Device);
        for (int b = 0; b < batch; b++)
            for (int row = 0; row < TemporalWidth - 1; row++)
            {
                int t = time - (TemporalWidth - 1) + row;
                if (t < 0) continue;
                bool startAfter = false;
                for (int k = t + 1; k < time; k++) startAfter |= layout.IsDocumentStart(b, k);
                if (!startAfter) state.Select(0, b).Select(0, row).CopyFrom(u.Select(0, b).Select(0, t));
            }
        return state;
    }

    /// <summary>One decode step: u [B, 1, E] after the state [B, 3, E]. Returns the output [B, 1, E] and the
    /// new state (the last 3 inputs). The reference does not mask here; we zero the state of rows whose new
    /// token starts a document, so a document start while decoding also matches the forward pass.</summary>
    public (Tensor Output, NDArray State) Step(Tensor u, NDArray state, NDArray documentStart)
    {
        var kept = state * (1.0 - documentStart).Reshape(-1, 1, 1);
        var window = Tensor.Cat([new Tensor(kept), u], 1);
        var output = B.Reshape(1, 1, Width);
        for (int k = 0; k < TemporalWidth; k++)
            output = output + window.Slice(1, k, k + 1) * W.Select(0, k);
        return (output, window.Data.Slice(1, 1, TemporalWidth).Contiguous());
    }
}
