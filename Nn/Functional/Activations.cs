// Activation functions as composites of autograd primitives (no backward of their own), except GeLU,
// which is the fused primitive `gelu` (Autograd/Ops/FusedOps.cs).
// GeLU: Hendrycks & Gimpel (2016), exact 0.5x(1 + erf(x/sqrt 2)) and the tanh approximation
// 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))). SELU: Klambauer et al. (2017), standard constants.
using Engine.Autograd;

namespace Engine.Nn.Functional;

public static class Activations
{
    public const double SeluAlpha = 1.6732632423543772848170429916717;
    public const double SeluScale = 1.0507009873554804934193349852946;

    /// <summary>max(x, 0); the gradient at 0 is 0, as in PyTorch.</summary>
    public static Tensor Relu(Tensor x) => Tensor.Where(Positive(x), x, Zero(x));

    public static Tensor LeakyRelu(Tensor x, double negativeSlope = 0.01) => Tensor.Where(Positive(x), x, x * negativeSlope);

    public static Tensor Gelu(Tensor x) => x.Gelu();

    public static Tensor GeluTanh(Tensor x) => x.Gelu(tanhApproximation: true);

    public static Tensor Silu(Tensor x) => x * x.Sigmoid();

    public static Tensor Tanh(Tensor x) => x.Tanh();

    public static Tensor Sigmoid(Tensor x) => x.Sigmoid();

    /// <summary>log(1 + exp(x)) computed as max(x, 0) + log(1 + exp(-|x|)), which never overflows.</summary>
    public static Tensor Softplus(Tensor x) => Relu(x) + (1.0 + (-x.Abs()).Exp()).Log();

    /// <summary>x for x > 0, alpha (exp(x) - 1) otherwise. exp only sees min(x, 0), so large positive
    /// inputs cannot overflow the unused branch (whose inf would turn the masked gradient into NaN).</summary>
    public static Tensor Elu(Tensor x, double alpha = 1)
    {
        var positive = Positive(x);
        var negativePart = Tensor.Where(positive, Zero(x), x);
        return Tensor.Where(positive, x, alpha * (negativePart.Exp() - 1.0));
    }

    public static Tensor Selu(Tensor x) => SeluScale * Elu(x, SeluAlpha);

    private static Tensor Positive(Tensor x) => x.Gt(Zero(x));

    private static Tensor Zero(Tensor x) => Tensor.Scalar(0, x.DType);
}
