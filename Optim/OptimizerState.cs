// The serialisable state of an optimizer: tensors (per-parameter buffers, keyed
// "<parameter name>.<buffer>") and scalars (step counts, group hyperparameters). Checkpoint writers
// store both maps as they are.
using Engine.Tensors;

namespace Engine.Optim;

public sealed class OptimizerState
{
    public Dictionary<string, NDArray> Tensors { get; } = [];

    public Dictionary<string, double> Scalars { get; } = [];
}
