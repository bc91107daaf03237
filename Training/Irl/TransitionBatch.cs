// A batch of prompt/response sequences laid out as token-level MDP transitions (Wulfmeier et al. 2024 §3;
// specs/irl-rl.md A.1): state s_t = prompt + response prefix, action a_t = the next response token. Row
// b holds [prompt..., response...] followed by padding. Logits at position i belong to the state after
// tokens[0..i], so the action at transition i is tokens[i + 1] and its next state's logits sit at i + 1.
// Feeding the whole sequence (last token included) is what lets a truncated response bootstrap from
// V(s_{T+1}); a response that ends with EOS is terminal (done = 1 on that transition, V after it is 0).
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Training.Irl;

/// <summary>One demonstration or sample: prompt tokens, response tokens, and whether the response ends
/// in a terminal EOS (true) or was truncated at a length limit (false: not terminal, bootstraps).</summary>
public sealed record PromptResponse(int[] Prompt, int[] Response, bool EndsWithEos);

public sealed class TransitionBatch
{
    /// <summary>int64 [B, L]: each row's prompt then response, then padding.</summary>
    public NDArray Tokens { get; }

    /// <summary>int64 [B, L]: position of each token inside its sequence (0 at the first prompt token).</summary>
    public NDArray Positions { get; }

    /// <summary>float64 [B, L-1]: 1 where transition i takes a response token as its action.</summary>
    public NDArray ActionMask { get; }

    /// <summary>float64 [B, L-1]: 1 on the transition that emits a terminal EOS.</summary>
    public NDArray Done { get; }

    /// <summary>int64 [B, L-1]: the action of each transition (tokens shifted left; padding where masked).</summary>
    public NDArray Actions { get; }

    /// <summary>Index of each row's first response transition, i.e. the state s_0 after the prompt.</summary>
    public IReadOnlyList<int> FirstAction { get; }

    /// <summary>Number of response tokens in each row.</summary>
    public IReadOnlyList<int> ResponseLength { get; }

    public int BatchSize => Tokens.Dim(0);
    public int Length => Tokens.Dim(1);
    public int ActionCount { get; }

    private TransitionBatch(NDArray tokens, NDArray positions, NDArray actionMask, NDArray done, NDArray actions,
        int[] firstAction, int[] responseLength)
    {
        Tokens = tokens;
        Positions = positions;
        ActionMask = actionMask;
        Done = done;
        Actions = actions;
        FirstAction = firstAction;
        ResponseLength = responseLength;
        ActionCount = responseLength.Sum();
    }

    /// <summary>Lays out sequences; padToken fills the tail of shorter rows. Every prompt needs at least
    /// one token (the state before the first response token) and every response at least one.</summary>
    public static TransitionBatch Create(IReadOnlyList<PromptResponse> sequences, int padToken)
    {
        if (sequences.Count == 0) throw new EngineException("irl batch: no sequences");
        int length = sequences.Max(s => s.Prompt.Length + s.Response.Length);
        if (length < 2) throw new EngineException("irl batch: sequences need a prompt token and a response token");
        int b = sequences.Count;
        var tokens = new long[b * length];
        var positions = new long[b * length];
        var mask = new double[b * (length - 1)];
        var done = new double[b * (length - 1)];
        var actions = new long[b * (length - 1)];
        var first = new int[b];
        var responseLength = new int[b];
        for (int row = 0; row < b; row++)
        {
            var s = sequences[row];
            if (s.Prompt.Length == 0) throw new EngineException($"irl batch: sequence {row} has an empty prompt; start it with at least one token (e.g. BOS)");
            if (s.Response.Length == 0) throw new EngineException($"irl batch: sequence {row} has an empty response");
            int used = s.Prompt.Length + s.Response.Length;
            for (int i = 0; i < length; i++)
            {
                tokens[row * length + i] = i < s.Prompt.Length ? s.Prompt[i] : i < used ? s.Response[i - s.Prompt.Length] : padToken;
                positions[row * length + i] = i;
            }
            first[row] = s.Prompt.Length - 1;
            responseLength[row] = s.Response.Length;
            for (int i = 0; i < length - 1; i++)
            {
                int at = row * (length - 1) + i;
                actions[at] = tokens[row * length + i + 1];
                if (i < first[row] || i >= used - 1) continue;
                mask[at] = 1;
                if (s.EndsWithEos && i == used - 2) done[at] = 1;
            }
        }
        return new TransitionBatch(
            NDArray.FromArray(tokens, b, length), NDArray.FromArray(positions, b, length),
            NDArray.FromArray(mask, b, length - 1), NDArray.FromArray(done, b, length - 1),
            NDArray.FromArray(actions, b, length - 1), first, responseLength);
    }

    /// <summary>The same batch with its arrays on device (the model's), so every tensor made from it is there.</summary>
    public TransitionBatch To(Device device) => device == Tokens.Device ? this
        : new(Tokens.To(device), Positions.To(device), ActionMask.To(device), Done.To(device), Actions.To(device),
            [.. FirstAction], [.. ResponseLength]);

    /// <summary>The action mask as a constant tensor of the given float dtype.</summary>
    public Tensor MaskAs(DType dtype) => new(ActionMask.ToDType(dtype));

    /// <summary>The done flags as a constant tensor of the given float dtype.</summary>
    public Tensor DoneAs(DType dtype) => new(Done.ToDType(dtype));

    public Tensor TokensTensor() => new(Tokens);
    public Tensor PositionsTensor() => new(Positions);
}
