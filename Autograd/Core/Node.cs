// One recorded op on the tape: its name, its inputs, and the function that turns the gradient of its
// output into gradients of its inputs (the vector-Jacobian product).
namespace Engine.Autograd;

/// <summary>Gradients of the op's inputs, given the gradient of its output and the output itself.
/// A gradient may keep the output's broadcast shape: the engine sums it back to the input's shape.
/// Null means "no gradient" for that input.</summary>
public delegate Tensor?[] BackwardFn(Tensor grad, Tensor output);

internal sealed class Node(string op, Tensor[] inputs, BackwardFn backward)
{
    public string Op { get; } = op;
    public Tensor[] Inputs { get; } = inputs;

    /// <summary>Cleared after a backward pass that did not retain the graph, freeing what it captured.</summary>
    public BackwardFn? Backward { get; set; } = backward;
}
