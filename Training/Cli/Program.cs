// The `engine` command-line program: dispatches to the train, sample, eval and bench commands. A user mistake
// (bad argument, missing file, bad shape) prints one line and a usage hint and exits 2; no stack trace.
using Engine.Tensors;

namespace Engine.Training.Cli;

public static class Program
{
    private const string Usage = """
        usage: engine <command> [options]

        commands:
          train    train a language model (the default model on the embedded corpus, with no options)
          sample   continue a prompt with a trained model
          eval     loss and bits per byte of a trained model
          logits   logits of a Griffin-family checkpoint for given tokens (JSON)
          dks      Deep Kernel Shaping / TAT activation parameters (engine dks solve ...)
          bench    benchmarks (engine bench gemm ...)
          reproduce  paper reproductions (engine reproduce --help lists them)

        run `engine <command> --help` for a command's options
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            return args[0] switch
            {
                "train" => TrainCommand.Run(Arguments.Tail(args)),
                "sample" => SampleCommand.Run(Arguments.Tail(args)),
                "eval" => EvalCommand.Run(Arguments.Tail(args)),
                "logits" => LogitsCommand.Run(Arguments.Tail(args)),
                "dks" => Dks.DksSolveCommand.Run(Arguments.Tail(args)),
                "bench" => BenchCommand.Run(Arguments.Tail(args)),
                "reproduce" => ReproduceCommand.Run(Arguments.Tail(args)),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"engine: {e.Message}");
            Console.Error.WriteLine("run `engine --help` for usage");
            return 2;
        }
        catch (EngineException e)
        {
            Console.Error.WriteLine($"engine: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"engine: {e.Message}");
            return 2;
        }
    }
}
