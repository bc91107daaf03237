// Base of the optimizers: parameter groups, the Step loop (run under NoGrad), per-parameter state buffers
// and step counts, and state export/restore. Updates write the parameter's values and its state buffers in
// place (fused kernels in Tensors/Kernels/OptimizerKernels.cs), so a step allocates no parameter-sized
// arrays; they compute in the parameter's dtype, so a restored run repeats the exact bits. Arrays that
// alias a parameter's values (its Data) therefore see the update; Clone() them to keep old values.
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Optim;

public abstract class Optimizer
{
    private readonly Dictionary<string, NDArray> _buffers = [];
    private readonly Dictionary<string, long> _parameterSteps = [];
    private readonly Dictionary<string, Tensor> _byName = [];

    public IReadOnlyList<ParamGroup> Groups { get; }

    /// <summary>How many times Step has run.</summary>
    public long StepCount { get; private set; }

    protected abstract string OptimizerName { get; }

    protected Optimizer(IEnumerable<ParamGroup> groups)
    {
        Groups = [.. groups];
        if (Groups.Count == 0) throw new EngineException("optimizer: needs at least one parameter group");
        foreach (var group in Groups)
            foreach (var (name, parameter) in group.Parameters)
            {
                if (!parameter.IsLeaf || !parameter.RequiresGrad)
                    throw new EngineException($"optimizer: parameter '{name}' must be a leaf that requires gradients");
                if (!_byName.TryAdd(name, parameter))
                    throw new EngineException($"optimizer: parameter name '{name}' appears twice");
            }
    }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        using var _ = GradMode.NoGrad();
        StepCount++;
        foreach (var group in Groups)
            foreach (var (name, parameter) in group.Parameters)
            {
                if (parameter.Grad is null) continue;
                var grad = parameter.Grad.Data;
                if (!grad.Shape.SequenceEqual(parameter.Shape))
                    throw new EngineException($"{OptimizerName}: gradient of '{name}' has shape {grad.ShapeString}, parameter {parameter.ShapeString}");
                _parameterSteps[name] = ParameterStep(name) + 1;
                if (!parameter.Data.IsContiguous)
                    using (BufferScope.Suspend()) parameter.SetData(parameter.Data.Clone());
                Update(name, parameter.Data, grad.ToDType(parameter.DType).Contiguous(), group);
            }
    }

    /// <summary>Updates one parameter's values (contiguous) in place from its gradient (contiguous, same
    /// dtype); state lives in GetBuffer/SetBuffer/ZeroBuffer.</summary>
    protected abstract void Update(string name, NDArray parameter, NDArray grad, ParamGroup group);

    /// <summary>How many updates the parameter has received, counting the current one.</summary>
    protected long ParameterStep(string name) => _parameterSteps.GetValueOrDefault(name);

    protected NDArray? GetBuffer(string name, string buffer) => _buffers.GetValueOrDefault(name + "." + buffer);

    protected void SetBuffer(string name, string buffer, NDArray value) => _buffers[name + "." + buffer] = value;

    /// <summary>The named state buffer, created as zeros shaped like parameter on first use.</summary>
    protected NDArray ZeroBuffer(string name, string buffer, NDArray parameter)
    {
        var existing = GetBuffer(name, buffer);
        if (existing is not null) return existing;
        // State outlives any BufferScope around the step, so it is never a pooled buffer.
        NDArray created;
        using (BufferScope.Suspend()) created = NDArray.ZerosLike(parameter);
        SetBuffer(name, buffer, created);
        return created;
    }

    public void ZeroGrad()
    {
        foreach (var parameter in _byName.Values) parameter.Grad = null;
    }

    /// <summary>Sets every group's learning rate to learningRate times the group's LearningRateScale.</summary>
    public void SetLearningRate(double learningRate)
    {
        foreach (var group in Groups) group.LearningRate = learningRate * group.LearningRateScale;
    }

    /// <summary>A deep copy of the state: buffers, step counts and group learning rates and weight decays.</summary>
    public OptimizerState ExportState()
    {
        var state = new OptimizerState();
        foreach (var (key, value) in _buffers) state.Tensors[key] = value.Clone();
        state.Scalars["step"] = StepCount;
        foreach (var (name, steps) in _parameterSteps) state.Scalars[name + ".step"] = steps;
        for (int i = 0; i < Groups.Count; i++)
        {
            state.Scalars[$"group.{i}.lr"] = Groups[i].LearningRate;
            state.Scalars[$"group.{i}.weight_decay"] = Groups[i].WeightDecay;
        }
        return state;
    }

    /// <summary>Replaces the state with a copy of an exported one, after checking it fits these parameters.</summary>
    public void LoadState(OptimizerState state)
    {
        foreach (var (key, value) in state.Tensors)
        {
            var parameter = OwnerOf(key);
            if (!value.Shape.SequenceEqual(parameter.Shape) || value.DType != parameter.DType)
                throw new EngineException($"{OptimizerName}: state '{key}' is {value.DType.Name()} {value.ShapeString}, the parameter is {parameter.DType.Name()} {parameter.ShapeString}");
        }
        if (!state.Scalars.TryGetValue("step", out double step))
            throw new EngineException($"{OptimizerName}: state has no 'step' scalar");
        // Check every scalar before changing anything, so a bad state leaves this optimizer as it was.
        foreach (var (key, value) in state.Scalars) ApplyScalar(key, value, apply: false);
        _buffers.Clear();
        using (BufferScope.Suspend())
            foreach (var (key, value) in state.Tensors) _buffers[key] = value.Clone();
        _parameterSteps.Clear();
        StepCount = (long)step;
        foreach (var (key, value) in state.Scalars) ApplyScalar(key, value, apply: true);
    }

    private void ApplyScalar(string key, double value, bool apply)
    {
        if (key == "step") return;
        if (key.StartsWith("group.", StringComparison.Ordinal))
        {
            var parts = key.Split('.');
            if (parts.Length != 3 || !int.TryParse(parts[1], out int index) || index < 0 || index >= Groups.Count || parts[2] is not ("lr" or "weight_decay"))
                throw new EngineException($"{OptimizerName}: state scalar '{key}' names no setting of a parameter group (there are {Groups.Count})");
            if (!apply) return;
            if (parts[2] == "lr") Groups[index].LearningRate = value;
            else Groups[index].WeightDecay = value;
        }
        else if (key.EndsWith(".step", StringComparison.Ordinal))
        {
            OwnerOf(key);
            if (apply) _parameterSteps[key[..^5]] = (long)value;
        }
        else throw new EngineException($"{OptimizerName}: unknown state scalar '{key}'");
    }

    private Tensor OwnerOf(string key)
    {
        int dot = key.LastIndexOf('.');
        if (dot > 0 && _byName.TryGetValue(key[..dot], out var parameter)) return parameter;
        throw new EngineException($"{OptimizerName}: state entry '{key}' names no parameter of this optimizer");
    }
}
