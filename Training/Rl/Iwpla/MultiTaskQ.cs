// The multi-task value representation of IWPLA (spec irl-rl.md §E.1): Q(s, a; w) = head_w(φ(s)) with a shared
// torso φ (one-hot cell → tanh layer) and one linear head per task. Adaptation to a hold-out task reuses the
// pretrained torso under a fresh head.
using Engine.Autograd;
using Engine.Nn;
using Engine.Tensors;

namespace Engine.Training.Rl.Iwpla;

public sealed class MultiTaskQ : Module
{
    private readonly Linear _torso;
    private readonly ModuleList _heads;

    public int StateCount { get; }
    public int ActionCount { get; }
    public int TaskCount => _heads.Count;

    public MultiTaskQ(int states, int actions, int tasks, int features, Generator rng)
    {
        (StateCount, ActionCount) = (states, actions);
        _torso = RegisterModule("torso", new Linear(states, features, rng, dtype: DType.Float64));
        _heads = RegisterModule("heads", new ModuleList(Enumerable.Range(0, tasks).Select(_ => (Module)new Linear(features, actions, rng, dtype: DType.Float64))));
    }

    /// <summary>Q(s, ·; task) for a batch of cells: [B, A].</summary>
    public Tensor Forward(Tensor states, int task)
    {
        var oneHot = Tensor.OneHot(states, StateCount, DType.Float64);
        return ((Linear)_heads[task]).Forward(_torso.Forward(oneHot).Tanh());
    }

    /// <summary>Copies this network's torso into another of the same shape.</summary>
    public void CopyTorsoTo(MultiTaskQ other)
    {
        using var _ = GradMode.NoGrad();
        other._torso.Weight.SetData(_torso.Weight.Data.Clone());
        other._torso.Bias!.SetData(_torso.Bias!.Data.Clone());
    }
}
