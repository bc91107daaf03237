// `engine reproduce <experiment>`: the paper reproductions. Each experiment owns its options, its quick
// default and its outputs (metrics, SVG plots, a Markdown table); this file only lists and dispatches them.
// The reproductions that train neural models read --device themselves, as `engine train` does
// (Arguments.DeviceName, then Device.Parse); for the others this file accepts --device cpu and refuses any
// other device with the reason they stay on the CPU.
namespace Engine.Training.Cli;

public static class ReproduceCommand
{
    /// <summary>CpuOnly, when set, says why the experiment does not take --device.</summary>
    private sealed record Experiment(string Name, string Summary, Func<string[], int> Run, string? CpuOnly = null);

    private const string TinyRl = "its tabular learners and tiny networks take one environment step at a time, so kernel launches and copies would dominate; it runs on the cpu only";

    // One line per experiment, in the order `engine reproduce --help` lists them.
    private static readonly Experiment[] Experiments =
    [
        new("dks", "deep vanilla MLPs on Fashion-MNIST: standard vs TAT init, SGD vs K-FAC (DKS/TAT papers)", Dks.Reproduce.DksReproduceCommand.Run),
        new("irl", "IQLearn as TD-regularised MLE vs MLE (Wulfmeier et al. 2024): tabular tree and shortest-path languages", Irl.Reproduce.IrlReproduction.Run),
        new("convex-mdp", "Zahavy et al. 2021: convex MDPs as a cost/policy game, averaged vs last iterate", Rl.ConvexMdp.ConvexMdpExperiment.Run,
            "it solves small tabular MDPs exactly (no neural model); it runs on the cpu only"),
        new("skills", "APART (Schreiber Galler et al. 2023): VIC, the simplified method and APART on 4x4 and 5x5 grids", Rl.Skills.SkillsExperiment.Run, TinyRl),
        new("griffin", Engine.Training.Experiments.Griffin.GriffinReproduction.Summary, Engine.Training.Experiments.Griffin.GriffinReproduction.Run),
        new("priors", Rl.Priors.PriorsReproduction.Summary, Rl.Priors.PriorsReproduction.Run, TinyRl),
        new("iwpla", Rl.Iwpla.IwplaReproduction.Summary, Rl.Iwpla.IwplaReproduction.Run, TinyRl),
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
        var rest = Arguments.Tail(args);
        return experiment.Run(experiment.CpuOnly is null ? rest : WithoutCpuDevice(experiment, rest));
    }

    /// <summary>The arguments without a --device cpu option; any other device is refused.</summary>
    private static string[] WithoutCpuDevice(Experiment experiment, string[] args)
    {
        int at = Array.IndexOf(args, "--device");
        if (at < 0) return args;
        var device = new Arguments($"reproduce {experiment.Name}", args[at..Math.Min(at + 2, args.Length)], new HashSet<string>());
        device.RequireCpuDevice(experiment.CpuOnly!);
        return [.. args[..at], .. args[(at + 2)..]];
    }

    private static string Help()
    {
        var lines = Experiments.Select(e => $"  {e.Name,-12} {e.Summary}");
        var onDevices = Experiments.Where(e => e.CpuOnly is null).Select(e => e.Name);
        return "usage: engine reproduce <experiment> [options]\n\nexperiments:\n" + string.Join('\n', lines)
            + $"\n\n{string.Join(", ", onDevices)} take --device cpu|cuda|ilgpu-cpu (where the models and batches live); the others run on the cpu"
            + "\n\nrun `engine reproduce <experiment> --help` for an experiment's options";
    }
}
