// The skill-conditioned policy of VIC with explicit options (Gregor et al. 2016; spec irl-rl.md §B.1,
// F B-2): a tabular, time-indexed softmax π(a | s, z, t) = softmax(θ[z, t, s, ·]) held as one autograd
// parameter, so the REINFORCE update is the gradient of −Σ (R − b) log π computed by the tape.
using Engine.Autograd;
using Engine.Nn;
using Engine.Tensors;

namespace Engine.Training.Rl.Skills;

public sealed class SkillPolicy : Module
{
    public int Skills { get; }
    public int Horizon { get; }
    public int StateCount { get; }
    public int ActionCount { get; }

    /// <summary>θ[z, t, s, a], float64, zero at the start (the uniform policy).</summary>
    public Tensor Logits { get; }

    public SkillPolicy(int skills, int horizon, int states, int actions)
    {
        if (skills < 1 || horizon < 1 || states < 1 || actions < 1)
            throw new EngineException($"SkillPolicy: sizes must be positive, got {skills} skills, horizon {horizon}, {states} states, {actions} actions");
        (Skills, Horizon, StateCount, ActionCount) = (skills, horizon, states, actions);
        Logits = RegisterParameter("theta", NDArray.Zeros([skills, horizon, states, actions], DType.Float64));
    }

    /// <summary>π(a | s, z, t) for every entry, flat in θ's layout [z, t, s, a] (a value snapshot).</summary>
    public double[] Probabilities()
    {
        using var _ = GradMode.NoGrad();
        return Logits.Softmax(-1).ToDoubleArray();
    }

    /// <summary>Skill z's policy as a time-indexed tabular policy, from a Probabilities() snapshot.</summary>
    public TimeIndexedPolicy ForSkill(int skill, double[] probabilities)
    {
        var steps = new TabularPolicy[Horizon];
        for (int t = 0; t < Horizon; t++)
        {
            var table = new double[StateCount, ActionCount];
            for (int s = 0; s < StateCount; s++)
            {
                int offset = FlatIndex(skill, t, s, 0);
                for (int a = 0; a < ActionCount; a++) table[s, a] = probabilities[offset + a];
            }
            steps[t] = new TabularPolicy(table);
        }
        return new TimeIndexedPolicy(steps);
    }

    /// <summary>The flat index of θ[z, t, s, a].</summary>
    public int FlatIndex(int skill, int step, int state, int action) => ((skill * Horizon + step) * StateCount + state) * ActionCount + action;

    /// <summary>log π at the given flat indices, differentiable with respect to θ.</summary>
    public Tensor LogProbabilities(long[] flatIndices) =>
        Logits.LogSoftmax(-1).Reshape(-1).Gather(0, Tensor.FromArray(flatIndices, flatIndices.Length));
}
