// Elementwise unary primitives. Each line is the forward (an NDArray kernel) and, beside it, the
// backward written with differentiable ops, so gradients of gradients work.
using Engine.Tensors;

namespace Engine.Autograd;

public sealed partial class Tensor
{
    [Op("neg")]
    public Tensor Neg() => Op.Record("neg", Data.Neg(), [this], (g, y) => [-g]);

    [Op("exp")]
    public Tensor Exp() => Op.Record("exp", Data.Exp(), [this], (g, y) => [g * y]);

    [Op("log")]
    public Tensor Log() => Op.Record("log", Data.Log(), [this], (g, y) => [g / this]);

    [Op("sqrt")]
    public Tensor Sqrt() => Op.Record("sqrt", Data.Sqrt(), [this], (g, y) => [g * 0.5 / y]);

    [Op("tanh")]
    public Tensor Tanh() => Op.Record("tanh", Data.Tanh(), [this], (g, y) => [g * (1.0 - y * y)]);

    [Op("sigmoid")]
    public Tensor Sigmoid() => Op.Record("sigmoid", Data.Sigmoid(), [this], (g, y) => [g * y * (1.0 - y)]);

    /// <summary>d/dx erf(x) = 2/sqrt(pi) * exp(-x^2).</summary>
    [Op("erf")]
    public Tensor Erf() => Op.Record("erf", Data.Erf(), [this], (g, y) => [g * (2 / Math.Sqrt(Math.PI)) * (-(this * this)).Exp()]);

    [Op("sin")]
    public Tensor Sin() => Op.Record("sin", Data.Sin(), [this], (g, y) => [g * Cos()]);

    [Op("cos")]
    public Tensor Cos() => Op.Record("cos", Data.Cos(), [this], (g, y) => [-(g * Sin())]);

    /// <summary>|x|; at 0 the gradient is taken as 0 (sign(0)).</summary>
    [Op("abs")]
    public Tensor Abs() => Op.Record("abs", Data.Abs(), [this], (g, y) => [g * Sign()]);

    /// <summary>-1, 0 or 1: piecewise constant, so it carries no gradient.</summary>
    [Op("sign")]
    public Tensor Sign() => Op.Constant("sign", Data.Sign(), [this]);

    /// <summary>Converts dtype; the gradient is converted back.</summary>
    [Op("to_dtype")]
    public Tensor ToDType(DType dtype)
    {
        if (dtype == DType) return this;
        var source = DType;
        return dtype.IsFloating()
            ? Op.Record("to_dtype", Data.ToDType(dtype), [this], (g, y) => [g.ToDType(source)])
            : Op.Constant("to_dtype", Data.ToDType(dtype), [this]);
    }
}
