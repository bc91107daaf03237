// `engine reproduce <experiment>`: the paper reproductions. Each experiment owns its options, its quick
// default and its outputs (metrics, SVG plots, a Markdown table); this file only lists and dispatches them.
namespace Engine.Training.Cli;

public static class ReproduceCommand
{
    private sealed record Experiment(string Name, string Summary, Func<string[], int> Run);

    // One line per experiment, in the order `engine reproduce --help` lists them.
    private static readonly Experiment[] Experiments =
    [
        new("priors", Rl.Priors.PriorsReproduction.Summary, Rl.Priors.PriorsReproduction.Run),
        new("iwpla", Rl.Iwpla.IwplaReproduction.Summary, Rl.Iwpla.IwplaReproduction.Run),
    ];

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h")
        {
            Console.WriteLine(Help());
            return args.Length == 0 ? 2 : 0;
        }
        var experiment = Array.Find(Experiments, e => e.Name == args[0])
            ?? throw new UsageException(
                $"reproduce: unknown experiment '{args[0]}' (known: {string.Join(", ", Experiments.Select(e => e.Name))})");
        return experiment.Run(Arguments.Tail(args));
    }

    private static string Help()
    {
        var lines = Experiments.Select(e => $"  {e.Name,-12} {e.Summary}");
        return "usage: engine reproduce <experiment> [options]\n\nexperiments:\n" + string.Join('\n', lines)
            + "\n\nrun `engine reproduce <experiment> --help` for an experiment's options";
    }
}
