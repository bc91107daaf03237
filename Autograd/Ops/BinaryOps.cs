// Elementwise binary primitives with NumPy broadcasting. Backward returns gradients in the broadcast
// shape; the engine sums them back to each input's shape.
using Engine.Tensors;

namespace Engine.Autograd;

public sealed partial class Tensor
{
    [Op("add")]
    public Tensor Add(Tensor other) => Op.Record("add", Data.Add(other.Data), [this, other], (g, y) => [g, g]);

    [Op("sub")]
    public Tensor Sub(Tensor other) => Op.Record("sub", Data.Sub(other.Data), [this, other], (g, y) => [g, -g]);

    [Op("mul")]
    public Tensor Mul(Tensor other) => Op.Record("mul", Data.Mul(other.Data), [this, other], (g, y) => [g * other, g * this]);

    [Op("div")]
    public Tensor Div(Tensor other) => Op.Record("div", Data.Div(other.Data), [this, other],
        (g, y) => [g / other, other.RequiresGrad ? -(g * y / other) : null]);

    /// <summary>this^exponent. The exponent's gradient, y * log(this), needs a positive base.</summary>
    [Op("pow")]
    /// Where the exponent is 0 the base's gradient is 0, and where the base is 0 the exponent's gradient is
    /// taken as 0 (as PyTorch does), instead of the 0 * inf = NaN the plain formulas give there.
    public Tensor Pow(Tensor exponent) => Op.Record("pow", Data.Pow(exponent.Data), [this, exponent], (g, y) =>
    {
        var zero = g.Constant(0);
        return
        [
            RequiresGrad ? Where(exponent.Eq(zero), zero, g * exponent * Pow(exponent - 1.0)) : null,
            exponent.RequiresGrad ? Where(Eq(zero), zero, g * y * Log()) : null,
        ];
    });

    /// <summary>Elementwise max; where the inputs tie, each gets half of the gradient.</summary>
    [Op("maximum")]
    public Tensor Maximum(Tensor other) => Op.Record("maximum", Data.Maximum(other.Data), [this, other], (g, y) =>
    {
        var tie = Data.Binary(BinaryOp.Eq, other.Data) * 0.5;
        return [g * (Tensor)(Data.Binary(BinaryOp.Gt, other.Data) + tie), g * (Tensor)(Data.Binary(BinaryOp.Lt, other.Data) + tie)];
    });

    /// <summary>Elementwise min; where the inputs tie, each gets half of the gradient.</summary>
    [Op("minimum")]
    public Tensor Minimum(Tensor other) => Op.Record("minimum", Data.Minimum(other.Data), [this, other], (g, y) =>
    {
        var tie = Data.Binary(BinaryOp.Eq, other.Data) * 0.5;
        return [g * (Tensor)(Data.Binary(BinaryOp.Lt, other.Data) + tie), g * (Tensor)(Data.Binary(BinaryOp.Gt, other.Data) + tie)];
    });

    /// <summary>Elementwise comparison giving 1 or 0 in this tensor's dtype; no gradient.</summary>
    [Op("compare")]
    public Tensor Compare(BinaryOp comparison, Tensor other)
    {
        if (comparison is not (BinaryOp.Eq or BinaryOp.Ne or BinaryOp.Lt or BinaryOp.Le or BinaryOp.Gt or BinaryOp.Ge))
            throw EngineException.ForOp("compare", $"{comparison} is not a comparison");
        return Op.Constant("compare", Data.Binary(comparison, other.Data), [this, other]);
    }

    /// <summary>cond != 0 ? a : b, broadcasting all three. The condition carries no gradient.</summary>
    [Op("where")]
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => Op.Record("where", NDArray.Where(condition.Data, a.Data, b.Data), [condition, a, b], (g, y) =>
    {
        var zero = g.Constant(0);
        return [null, Where(condition, g, zero), Where(condition, zero, g)];
    });

    public Tensor Gt(Tensor other) => Compare(BinaryOp.Gt, other);
    public Tensor Lt(Tensor other) => Compare(BinaryOp.Lt, other);
    public Tensor Ge(Tensor other) => Compare(BinaryOp.Ge, other);
    public Tensor Le(Tensor other) => Compare(BinaryOp.Le, other);
    public Tensor Eq(Tensor other) => Compare(BinaryOp.Eq, other);

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator -(Tensor a) => a.Neg();
    public static Tensor operator +(Tensor a, double s) => a.Add(a.Constant(s));
    public static Tensor operator -(Tensor a, double s) => a.Sub(a.Constant(s));
    public static Tensor operator *(Tensor a, double s) => a.Mul(a.Constant(s));
    public static Tensor operator /(Tensor a, double s) => a.Div(a.Constant(s));
    public static Tensor operator +(double s, Tensor a) => a.Constant(s).Add(a);
    public static Tensor operator -(double s, Tensor a) => a.Constant(s).Sub(a);
    public static Tensor operator *(double s, Tensor a) => a.Constant(s).Mul(a);
    public static Tensor operator /(double s, Tensor a) => a.Constant(s).Div(a);

    public Tensor Pow(double exponent) => Pow(Constant(exponent));
    public Tensor Square() => this * this;
}
