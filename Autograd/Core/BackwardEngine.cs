// Reverse-mode differentiation over the recorded tape. Tensors are visited in reverse topological
// order; each op's backward gives its inputs' gradients, which the engine sums back to the input's
// shape (undoing broadcasting, once, here) and accumulates (handling fan-out, once, here).
using Engine.Tensors;

namespace Engine.Autograd;

internal static class BackwardEngine
{
    public static Dictionary<Tensor, Tensor> Run(Tensor[] roots, Tensor[] rootGrads, bool retainGraph, bool createGraph, bool accumulateIntoLeaves)
    {
        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < roots.Length; i++)
        {
            CheckGradShape("backward", roots[i], rootGrads[i]);
            Accumulate(grads, roots[i], rootGrads[i]);
        }
        var order = TopologicalOrder(roots);
        using (createGraph ? GradMode.EnableGrad() : GradMode.NoGrad())
        {
            for (int n = order.Count - 1; n >= 0; n--)
            {
                var tensor = order[n];
                if (!grads.TryGetValue(tensor, out var grad)) continue;
                grad = tensor.ApplyHooks(grad);
                grads[tensor] = grad;
                if (accumulateIntoLeaves && tensor.RetainsGrad) tensor.Grad = tensor.Grad is null ? grad : tensor.Grad + grad;
                Propagate(tensor, grad, grads, retainGraph);
            }
            var leaves = new List<Tensor>();
            foreach (var (tensor, _) in grads)
                if (tensor.IsLeaf) leaves.Add(tensor);
            foreach (var leaf in leaves)
            {
                var grad = leaf.ApplyHooks(grads[leaf]);
                grads[leaf] = grad;
                if (accumulateIntoLeaves && leaf.RequiresGrad)
                    leaf.Grad = leaf.Grad is null ? grad : leaf.Grad + grad;
            }
        }
        return grads;
    }

    private static void Propagate(Tensor tensor, Tensor grad, Dictionary<Tensor, Tensor> grads, bool retainGraph)
    {
        var node = tensor.GradFn!;
        var backward = node.Backward
            ?? throw new EngineException($"backward: the graph through op '{node.Op}' was already freed by an earlier backward; pass retainGraph: true to the first call");
        var inputGrads = Anomaly.IsEnabled ? Anomaly.InBackward(() => backward(grad, tensor)) : backward(grad, tensor);
        if (!retainGraph) node.Backward = null;
        if (inputGrads.Length != node.Inputs.Length)
            throw new InvalidOperationException($"op '{node.Op}' returned {inputGrads.Length} gradients for {node.Inputs.Length} inputs");
        for (int i = 0; i < inputGrads.Length; i++)
        {
            var input = node.Inputs[i];
            var g = inputGrads[i];
            if (g is null || !input.RequiresGrad) continue;
            g = SumToShape(g, input.Shape);
            if (g.DType != input.DType) g = g.ToDType(input.DType);
            Anomaly.CheckBackward(node.Op, i, g.Data);
            Accumulate(grads, input, g);
        }
    }

    /// <summary>Sums a gradient of a broadcast result back to the shape of the input that was broadcast.</summary>
    public static Tensor SumToShape(Tensor grad, ReadOnlySpan<int> shape)
    {
        if (grad.Shape.SequenceEqual(shape)) return grad;
        int lead = grad.Rank - shape.Length;
        if (lead < 0) throw new InvalidOperationException($"gradient of shape {grad.ShapeString} is smaller than its input {ShapeMath.Format(shape)}");
        var axes = new List<int>();
        for (int d = 0; d < grad.Rank; d++)
            if (d < lead || (shape[d - lead] == 1 && grad.Shape[d] != 1)) axes.Add(d);
        return grad.Sum(axes.ToArray(), keepDim: true).Reshape(shape.ToArray());
    }

    private static void Accumulate(Dictionary<Tensor, Tensor> grads, Tensor tensor, Tensor grad) =>
        grads[tensor] = grads.TryGetValue(tensor, out var existing) ? existing + grad : grad;

    private static void CheckGradShape(string op, Tensor root, Tensor grad)
    {
        if (!grad.Shape.SequenceEqual(root.Shape))
            throw new EngineException($"{op}: gradient of shape {grad.ShapeString} does not match the output's shape {root.ShapeString}");
        if (grad.DType != root.DType)
            throw new EngineException($"{op}: gradient dtype {grad.DType.Name()} does not match the output's {root.DType.Name()}");
    }

    /// <summary>Non-leaf tensors reachable from the roots through inputs that need gradients, each after its inputs.</summary>
    private static List<Tensor> TopologicalOrder(Tensor[] roots)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor Tensor, int NextInput)>();
        foreach (var root in roots)
        {
            if (root.GradFn is null || !visited.Add(root)) continue;
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (tensor, next) = stack.Pop();
                var inputs = tensor.GradFn!.Inputs;
                if (next < inputs.Length)
                {
                    stack.Push((tensor, next + 1));
                    var input = inputs[next];
                    if (input.GradFn is not null && input.RequiresGrad && visited.Add(input)) stack.Push((input, 0));
                }
                else order.Add(tensor);
            }
        }
        return order;
    }
}
