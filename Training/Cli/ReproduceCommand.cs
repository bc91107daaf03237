// `engine reproduce <experiment>`: the paper reproductions. Each experiment owns its options, its quick
// default and its outputs (metrics, SVG plots, a Markdown table); this file only lists and dispatches them.
namespace Engine.Training.Cli;

public static class ReproduceCommand
{
    private sealed record Experiment(string Name, string Summary, Func<string[], int> Run);

    // One line per experiment, in the order `engine reproduce --help` lists them.
    private static readonly Experiment[] Experiments =
    [
        new("dks", "deep vanilla MLPs on Fashion-MNIST: standard vs TAT init, SGD vs K-FAC (DKS/TAT papers)", Dks.Reproduce.DksReproduceCommand.Run),
        new("irl", "IQLearn as TD-regularised MLE vs MLE (Wulfmeier et al. 2024): tabular tree and shortest-path languages", Irl.Reproduce.IrlReproduction.Run),
        new("convex-mdp", "Zahavy et al. 2021: convex MDPs as a cost/policy game, averaged vs last iterate", Rl.ConvexMdp.ConvexMdpExperiment.Run),
        new("skills", "APART (Schreiber Galler et al. 2023): VIC, the simplified method and APART on 4x4 and 5x5 grids", Rl.Skills.SkillsExperiment.Run),
        new("griffin", Engine.Training.Experiments.Griffin.GriffinReproduction.Summary, Engine.Training.Experiments.Griffin.GriffinReproduction.Run),
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
