// The fallback decoder: keeps the whole context and runs the full forward pass for every new token.
// Quadratic in the length, but correct for any model; fixed-state models override StartDecoding.
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Models.Lm;

public sealed class RecomputingDecoder(LanguageModel model) : Decoder
{
    private NDArray? _tokens;
    private NDArray? _positions;

    public override Tensor Prefill(Tensor tokens, Tensor segmentPositions)
    {
        _tokens = tokens.Data.Contiguous();
        _positions = segmentPositions.Data.Contiguous();
        using var _ = GradMode.NoGrad();
        return model.Forward(tokens, segmentPositions);
    }

    public override Tensor Step(Tensor tokens, Tensor segmentPositions)
    {
        if (_tokens is null || _positions is null)
            throw new EngineException("decoder: call Prefill with a prompt before Step");
        _tokens = NDArray.Cat([_tokens, tokens.Data.Unsqueeze(1)], 1);
        _positions = NDArray.Cat([_positions, segmentPositions.Data.Unsqueeze(1)], 1);
        using var _ = GradMode.NoGrad();
        return model.Forward(new Tensor(_tokens), new Tensor(_positions)).Select(1, -1);
    }
}
