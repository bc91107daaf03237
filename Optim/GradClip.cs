// Global gradient-norm clipping (as torch.nn.utils.clip_grad_norm_): the L2 norm over all gradients
// together; when it exceeds maxNorm every gradient is scaled by maxNorm / (norm + 1e-6).
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Optim;

public static class GradClip
{
    /// <summary>Clips in place (replacing each Grad) and returns the norm before clipping. Parameters
    /// without a gradient are skipped. The sum of squares runs in float64 in a fixed order.</summary>
    public static double ClipGlobalNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        if (!(maxNorm > 0)) throw new EngineException($"clip_grad_norm: max norm must be positive, got {maxNorm}");
        var withGrad = parameters.Where(p => p.Grad is not null).ToList();
        double sumOfSquares = 0;
        foreach (var p in withGrad)
        {
            var grad = p.Grad!.Data;
            // On a GPU the squares are summed there (one number crosses); on the CPU in element order.
            if (grad.Device.Kind == DeviceKind.Gpu)
            {
                var g64 = grad.ToDType(DType.Float64);
                sumOfSquares += (g64 * g64).Sum().Item();
            }
            else
                foreach (double g in grad.ToDoubleArray()) sumOfSquares += g * g;
        }
        double norm = Math.Sqrt(sumOfSquares);
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1)
            foreach (var p in withGrad) p.Grad = new Tensor(p.Grad!.Data * coefficient);
        return norm;
    }
}
