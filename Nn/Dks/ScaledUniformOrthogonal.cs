// Scaled uniform orthogonal (SUO) and Delta-orthogonal initialisation (DKS paper, section on
// parameter initialisation; google-deepmind/dks dks/jax/parameter_sampling_functions.py
// ::scaled_uniform_orthogonal). A dense weight is a Haar-orthogonal (in x out) matrix times
// max(√(out/in), 1), so ||x W||² / out = ||x||² / in exactly when in ≤ out (q is preserved). A
// convolution gets zeros everywhere except its centre tap, which holds such a matrix, so at
// initialisation it acts per location like a dense layer. Biases start at zero.
using System.Numerics.Tensors;
using Engine.Tensors;

namespace Engine.Nn.Dks;

public static class ScaledUniformOrthogonal
{
    /// <summary>An SUO matrix in the engine's dense layout [in, out] (y = x W).</summary>
    public static NDArray Dense(int fanIn, int fanOut, Generator rng, DType dtype = DType.Float32)
    {
        if (fanIn <= 0 || fanOut <= 0)
            throw new EngineException($"SUO: fans must be positive, got in {fanIn}, out {fanOut}");
        var matrix = HaarOrthogonal.Sample(fanIn, fanOut, rng);
        TensorPrimitives.Multiply(matrix, Math.Max(Math.Sqrt((double)fanOut / fanIn), 1), matrix);
        return NDArray.FromArray(matrix, fanIn, fanOut).ToDType(dtype);
    }

    /// <summary>A Delta-orthogonal kernel in Conv2d's layout [out, in / groups, kh, kw]: each group's
    /// centre tap is an SUO (in/groups x out/groups) matrix, every other tap is zero. Kernel sizes must be odd.</summary>
    public static NDArray DeltaOrthogonal(int inChannels, int outChannels, int kernelHeight, int kernelWidth, Generator rng,
        int groups = 1, DType dtype = DType.Float32)
    {
        if (kernelHeight % 2 == 0 || kernelWidth % 2 == 0)
            throw new EngineException($"Delta-orthogonal init: kernel sizes must be odd so a centre tap exists, got {kernelHeight}x{kernelWidth}");
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new EngineException($"Delta-orthogonal init: {groups} groups must divide in {inChannels} and out {outChannels}");
        int groupIn = inChannels / groups, groupOut = outChannels / groups;
        var kernel = new double[outChannels * groupIn * kernelHeight * kernelWidth];
        int centre = kernelHeight / 2 * kernelWidth + kernelWidth / 2;
        for (int g = 0; g < groups; g++)
        {
            var block = Dense(groupIn, groupOut, rng, DType.Float64).ToArray<double>();
            for (int i = 0; i < groupIn; i++)
                for (int o = 0; o < groupOut; o++)
                    kernel[((g * groupOut + o) * groupIn + i) * kernelHeight * kernelWidth + centre] = block[i * groupOut + o];
        }
        return NDArray.FromArray(kernel, outChannels, groupIn, kernelHeight, kernelWidth).ToDType(dtype);
    }

    /// <summary>Re-initialises a Linear layer: SUO weight, zero bias.</summary>
    public static void Initialize(Linear layer, Generator rng)
    {
        layer.Weight.SetData(Dense(layer.InFeatures, layer.OutFeatures, rng, layer.Weight.DType));
        layer.Bias?.SetData(NDArray.Zeros(layer.Bias.Shape, layer.Bias.DType));
    }

    /// <summary>Re-initialises a Conv2d layer: Delta-orthogonal kernel, zero bias.</summary>
    public static void Initialize(Conv2d layer, Generator rng)
    {
        layer.Weight.SetData(DeltaOrthogonal(layer.InChannels, layer.OutChannels, layer.KernelHeight, layer.KernelWidth, rng,
            layer.Groups, layer.Weight.DType));
        layer.Bias?.SetData(NDArray.Zeros(layer.Bias.Shape, layer.Bias.DType));
    }
}
