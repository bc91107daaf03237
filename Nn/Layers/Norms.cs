// Normalisation layers over the last axis, each one fused autograd primitive (Autograd/Ops/FusedOps.cs).
// RMSNorm, RecurrentGemma convention (Griffin §2, RecurrentGemma layers.py; specs/griffin.md §1.4):
//   y = x * rsqrt(mean(x^2) + eps) * (1 + scale), scale initialised to 0 so the gain starts at 1.
// LayerNorm (Ba et al. 2016): y = (x - mean) / sqrt(var + eps) * w + b, population variance.
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Nn;

public sealed class RMSNorm : Layer
{
    public int Dim { get; }
    public double Eps { get; }
    public Tensor Scale { get; }

    public RMSNorm(int dim, double eps = 1e-6, DType dtype = DType.Float32)
    {
        if (dim <= 0) throw new EngineException($"RMSNorm: dim must be positive, got {dim}");
        Dim = dim;
        Eps = eps;
        Scale = RegisterParameter("scale", NDArray.Zeros([dim], dtype));
    }

    public override Tensor Forward(Tensor input)
    {
        NormShapes.Check("RMSNorm", input, Dim);
        return input.RmsNorm(1.0 + Scale, Eps);
    }
}

public sealed class LayerNorm : Layer
{
    public int Dim { get; }
    public double Eps { get; }
    public Tensor Weight { get; }
    public Tensor Bias { get; }

    public LayerNorm(int dim, double eps = 1e-5, DType dtype = DType.Float32)
    {
        if (dim <= 0) throw new EngineException($"LayerNorm: dim must be positive, got {dim}");
        Dim = dim;
        Eps = eps;
        Weight = RegisterParameter("w", NDArray.Ones([dim], dtype));
        Bias = RegisterParameter("b", NDArray.Zeros([dim], dtype));
    }

    public override Tensor Forward(Tensor input)
    {
        NormShapes.Check("LayerNorm", input, Dim);
        return input.LayerNorm(Weight, Bias, Eps);
    }
}

internal static class NormShapes
{
    public static void Check(string layer, Tensor input, int dim)
    {
        if (input.Rank == 0 || input.Dim(-1) != dim)
            throw new EngineException($"{layer}: expected an input whose last axis is {dim}, got shape {input.ShapeString}");
    }
}
