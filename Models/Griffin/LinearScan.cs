// The diagonal linear recurrence h_t = a_t ⊙ h_{t−1} + x_t of the RG-LRU (recurrentgemma `torch/layers.py`
// rnn_scan; specs/griffin.md §4.1), written as a sequential loop of differentiable ops so autograd
// supplies the backward (g_t = dy_t + a_{t+1} g_{t+1}). Linear in T per step, so the cost is O(T) ops.
using Engine.Autograd;

namespace Engine.Models.Griffin;

public static class LinearScan
{
    /// <summary>a, x [B, T, E]; h0 [B, E] or null (zero). Returns every h_t [B, T, E] and h_{T−1} [B, E].</summary>
    public static (Tensor States, Tensor Last) Run(Tensor a, Tensor x, Tensor? h0)
    {
        int time = a.Dim(1);
        var steps = new Tensor[time];
        Tensor? h = h0;
        for (int t = 0; t < time; t++)
        {
            var xt = x.Select(1, t);
            h = h is null ? xt : a.Select(1, t) * h + xt;
            steps[t] = h;
        }
        return (Tensor.Stack(steps, 1), h!);
    }
}
