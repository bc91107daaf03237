// Module: the base of every layer. It owns named parameters (leaf tensors that require gradients) and
// named child modules, both kept in registration order, so hierarchical names such as
// `blocks.0.mlp_block.ffw_up.w` come out the same on every run and match reference checkpoints.
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Nn;

public abstract class Module
{
    private readonly List<KeyValuePair<string, Tensor>> _parameters = [];
    private readonly List<KeyValuePair<string, Module>> _children = [];

    /// <summary>True in training mode (the default); Dropout and similar layers read it.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>The type name used in error messages.</summary>
    protected virtual string LayerName => GetType().Name;

    /// <summary>Wraps value as a trainable leaf named name and registers it.</summary>
    protected Tensor RegisterParameter(string name, NDArray value)
    {
        CheckNewName(name);
        if (!value.DType.IsFloating())
            throw new EngineException($"{LayerName}: parameter '{name}' must be a float tensor, got {value.DType.Name()}");
        var parameter = new Tensor(value, requiresGrad: true) { Name = name };
        _parameters.Add(new(name, parameter));
        return parameter;
    }

    /// <summary>Registers a child module; its parameters are named under name.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckNewName(name);
        _children.Add(new(name, module));
        return module;
    }

    /// <summary>This module's own parameters, then each child's, depth-first in registration order.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedParameters(string prefix = "")
    {
        foreach (var (name, parameter) in _parameters) yield return new(prefix + name, parameter);
        foreach (var (name, child) in _children)
            foreach (var entry in child.NamedParameters(prefix + name + ".")) yield return entry;
    }

    public IEnumerable<Tensor> Parameters()
    {
        foreach (var entry in NamedParameters()) yield return entry.Value;
    }

    public IReadOnlyList<KeyValuePair<string, Module>> NamedChildren() => _children.AsReadOnly();

    /// <summary>The parameter with the given hierarchical name.</summary>
    public Tensor GetParameter(string name)
    {
        foreach (var (n, p) in NamedParameters())
            if (n == name) return p;
        throw new EngineException($"{LayerName}: no parameter named '{name}'");
    }

    /// <summary>The number of scalar values over all parameters.</summary>
    public long ParameterCount
    {
        get
        {
            long total = 0;
            foreach (var p in Parameters()) total += p.Size;
            return total;
        }
    }

    /// <summary>Sets training mode here and in every descendant; returns this module.</summary>
    public Module Train(bool training = true)
    {
        IsTraining = training;
        foreach (var (_, child) in _children) child.Train(training);
        return this;
    }

    public Module Eval() => Train(false);

    /// <summary>Moves every parameter to device in place (the parameter tensors stay the same objects, so
    /// optimizers built before or after see them) and drops their gradients. Returns this module.</summary>
    public Module To(Device device)
    {
        foreach (var p in Parameters())
        {
            p.SetData(p.Data.To(device));
            p.Grad = null;
        }
        return this;
    }

    /// <summary>Drops the accumulated gradients of every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    private void CheckNewName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new EngineException($"{LayerName}: '{name}' is not a valid name (non-empty, no dots)");
        foreach (var (n, _) in _parameters)
            if (n == name) throw new EngineException($"{LayerName}: the name '{name}' is already registered");
        foreach (var (n, _) in _children)
            if (n == name) throw new EngineException($"{LayerName}: the name '{name}' is already registered");
    }
}

/// <summary>A module that maps one tensor to one tensor, so it can sit in a Sequential.</summary>
public abstract class Layer : Module
{
    public abstract Tensor Forward(Tensor input);
}
