// `engine sample`: loads a checkpoint and continues a prompt.
using Engine.Training.Lm;

namespace Engine.Training.Cli;

public static class SampleCommand
{
    private const string Help = """
        usage: engine sample --checkpoint PATH [options]

        Continues a prompt with a trained model.

        options:
          --checkpoint PATH   a checkpoint file or run folder (required)
          --prompt TEXT       the text to continue (default "The ")
          --length N          bytes to generate (default 300)
          --temperature X     0 for greedy (default 0.8)
          --top-k N           keep the N most likely bytes, 0 for all (default 0)
          --top-p X           keep the smallest set with this much probability (default 1)
          --seed N            sampling seed (default 1)
        """;

    public static int Run(string[] args)
    {
        var a = new Arguments("sample", args, new HashSet<string> { "help" });
        if (a.Has("help"))
        {
            Console.WriteLine(Help);
            return 0;
        }
        string path = TrainCommand.ResolveCheckpoint(a.String("checkpoint") ?? throw new UsageException("sample: --checkpoint is required"));
        string prompt = a.String("prompt") ?? "The ";
        int length = a.Int("length", 300, 0, 1_000_000);
        var options = new SamplingOptions(
            Temperature: a.Double("temperature", 0.8, 0, 100),
            TopK: a.Int("top-k", 0, 0),
            TopP: a.Double("top-p", 1.0, 1e-9, 1),
            Seed: (ulong)a.Int("seed", 1, 0));
        a.RejectUnknown();
        var (_, model) = LmCheckpoint.LoadModel(path);
        Console.WriteLine(prompt + TextSampler.Continue(model, prompt, length, options));
        return 0;
    }
}
