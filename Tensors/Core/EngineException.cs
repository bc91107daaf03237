// The one exception type for user mistakes: bad shapes, dtypes, devices, axes, indices and files.
// Messages name the op (or file) and show what was expected and what came.
namespace Engine.Tensors;

public class EngineException : Exception
{
    public EngineException(string message) : base(message) { }

    public EngineException(string message, Exception inner) : base(message, inner) { }

    public static EngineException ForOp(string op, string problem) => new($"{op}: {problem}");
}
