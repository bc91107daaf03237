// Inverted dropout (Srivastava et al. 2014): in training, each element is kept with probability 1 - p
// and scaled by 1/(1 - p), so eval mode is the identity. Masks come from the Generator given at
// construction, so a run with the same seed drops the same elements.
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Nn;

public sealed class Dropout : Layer
{
    private readonly Generator _rng;

    public double P { get; }

    public Dropout(double p, Generator rng)
    {
        if (!(p >= 0 && p <= 1)) throw new EngineException($"Dropout: p must be in [0, 1], got {p}");
        P = p;
        _rng = rng;
    }

    public override Tensor Forward(Tensor input)
    {
        if (!IsTraining || P == 0) return input;
        if (P == 1) return input * 0.0;
        var keep = _rng.Bernoulli(NDArray.Full(input.Shape, 1 - P, DType.Float64), input.DType);
        return input * new Tensor(keep * (1 / (1 - P)));
    }
}
