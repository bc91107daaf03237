// The differentiable tensor users hold: an NDArray of values plus what reverse-mode autodiff needs
// (the node that produced it, its accumulated gradient, gradient hooks).
using Engine.Tensors;

namespace Engine.Autograd;

public sealed partial class Tensor
{
    private bool _requiresGrad;
    private List<Func<Tensor, Tensor?>>? _hooks;

    /// <summary>The values. Optimizers and checkpoint loading replace them through SetData.</summary>
    public NDArray Data { get; private set; }

    /// <summary>The gradient accumulated by Backward (leaves, and non-leaves that called RetainGrad).</summary>
    public Tensor? Grad { get; set; }

    /// <summary>The op that produced this tensor; null for leaves.</summary>
    internal Node? GradFn { get; set; }

    internal bool RetainsGrad { get; private set; }

    /// <summary>An optional label, used in error messages and by modules for parameter names.</summary>
    public string? Name { get; set; }

    public Tensor(NDArray data, bool requiresGrad = false)
    {
        Data = data;
        RequiresGrad = requiresGrad;
    }

    public bool IsLeaf => GradFn is null;

    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (!IsLeaf && !value)
                throw new EngineException($"requires_grad: cannot turn off gradients of a non-leaf tensor produced by '{GradFn!.Op}'; use Detach()");
            if (value && !Data.DType.IsFloating())
                throw new EngineException($"requires_grad: only float tensors can require gradients, got {Data.DType.Name()}");
            _requiresGrad = value;
        }
    }

    public ReadOnlySpan<int> Shape => Data.Shape;
    public int Rank => Data.Rank;
    public int Size => Data.Size;
    public DType DType => Data.DType;
    public Device Device => Data.Device;
    public string ShapeString => Data.ShapeString;
    public int Dim(int axis) => Data.Dim(axis);

    /// <summary>The name of the op that produced this tensor, or null for a leaf.</summary>
    public string? OpName => GradFn?.Op;

    /// <summary>Replaces the values of a leaf in place (optimizer steps, checkpoint loads); shape and dtype must match.</summary>
    public void SetData(NDArray data)
    {
        if (!data.Shape.SequenceEqual(Data.Shape) || data.DType != Data.DType)
            throw new EngineException($"set_data{Label}: expected {Data.DType.Name()} {Data.ShapeString}, got {data.DType.Name()} {data.ShapeString}");
        Data = data;
    }

    /// <summary>The same values with no history; gradients do not flow back through it.</summary>
    public Tensor Detach() => new(Data);

    /// <summary>Keep the gradient of this non-leaf tensor in Grad during Backward.</summary>
    public void RetainGrad() => RetainsGrad = true;

    /// <summary>Runs hook on this tensor's gradient during backward; a non-null return replaces the gradient.
    /// Returns a handle that removes the hook when disposed.</summary>
    public IDisposable RegisterHook(Func<Tensor, Tensor?> hook)
    {
        if (!RequiresGrad) throw new EngineException($"register_hook{Label}: the tensor does not require gradients");
        (_hooks ??= []).Add(hook);
        return new Removal(() => _hooks.Remove(hook));
    }

    internal Tensor ApplyHooks(Tensor grad)
    {
        if (_hooks is null) return grad;
        foreach (var hook in _hooks.ToArray()) grad = hook(grad) ?? grad;
        return grad;
    }

    /// <summary>Backpropagates from this tensor. Without a gradient it must hold one element.</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false)
    {
        if (!RequiresGrad) throw new EngineException($"backward{Label}: the tensor does not require gradients (no input requires them, or it was made under no_grad)");
        if (gradient is null && Size != 1)
            throw new EngineException($"backward{Label}: a gradient is needed for a tensor of shape {ShapeString}; only one-element tensors default to 1");
        var seed = gradient ?? new Tensor(NDArray.OnesLike(Data));
        BackwardEngine.Run([this], [seed], retainGraph, createGraph, accumulateIntoLeaves: true);
    }

    public double Item() => Data.Item();

    public float[] ToFloatArray() => Data.ToFloatArray();

    public double[] ToDoubleArray() => Data.ToDoubleArray();

    public override string ToString() => $"Tensor({Data}{(GradFn is null ? "" : $", op={GradFn.Op}")})";

    private string Label => Name is null ? "" : $" ('{Name}')";

    private sealed class Removal(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
