// Weight initialisers, all driven by a seeded Generator so runs repeat exactly.
// Xavier/Glorot: Glorot & Bengio (2010), Var = 2/(fan_in+fan_out). He/Kaiming: He et al. (2015),
// Var = gain^2/fan_in with gain sqrt(2) for ReLU. LeCun normal: Var = 1/fan_in (plain normal, not the
// truncated one of jax.nn.initializers). Fans are passed explicitly because layers lay weights out
// differently (Linear stores [in, out], convolutions [out, in/groups, kernel...]).
using Engine.Tensors;

namespace Engine.Nn;

public static class Init
{
    public static NDArray Normal(int[] shape, Generator rng, double mean = 0, double std = 1, DType dtype = DType.Float32) =>
        rng.Normal(shape, mean, std, dtype);

    public static NDArray Uniform(int[] shape, Generator rng, double low, double high, DType dtype = DType.Float32) =>
        rng.Uniform(shape, low, high, dtype);

    public static NDArray XavierUniform(int[] shape, int fanIn, int fanOut, Generator rng, double gain = 1, DType dtype = DType.Float32)
    {
        CheckFans("xavier_uniform", fanIn, fanOut);
        double bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return rng.Uniform(shape, -bound, bound, dtype);
    }

    public static NDArray XavierNormal(int[] shape, int fanIn, int fanOut, Generator rng, double gain = 1, DType dtype = DType.Float32)
    {
        CheckFans("xavier_normal", fanIn, fanOut);
        return rng.Normal(shape, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), dtype);
    }

    /// <summary>U(-b, b) with b = gain * sqrt(3 / fanIn), so the variance is gain^2 / fanIn.</summary>
    public static NDArray HeUniform(int[] shape, int fanIn, Generator rng, double gain = 1.4142135623730951, DType dtype = DType.Float32)
    {
        CheckFans("he_uniform", fanIn, 1);
        double bound = gain * Math.Sqrt(3.0 / fanIn);
        return rng.Uniform(shape, -bound, bound, dtype);
    }

    public static NDArray HeNormal(int[] shape, int fanIn, Generator rng, double gain = 1.4142135623730951, DType dtype = DType.Float32)
    {
        CheckFans("he_normal", fanIn, 1);
        return rng.Normal(shape, 0, gain / Math.Sqrt(fanIn), dtype);
    }

    public static NDArray LecunNormal(int[] shape, int fanIn, Generator rng, DType dtype = DType.Float32)
    {
        CheckFans("lecun_normal", fanIn, 1);
        return rng.Normal(shape, 0, 1 / Math.Sqrt(fanIn), dtype);
    }

    /// <summary>A (semi-)orthogonal matrix of shape [shape[0], product of the rest], scaled by gain:
    /// the Q of a Householder QR of a Gaussian matrix, with column signs fixed by diag(R) so the result
    /// is Haar-distributed (Mezzadri 2007). Rows are orthonormal when rows &lt;= cols, columns otherwise.</summary>
    public static NDArray Orthogonal(int[] shape, Generator rng, double gain = 1, DType dtype = DType.Float32)
    {
        if (shape.Length < 2) throw EngineException.ForOp("orthogonal", $"needs a shape of rank 2 or more, got {ShapeMath.Format(shape)}");
        int rows = shape[0], cols = ShapeMath.NumElements(shape) / Math.Max(rows, 1);
        int tall = Math.Max(rows, cols), wide = Math.Min(rows, cols);
        var a = rng.Normal([tall, wide], dtype: DType.Float64).ToArray<double>();
        var q = HouseholderQ(a, tall, wide);
        var result = NDArray.Empty([rows, cols], DType.Float64);
        var dst = result.Span<double>();
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                dst[i * cols + j] = gain * (rows >= cols ? q[i * wide + j] : q[j * wide + i]);
        return result.ToDType(dtype).Reshape(shape);
    }

    /// <summary>The first n columns of Q for an m x n (m >= n) row-major matrix a, signs chosen so that
    /// R has a positive diagonal.</summary>
    private static double[] HouseholderQ(double[] a, int m, int n)
    {
        var reflectors = new double[n][];
        var rDiagonal = new double[n];
        for (int k = 0; k < n; k++)
        {
            double norm = 0;
            for (int i = k; i < m; i++) norm += a[i * n + k] * a[i * n + k];
            norm = Math.Sqrt(norm);
            double alpha = a[k * n + k] >= 0 ? -norm : norm;
            var v = new double[m];
            for (int i = k; i < m; i++) v[i] = a[i * n + k];
            v[k] -= alpha;
            double vNorm2 = 0;
            for (int i = k; i < m; i++) vNorm2 += v[i] * v[i];
            if (vNorm2 > 0)
                for (int j = k; j < n; j++)
                {
                    double dot = 0;
                    for (int i = k; i < m; i++) dot += v[i] * a[i * n + j];
                    double f = 2 * dot / vNorm2;
                    for (int i = k; i < m; i++) a[i * n + j] -= f * v[i];
                }
            reflectors[k] = v;
            rDiagonal[k] = a[k * n + k];
        }
        // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
        var q = new double[m * n];
        for (int j = 0; j < n; j++) q[j * n + j] = 1;
        for (int k = n - 1; k >= 0; k--)
        {
            var v = reflectors[k];
            double vNorm2 = 0;
            for (int i = k; i < m; i++) vNorm2 += v[i] * v[i];
            if (vNorm2 == 0) continue;
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int i = k; i < m; i++) dot += v[i] * q[i * n + j];
                double f = 2 * dot / vNorm2;
                for (int i = k; i < m; i++) q[i * n + j] -= f * v[i];
            }
        }
        for (int j = 0; j < n; j++)
            if (rDiagonal[j] < 0)
                for (int i = 0; i < m; i++) q[i * n + j] = -q[i * n + j];
        return q;
    }

    private static void CheckFans(string op, int fanIn, int fanOut)
    {
        if (fanIn <= 0 || fanOut <= 0) throw EngineException.ForOp(op, $"fans must be positive, got fan_in {fanIn}, fan_out {fanOut}");
    }
}
