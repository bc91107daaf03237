// Collects every problem found in a file or a checkpoint so one exception can report them all at once.
using Engine.Tensors;

namespace Engine.Nn.Checkpoints;

internal sealed class ProblemList
{
    // A hostile header can hold millions of bad entries; the message stays readable and bounded.
    private const int MaxListed = 50;

    private readonly List<string> _problems = [];
    private int _count;

    public bool Any => _count > 0;

    public void Add(string problem)
    {
        _count++;
        if (_problems.Count < MaxListed) _problems.Add(problem);
    }

    public EngineException ToException(string subject, string what)
    {
        var text = new System.Text.StringBuilder();
        text.Append(subject).Append(": ").Append(what).Append(": ")
            .Append(_count).Append(_count == 1 ? " problem" : " problems");
        foreach (string problem in _problems) text.Append("\n  - ").Append(problem);
        if (_count > _problems.Count) text.Append("\n  - ... and ").Append(_count - _problems.Count).Append(" more");
        return new EngineException(text.ToString());
    }

    public void ThrowIfAny(string subject, string what)
    {
        if (Any) throw ToException(subject, what);
    }

    /// <summary>JSON text for a message, cut short so a huge value cannot flood it.</summary>
    public static string Quote(string raw) => raw.Length <= 40 ? raw : raw[..40] + "...";
}
