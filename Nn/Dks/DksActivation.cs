// The activations DKS/TAT can transform, with φ, φ' and φ'' written out analytically (the reference,
// google-deepmind/dks dks/base/activation_getter.py, differentiates numpy code with autograd instead)
// and the same function built from autograd primitives for the network layer. Names follow the
// reference: "gelu" is the tanh approximation, "gelu_exact" the erf form, "swish" is SiLU.
using Engine.Tensors;
using TensorFunction = System.Func<Engine.Autograd.Tensor, Engine.Autograd.Tensor>;

namespace Engine.Nn.Dks;

/// <summary>How the solver treats an activation (spec A2 "shift variants").</summary>
public enum ActivationFamily
{
    /// <summary>Twice differentiable: DKS solves (α, β), TAT solves (α, β, δ).</summary>
    Smooth,
    /// <summary>Positively homogeneous with one kink: DKS fixes β = ±1 and solves α; TAT refuses.</summary>
    Relu,
    /// <summary>Leaky ReLU: the negative slope is the free parameter.</summary>
    LeakyRelu,
}

public sealed class DksActivation
{
    public string Name { get; }
    public ActivationFamily Family { get; }
    public Func<double, double> Value { get; }
    public Func<double, double> FirstDerivative { get; }
    public Func<double, double> SecondDerivative { get; }
    /// <summary>Where φ' or φ'' jumps (a quadrature panel edge goes there), or null when φ is smooth.</summary>
    public double? Kink { get; }
    /// <summary>True when φ(-x) = -φ(x), so (α, -β, -δ, γ) solves whenever (α, β, δ, γ) does.</summary>
    public bool IsOdd { get; }
    /// <summary>φ on autograd tensors.</summary>
    public TensorFunction OnTensor { get; }
    /// <summary>(φ, φ', φ'') at once: the quadrature loops need all three, and they share one
    /// transcendental evaluation.</summary>
    public Func<double, (double Value, double Slope, double Curvature)> Jet { get; private init; }

    private DksActivation(string name, ActivationFamily family, Func<double, double> value, Func<double, double> first,
        Func<double, double> second, double? kink, bool isOdd, TensorFunction tensor)
    {
        (Name, Family, Value, FirstDerivative, SecondDerivative) = (name, family, value, first, second);
        (Kink, IsOdd, OnTensor) = (kink, isOdd, tensor);
        Jet = x => (value(x), first(x), second(x));
    }

    public static readonly IReadOnlyList<string> Names =
        ["tanh", "softplus", "relu", "leaky_relu", "elu", "selu", "gelu", "gelu_exact", "swish", "sigmoid", "erf"];

    /// <summary>The activation called name (aliases: silu = swish, gelu_tanh = gelu); negativeSlope is
    /// used by leaky_relu only.</summary>
    public static DksActivation Get(string name, double negativeSlope = 0.01) => name switch
    {
        "tanh" => Tanh,
        "softplus" => Softplus,
        "relu" => Relu,
        "leaky_relu" => LeakyRelu(negativeSlope),
        "elu" => Elu,
        "selu" => Selu,
        "gelu" or "gelu_tanh" => GeluTanh,
        "gelu_exact" => GeluExact,
        "swish" or "silu" => Swish,
        "sigmoid" => Sigmoid,
        "erf" => Erf,
        _ => throw new EngineException($"DKS: unknown activation '{name}'; supported: {string.Join(", ", Names)} (aliases silu, gelu_tanh)"),
    };

    /// <summary>This activation with another negative slope (Leaky ReLU only; others are returned as is).</summary>
    public DksActivation WithNegativeSlope(double negativeSlope) => Family == ActivationFamily.LeakyRelu ? LeakyRelu(negativeSlope) : this;

    public static readonly DksActivation Tanh = new("tanh", ActivationFamily.Smooth,
        Math.Tanh,
        x => { double t = Math.Tanh(x); return 1 - t * t; },
        x => { double t = Math.Tanh(x); return -2 * t * (1 - t * t); },
        null, true, x => x.Tanh())
    {
        Jet = x => { double t = Math.Tanh(x), d = 1 - t * t; return (t, d, -2 * t * d); },
    };

    public static readonly DksActivation Sigmoid = new("sigmoid", ActivationFamily.Smooth,
        Logistic,
        x => { double s = Logistic(x); return s * (1 - s); },
        x => { double s = Logistic(x); return s * (1 - s) * (1 - 2 * s); },
        null, false, x => x.Sigmoid())
    {
        Jet = x => { double s = Logistic(x), d = s * (1 - s); return (s, d, d * (1 - 2 * s)); },
    };

