// The reference (oracle) versions of the fused kernels: RMSNorm and LayerNorm over the last axis
// (Griffin §2 / RecurrentGemma layers.py; Ba et al. 2016) and GeLU (Hendrycks & Gimpel 2016, exact and
// tanh forms), forward and backward. Plain scalar loops in double precision over logical indices, with
// the textbook derivatives written out, so the fast CPU kernels have an independent oracle.
//   RMSNorm:   r = 1/sqrt(mean(x²) + eps), x̂ = x·r, y = x̂·w;
//              dx = r·(g·w − x̂·mean(g·w·x̂)), dw = Σ_rows g·x̂.
//   LayerNorm: μ = mean(x), r = 1/sqrt(mean((x−μ)²) + eps), x̂ = (x−μ)·r, y = x̂·w + b;
//              dx = r·(g·w − mean(g·w) − x̂·mean(g·w·x̂)), dw = Σ_rows g·x̂, db = Σ_rows g.
namespace Engine.Tensors;

public partial class ReferenceBackend
{
    public virtual NDArray Normalize(NormKind kind, NDArray x, NDArray weight, NDArray? bias, double eps)
    {
        int n = x.Shape[^1];
        var result = NDArray.Empty(x.Shape, x.DType);
        if (n == 0) return result;
        var row = new double[n];
        for (int r = 0; r < x.Size / n; r++)
        {
            var (mean, inverse) = RowStatistics(kind, x, r, n, eps, row);
            for (int j = 0; j < n; j++)
            {
                double y = (row[j] - mean) * inverse * weight.Storage.GetAsDouble(weight.Offset + j * weight.Strides[0]);
                if (bias is not null) y += bias.Storage.GetAsDouble(bias.Offset + j * bias.Strides[0]);
                result.Storage.SetFromDouble(r * n + j, y);
            }
        }
        return result;
    }

    public virtual NDArray[] NormalizeBackward(NormKind kind, NDArray x, NDArray weight, double eps, NDArray grad)
    {
        int n = x.Shape[^1];
        var dx = NDArray.Empty(x.Shape, x.DType);
        var dw = new double[n];
        var db = new double[n];
        var row = new double[n];
        var xHat = new double[n];
        var gw = new double[n];
        for (int r = 0; n > 0 && r < x.Size / n; r++)
        {
            var (mean, inverse) = RowStatistics(kind, x, r, n, eps, row);
            double meanGw = 0, meanGwXHat = 0;
            for (int j = 0; j < n; j++)
            {
                double g = grad.Storage.GetAsDouble(grad.Offset + grad.LinearToOffset(r * n + j));
                xHat[j] = (row[j] - mean) * inverse;
                gw[j] = g * weight.Storage.GetAsDouble(weight.Offset + j * weight.Strides[0]);
                meanGw += gw[j] / n;
                meanGwXHat += gw[j] * xHat[j] / n;
                dw[j] += g * xHat[j];
                db[j] += g;
            }
            if (kind == NormKind.Rms) meanGw = 0;
            for (int j = 0; j < n; j++)
                dx.Storage.SetFromDouble(r * n + j, inverse * (gw[j] - meanGw - xHat[j] * meanGwXHat));
        }
        var dWeight = NDArray.FromArray(dw, [n]).ToDType(x.DType);
        return kind == NormKind.Rms ? [dx, dWeight] : [dx, dWeight, NDArray.FromArray(db, [n]).ToDType(x.DType)];
    }

    /// <summary>Copies row r of x into row (as doubles) and returns its centre (the mean for LayerNorm, 0
    /// for RMSNorm) and 1/sqrt(mean((x − centre)²) + eps).</summary>
    private static (double Mean, double Inverse) RowStatistics(NormKind kind, NDArray x, int r, int n, double eps, double[] row)
    {
        double mean = 0;
        for (int j = 0; j < n; j++)
        {
            row[j] = x.Storage.GetAsDouble(x.Offset + x.LinearToOffset(r * n + j));
            mean += row[j] / n;
        }
        if (kind == NormKind.Rms) mean = 0;
        double squares = 0;
        for (int j = 0; j < n; j++) squares += (row[j] - mean) * (row[j] - mean);
        return (mean, 1 / Math.Sqrt(squares / n + eps));
    }

    public virtual NDArray Gelu(NDArray x, bool tanhApproximation)
    {
        var result = NDArray.Empty(x.Shape, x.DType);
        for (int i = 0; i < x.Size; i++)
        {
            double v = x.Storage.GetAsDouble(x.Offset + x.LinearToOffset(i));
            result.Storage.SetFromDouble(i, v * GeluScalar.Cdf(v, tanhApproximation));
        }
        return result;
    }

    public virtual NDArray GeluBackward(NDArray x, NDArray grad, bool tanhApproximation)
    {
        var result = NDArray.Empty(x.Shape, x.DType);
        for (int i = 0; i < x.Size; i++)
        {
            double v = x.Storage.GetAsDouble(x.Offset + x.LinearToOffset(i));
            double g = grad.Storage.GetAsDouble(grad.Offset + grad.LinearToOffset(i));
            result.Storage.SetFromDouble(i, g * GeluScalar.Derivative(v, tanhApproximation));
        }
        return result;
    }
}

/// <summary>GeLU in double precision: x·Φ(x) with Φ the normal CDF (exact, through erf) or its tanh
/// approximation Φ(x) ≈ ½(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
public static class GeluScalar
{
    public const double TanhCubic = 0.044715;
    public static readonly double TanhScale = Math.Sqrt(2 / Math.PI);
    public static readonly double InverseSqrt2 = 1 / Math.Sqrt(2);
    public static readonly double InverseSqrt2Pi = 1 / Math.Sqrt(2 * Math.PI);

    /// <summary>Φ(x), or its tanh approximation.</summary>
    public static double Cdf(double x, bool tanhApproximation) => tanhApproximation
        ? 0.5 * (1 + Math.Tanh(TanhScale * (x + TanhCubic * x * x * x)))
        : 0.5 * (1 + ScalarMath.Erf(x * InverseSqrt2));

    /// <summary>d/dx of x·Φ(x): exact Φ(x) + x·φ(x); tanh form ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²).</summary>
    public static double Derivative(double x, bool tanhApproximation)
    {
        if (!tanhApproximation) return Cdf(x, false) + x * InverseSqrt2Pi * Math.Exp(-0.5 * x * x);
        double t = Math.Tanh(TanhScale * (x + TanhCubic * x * x * x));
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * TanhScale * (1 + 3 * TanhCubic * x * x);
    }
}
