// The diagonal linear recurrence h_t = a_t ⊙ h_{t−1} + x_t of the RG-LRU (recurrentgemma `torch/layers.py`
// rnn_scan; specs/griffin.md §4.1) on [B, T, E], with an optional initial state h_{−1} = h0. The time
// loop runs in the Autograd `linear_scan` primitive (one pass forward, one reverse scan backward); h0 is
// folded into the first input, x'_0 = x_0 + a_0 ⊙ h0, which is the same recurrence.
using Engine.Autograd;

namespace Engine.Models.Griffin;

public static class LinearScan
{
    /// <summary>a, x [B, T, E]; h0 [B, E] or null (zero). Returns every h_t [B, T, E] and h_{T−1} [B, E].</summary>
    public static (Tensor States, Tensor Last) Run(Tensor a, Tensor x, Tensor? h0)
    {
        int time = a.Dim(1);
        if (h0 is not null)
        {
            var first = x.Slice(1, 0, 1) + a.Slice(1, 0, 1) * h0.Unsqueeze(1);
            x = time == 1 ? first : Tensor.Cat([first, x.Slice(1, 1, time)], 1);
        }
        var states = Tensor.LinearScan(a, x, axis: 1);
        return (states, states.Select(1, time - 1));
    }
}