    public static readonly DksActivation Softplus = new("softplus", ActivationFamily.Smooth,
        x => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x))),
        Logistic,
        x => { double s = Logistic(x); return s * (1 - s); },
        null, false, Functional.Activations.Softplus)
    {
        Jet = x => { double s = Logistic(x); return (Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x))), s, s * (1 - s)); },
    };

    public static readonly DksActivation Relu = new("relu", ActivationFamily.Relu,
        x => x > 0 ? x : 0,
        x => x > 0 ? 1 : 0,
        _ => 0,
        0, false, Functional.Activations.Relu);

    public static DksActivation LeakyRelu(double negativeSlope) => new("leaky_relu", ActivationFamily.LeakyRelu,
        x => x > 0 ? x : negativeSlope * x,
        x => x > 0 ? 1 : negativeSlope,
        _ => 0,
        0, false, x => Functional.Activations.LeakyRelu(x, negativeSlope));

    public static readonly DksActivation Elu = new("elu", ActivationFamily.Smooth,
        x => x > 0 ? x : Math.Exp(x) - 1,
        x => x > 0 ? 1 : Math.Exp(x),
        x => x > 0 ? 0 : Math.Exp(x),
        0, false, x => Functional.Activations.Elu(x));

    private const double SeluAlpha = Functional.Activations.SeluAlpha, SeluScale = Functional.Activations.SeluScale;

    public static readonly DksActivation Selu = new("selu", ActivationFamily.Smooth,
        x => SeluScale * (x > 0 ? x : SeluAlpha * (Math.Exp(x) - 1)),
        x => SeluScale * (x > 0 ? 1 : SeluAlpha * Math.Exp(x)),
        x => x > 0 ? 0 : SeluScale * SeluAlpha * Math.Exp(x),
        0, false, Functional.Activations.Selu);

    // GeLU, tanh form: 0.5 x (1 + tanh(u)) with u = k (x + 0.044715 x^3), k = sqrt(2/pi).
    private const double GeluCubic = 0.044715;
    private static readonly double GeluK = Math.Sqrt(2 / Math.PI);

    public static readonly DksActivation GeluTanh = new("gelu", ActivationFamily.Smooth,
        x => 0.5 * x * (1 + Math.Tanh(GeluK * (x + GeluCubic * x * x * x))),
        x =>
        {
            double t = Math.Tanh(GeluK * (x + GeluCubic * x * x * x)), du = GeluK * (1 + 3 * GeluCubic * x * x);
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du;
        },
        x =>
        {
            double t = Math.Tanh(GeluK * (x + GeluCubic * x * x * x));
            double du = GeluK * (1 + 3 * GeluCubic * x * x), ddu = GeluK * 6 * GeluCubic * x;
            return (1 - t * t) * du + 0.5 * x * (1 - t * t) * (ddu - 2 * t * du * du);
        },
        null, false, Functional.Activations.GeluTanh)
    {
        Jet = x =>
        {
            double t = Math.Tanh(GeluK * (x + GeluCubic * x * x * x));
            double du = GeluK * (1 + 3 * GeluCubic * x * x), ddu = GeluK * 6 * GeluCubic * x, sech2 = 1 - t * t;
            return (0.5 * x * (1 + t), 0.5 * (1 + t) + 0.5 * x * sech2 * du, sech2 * du + 0.5 * x * sech2 * (ddu - 2 * t * du * du));
        },
    };

    public static readonly DksActivation GeluExact = new("gelu_exact", ActivationFamily.Smooth,
        x => x * NormalCdf.Cdf(x),
        x => NormalCdf.Cdf(x) + x * NormalPdf(x),
        x => NormalPdf(x) * (2 - x * x),
        null, false, Functional.Activations.Gelu)
    {
        Jet = x => { double cdf = NormalCdf.Cdf(x), pdf = NormalPdf(x); return (x * cdf, cdf + x * pdf, pdf * (2 - x * x)); },
    };

    public static readonly DksActivation Swish = new("swish", ActivationFamily.Smooth,
        x => x * Logistic(x),
        x => { double s = Logistic(x); return s + x * s * (1 - s); },
        x => { double s = Logistic(x); return s * (1 - s) * (2 + x * (1 - 2 * s)); },
        null, false, Functional.Activations.Silu)
    {
        Jet = x => { double s = Logistic(x), d = s * (1 - s); return (x * s, s + x * d, d * (2 + x * (1 - 2 * s))); },
    };

    public static readonly DksActivation Erf = new("erf", ActivationFamily.Smooth,
        NormalCdf.Erf,
        x => 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x),
        x => -4 * x / Math.Sqrt(Math.PI) * Math.Exp(-x * x),
        null, true, x => x.Erf())
    {
        Jet = x => { double g = 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x); return (NormalCdf.Erf(x), g, -2 * x * g); },
    };

    private static double Logistic(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    private static double NormalPdf(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);

}
