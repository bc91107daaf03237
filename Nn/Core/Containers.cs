// Containers whose children are named by position (0, 1, 2, ...): ModuleList holds any modules,
// Sequential chains layers, feeding each one's output to the next.
using Engine.Autograd;

namespace Engine.Nn;

public sealed class ModuleList : Module
{
    private readonly List<Module> _items = [];

    public ModuleList(IEnumerable<Module>? modules = null)
    {
        if (modules is null) return;
        foreach (var m in modules) Add(m);
    }

    public void Add(Module module) => _items.Add(RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module));

    public int Count => _items.Count;

    public Module this[int index] => _items[index];
}

public sealed class Sequential : Layer
{
    private readonly List<Layer> _layers = [];

    public Sequential(params Layer[] layers)
    {
        foreach (var layer in layers) Add(layer);
    }

    public void Add(Layer layer) => _layers.Add(RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer));

    public int Count => _layers.Count;

    public Layer this[int index] => _layers[index];

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var layer in _layers) x = layer.Forward(x);
        return x;
    }
}
