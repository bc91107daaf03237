// Real-Gated Linear Recurrent Unit (Griffin §2.4 and App. A; recurrentgemma `torch/layers.py` RGLRU;
// specs/griffin.md §1.8). Follows the code where it differs from the paper: the gates are
// block-diagonal with num_heads blocks, a = sigmoid(−a_param) with a (not a^c) in [0.9, 0.999] at init,
// and the first token of a document resets the state and skips the sqrt(1 − a²) normalisation.
using Engine.Autograd;
using Engine.Nn;
using Engine.Nn.Functional;
using Engine.Tensors;

namespace Engine.Models.Griffin;

public sealed class RGLRU : Module
{
    /// <summary>The fixed exponent scale c of a_t = a^{c·r_t}.</summary>
    public const double C = 8.0;

    public int Width { get; }
    public Tensor AParam { get; }
    public BlockDiagonalLinear InputGate { get; }
    public BlockDiagonalLinear AGate { get; }

    public RGLRU(int width, int numHeads, Generator rng, DType dtype)
    {
        Width = width;
        AParam = RegisterParameter("a_param", InitAParam(width, rng, dtype));
        InputGate = RegisterModule("input_gate", new BlockDiagonalLinear(width, numHeads, rng, dtype));
        AGate = RegisterModule("a_gate", new BlockDiagonalLinear(width, numHeads, rng, dtype));
    }

    /// <summary>a² ~ U(0.9² + 1e-8, 0.999² + 1e-8), a = sqrt, a_param = log(1/a − 1) (reference rnn_param_init).</summary>
    private static NDArray InitAParam(int width, Generator rng, DType dtype)
    {
        var aSquared = rng.Uniform([width], 0.9 * 0.9 + 1e-8, 0.999 * 0.999 + 1e-8, DType.Float64);
        var a = aSquared.Sqrt();
        return (1.0 / a - 1.0).Log().ToDType(dtype);
    }

    /// <summary>x [B, T, E], resetMask [B, T, 1] (1 at document starts), h0 [B, E] or null.
    /// Returns y [B, T, E] and the last state [B, E].</summary>
    public (Tensor Output, Tensor LastState) Forward(Tensor x, Tensor resetMask, Tensor? h0)
    {
        var gateX = InputGate.Forward(x).Sigmoid();
        var gateA = AGate.Forward(x).Sigmoid();
        var logA = -C * gateA * Activations.Softplus(AParam);
        var a = logA.Exp();
        var aSquared = (2.0 * logA).Exp();
        var one = Tensor.Scalar(1, x.DType);
        var multiplier = Tensor.Where(resetMask, one, SqrtBoundDerivative(1.0 - aSquared));
        var normalizedX = x * gateX * multiplier;
        var resetA = Tensor.Where(resetMask, Tensor.Scalar(0, x.DType), a);
        return LinearScan.Run(resetA, normalizedX, h0);
    }

    /// <summary>sqrt(z) whose derivative is clipped at 1000: d/dz = 1 / sqrt(max(4z, 1e-6)) (reference
    /// SqrtBoundDerivative; RecurrentGemma report). Written as sqrt(z) + (z − stop(z))·stop(slope), which
    /// has the exact forward value and that first derivative; second derivatives through it are not used.</summary>
    public static Tensor SqrtBoundDerivative(Tensor z)
    {
        var constant = z.Detach();
        var slope = new Tensor(1.0 / (constant.Data * 4.0).Maximum(NDArray.Scalar(1e-6, z.DType)).Sqrt());
        return new Tensor(constant.Data.Sqrt()) + (z - constant) * slope;
    }
}
