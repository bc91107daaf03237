// The kernel-at-initialisation experiment (DKS paper, "Q/C map predictions"; spec A5 item 1): in a
// deep MLP of SUO dense layers (zero bias) and a transformed activation, the cosine of the outputs for
// two q = 1 inputs with cosine c_in should match the predicted C_f(c_in), the local C map composed
// depth times, up to finite-width noise; a He-scaled ReLU network instead maps every pair of inputs
// to nearly parallel outputs (C_f(0) → 1).
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Nn.Dks;

/// <summary>Mean output cosine and q over seeds next to the predicted C_f(c_in).</summary>
public sealed record KernelMeasurement(double InputCosine, double PredictedCosine, double MeasuredCosine,
    double MeasuredCosineSpread, double OutputQ);

public static class KernelAtInitialization
{
    /// <summary>depth blocks of Linear(width, width, SUO, zero bias) followed by the activation, in float64.</summary>
    public static Sequential BuildMlp(int width, int depth, Func<Layer> activation, Generator rng)
    {
        if (width <= 0 || depth <= 0) throw new EngineException($"Kernel check: width and depth must be positive, got {width}, {depth}");
        var network = new Sequential();
        for (int layer = 0; layer < depth; layer++)
        {
            var linear = new Linear(width, width, rng, dtype: DType.Float64);
            ScaledUniformOrthogonal.Initialize(linear, rng);
            network.Add(linear);
            network.Add(activation());
        }
        return network;
    }

    /// <summary>Two inputs of q = 1 with cosine exactly c (rows of a [2, width] float64 array).</summary>
    public static NDArray InputPair(int width, double cosine, Generator rng)
    {
        var g = rng.Normal([2, width], dtype: DType.Float64).ToArray<double>();
        var first = g.AsSpan(0, width);
        var second = g.AsSpan(width, width);
        Normalize(first);
        double projection = Dot(first, second);
        for (int i = 0; i < width; i++) second[i] -= projection * first[i];
        Normalize(second);
        double sine = Math.Sqrt(1 - cosine * cosine);
        for (int i = 0; i < width; i++) second[i] = cosine * first[i] + sine * second[i];
        return PerLocationNormalization.Apply(NDArray.FromArray(g, 2, width), HomogeneousCoordinate.Off);
    }

    /// <summary>Builds one network per seed and measures, for every input cosine, the mean (and spread)
    /// over seeds of the output cosine next to predictedCMap(c_in), the network's C map.</summary>
    public static IReadOnlyList<KernelMeasurement> Measure(int width, int depth, Func<Layer> activation,
        Func<double, double> predictedCMap, IReadOnlyList<double> inputCosines, int seeds = 3, ulong seed = 0)
    {
        if (seeds <= 0) throw new EngineException($"Kernel check: needs at least one seed, got {seeds}");
        var cosines = new double[inputCosines.Count, seeds];
        var q = new double[inputCosines.Count];
        using var noGrad = GradMode.NoGrad();
        for (int s = 0; s < seeds; s++)
        {
            var rng = new Generator(seed + (ulong)s);
            var network = BuildMlp(width, depth, activation, rng);
            for (int k = 0; k < inputCosines.Count; k++)
            {
                var output = network.Forward(new Tensor(InputPair(width, inputCosines[k], rng))).ToDoubleArray();
                var a = output.AsSpan(0, width);
                var b = output.AsSpan(width, width);
                cosines[k, s] = Dot(a, b) / Math.Sqrt(Dot(a, a) * Dot(b, b));
                q[k] += (Dot(a, a) + Dot(b, b)) / (2 * width) / seeds;
            }
        }
        var results = new List<KernelMeasurement>();
        for (int k = 0; k < inputCosines.Count; k++)
        {
            double mean = 0, meanSquare = 0;
            for (int s = 0; s < seeds; s++)
            {
                mean += cosines[k, s] / seeds;
                meanSquare += cosines[k, s] * cosines[k, s] / seeds;
            }
            results.Add(new(inputCosines[k], predictedCMap(inputCosines[k]), mean, Math.Sqrt(Math.Max(0, meanSquare - mean * mean)), q[k]));
        }
        return results;
    }

    /// <summary>The full check for a transformed activation: measured vs predicted output cosine for
    /// inputs with cosine 0, 0.5 and 0.9 by default (the issue asks for width ≥ 1000 and depth 50).</summary>
    public static IReadOnlyList<KernelMeasurement> Run(DksActivation activation, TransformParameters transform, int width,
        int depth, int seeds = 3, ulong seed = 0, IReadOnlyList<double>? inputCosines = null)
    {
        var maps = new LocalKernelMaps(activation, transform);
        return Measure(width, depth, () => new TransformedActivation(activation, transform),
            c => SubnetworkMaps.ChainCMap(maps.C, depth, c), inputCosines ?? [0.0, 0.5, 0.9], seeds, seed);
    }

    /// <summary>The baseline that DKS/TAT fix: He-scaled ReLU, √2 · relu, whose C map is the arc-cosine kernel.</summary>
    public static IReadOnlyList<KernelMeasurement> RunHeRelu(int width, int depth, int seeds = 3, ulong seed = 0,
        IReadOnlyList<double>? inputCosines = null) =>
        Measure(width, depth, () => new TransformedActivation(DksActivation.Relu, new(1, 0, 0, Math.Sqrt(2))),
            c => SubnetworkMaps.ChainCMap(x => LeakyReluKernel.CMap(x, 0), depth, c), inputCosines ?? [0.0], seeds, seed);

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    private static void Normalize(Span<double> v) => System.Numerics.Tensors.TensorPrimitives.Multiply(v, 1 / Math.Sqrt(Dot(v, v)), v);
}
