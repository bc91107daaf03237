// Functional gradients: d(outputs)/d(inputs) returned directly instead of accumulated into .Grad.
// With createGraph the returned gradients are themselves differentiable (higher-order derivatives).
using Engine.Tensors;

namespace Engine.Autograd;

public static class Gradients
{
    /// <summary>Gradients of sum_i (outputs[i] * gradOutputs[i]) with respect to each input.</summary>
    /// <param name="gradOutputs">One per output; null means ones (outputs must then hold one element).</param>
    /// <param name="allowUnused">When false, an input the outputs do not depend on is an error; when true its gradient is zeros.</param>
    public static Tensor[] Of(Tensor[] outputs, Tensor[] inputs, Tensor[]? gradOutputs = null,
        bool retainGraph = false, bool createGraph = false, bool allowUnused = false)
    {
        if (gradOutputs is not null && gradOutputs.Length != outputs.Length)
            throw new EngineException($"grad: {gradOutputs.Length} output gradients for {outputs.Length} outputs");
        var seeds = new Tensor[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            if (!outputs[i].RequiresGrad) throw new EngineException($"grad: output {i} does not require gradients");
            if (gradOutputs?[i] is { } g) seeds[i] = g;
            else if (outputs[i].Size == 1) seeds[i] = new Tensor(NDArray.OnesLike(outputs[i].Data));
            else throw new EngineException($"grad: output {i} has shape {outputs[i].ShapeString}; pass its gradient");
        }
        foreach (var input in inputs)
            if (!input.RequiresGrad) throw new EngineException($"grad: an input of shape {input.ShapeString} does not require gradients");
        var grads = BackwardEngine.Run(outputs, seeds, retainGraph || createGraph, createGraph, accumulateIntoLeaves: false);
        var result = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (grads.TryGetValue(inputs[i], out var g)) result[i] = g;
            else if (allowUnused) result[i] = new Tensor(NDArray.ZerosLike(inputs[i].Data));
            else throw new EngineException($"grad: input {i} (shape {inputs[i].ShapeString}) is not used by the outputs; pass allowUnused: true for zeros");
        }
        return result;
    }
}
