// Records ops on the tape. Every differentiable op calls Record with its forward result and its
// backward function; non-differentiable ops call Constant.
using Engine.Tensors;

namespace Engine.Autograd;

/// <summary>Marks a public method as a differentiable (or explicitly non-differentiable) op, so the
/// registry test can check that every op has an entry and a property test.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor, AllowMultiple = false)]
public sealed class OpAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

internal static class Op
{
    public static Tensor Record(string op, NDArray result, Tensor[] inputs, BackwardFn backward)
    {
        Anomaly.CheckForward(op, result);
        var output = new Tensor(result);
        if (GradMode.IsEnabled && AnyRequiresGrad(inputs))
        {
            output.GradFn = new Node(op, inputs, backward);
            output.RequiresGrad = true;
        }
        OpHooks.Notify(op, inputs, output);
        return output;
    }

    /// <summary>An op whose output carries no gradient (comparisons, argmax, one-hot, sign).</summary>
    public static Tensor Constant(string op, NDArray result, Tensor[] inputs)
    {
        var output = new Tensor(result);
        OpHooks.Notify(op, inputs, output);
        return output;
    }

    private static bool AnyRequiresGrad(Tensor[] inputs)
    {
        foreach (var t in inputs)
            if (t.RequiresGrad) return true;
        return false;
    }
}
