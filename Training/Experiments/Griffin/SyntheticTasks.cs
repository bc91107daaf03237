// The two synthetic recall tasks of the Griffin paper's §6.2, which it takes from the Mamba paper
// (Gu & Dao, 2023, §4.1 and appendix E.1), at tiny scale. Every sequence is one document (segment positions
// 0..T-1); only the answer positions carry a target, every other target is the loss's ignore index.
//   Selective copying: a context of blank tokens with NumData data tokens at random positions, then NumData
//   marker tokens; at the k-th marker the model must output the k-th data token.
//   Induction heads: random symbols with one trigger token followed by a target symbol somewhere; the last
//   token is the trigger again and the model must output the symbol that followed its first occurrence.
using Engine.Nn.Functional;
using Engine.Tensors;

namespace Engine.Training.Experiments.Griffin;

/// <summary>Inputs and targets [B, T] (int64; targets hold the ignore index except at answers) and the
/// segment positions [B, T].</summary>
public sealed record TaskBatch(NDArray Inputs, NDArray Targets, NDArray Positions);

public abstract class SyntheticTask
{
    public abstract string Name { get; }

    public abstract int VocabSize { get; }

    /// <summary>The shortest sequence the task can be posed in.</summary>
    public abstract int MinLength { get; }

    public TaskBatch Sample(Generator rng, int batch, int length)
    {
        if (length < MinLength) throw new ArgumentOutOfRangeException(nameof(length), $"{Name} needs sequences of at least {MinLength} tokens, got {length}");
        var inputs = new long[batch * length];
        var targets = new long[batch * length];
        Array.Fill(targets, Losses.DefaultIgnoreIndex);
        for (int b = 0; b < batch; b++)
            Fill(rng, inputs.AsSpan(b * length, length), targets.AsSpan(b * length, length));
        var positions = NDArray.Arange(0, length, 1, DType.Int64).Reshape(1, length).Expand(batch, length).Contiguous();
        return new TaskBatch(NDArray.FromArray(inputs, batch, length), NDArray.FromArray(targets, batch, length), positions);
    }

    /// <summary>Writes one sequence; targets arrive filled with the ignore index.</summary>
    protected abstract void Fill(Generator rng, Span<long> inputs, Span<long> targets);

    /// <summary>n integers drawn uniformly from [0, count).</summary>
    protected static int[] Integers(Generator rng, int n, int count) =>
        [.. rng.Uniform([n], 0, 1, DType.Float64).ToArray<double>().Select(u => Math.Min(count - 1, (int)(u * count)))];
}

/// <summary>Token 0 is the blank, 1..Symbols the data symbols, Symbols + 1 the marker.</summary>
public sealed class SelectiveCopying(int symbols, int numData) : SyntheticTask
{
    public int Symbols { get; } = symbols;
    public int NumData { get; } = numData;
    private long Marker => Symbols + 1;

    public override string Name => "selective copying";
    public override int VocabSize => Symbols + 2;
    public override int MinLength => 2 * NumData;

    protected override void Fill(Generator rng, Span<long> inputs, Span<long> targets)
    {
        int context = inputs.Length - NumData;
        var slots = rng.Permutation(context).Take(NumData).Order().ToArray();
        var data = Integers(rng, NumData, Symbols);
        for (int k = 0; k < NumData; k++)
        {
            inputs[slots[k]] = data[k] + 1;
            inputs[context + k] = Marker;
            targets[context + k] = data[k] + 1;
        }
    }
}

/// <summary>Tokens 0..Symbols-1 are symbols, Symbols is the trigger.</summary>
public sealed class InductionHeads(int symbols) : SyntheticTask
{
    public int Symbols { get; } = symbols;
    private long Trigger => Symbols;

    public override string Name => "induction heads";
    public override int VocabSize => Symbols + 1;
    public override int MinLength => 4;

    protected override void Fill(Generator rng, Span<long> inputs, Span<long> targets)
    {
        int length = inputs.Length;
        var symbols = Integers(rng, length, Symbols);
        for (int t = 0; t < length; t++) inputs[t] = symbols[t];
        // The first trigger sits anywhere that leaves its answer and at least one token before the last trigger.
        int first = Integers(rng, 1, length - 3)[0];
        inputs[first] = Trigger;
        inputs[length - 1] = Trigger;
        targets[length - 1] = inputs[first + 1];
    }
}
