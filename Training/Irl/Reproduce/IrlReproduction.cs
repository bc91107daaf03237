// `engine reproduce irl`: Wulfmeier et al. 2024, "Imitating Language via Scalable Inverse RL", on a CPU
// budget (specs/irl-rl.md F A-2..A-5): the tabular tree language's validity–entropy frontier, then the
// shortest-path language on a small Griffin (SFT checkpoint, MLE vs IQLearn fine-tuning, offline and
// online, small-data overfitting, reward correlation, step cost). Writes results.md, SVG plots and
// metrics.json to the output folder and prints one PASS/FAIL line per claim.
using System.Globalization;
using System.Text.Json;
using Engine.Training.Cli;

namespace Engine.Training.Irl.Reproduce;

public static class IrlReproduction
{
    private const string Help = """
        usage: engine reproduce irl [options]

        IQLearn as TD-regularised MLE against MLE and MLE + entropy (Wulfmeier et al. 2024): a tabular tree
        language (exact validity-entropy frontier) and the shortest-path language on a small Griffin.
        The default (quick) scale takes a few minutes on 2 cores.

        options:
          --seeds N        seeds per configuration (default 3)
          --part NAME      all, tabular or neural (default all)
          --scale NAME     quick (default) or full (spec sizes: longer training, more λ values)
          --out DIR        output folder (default runs/reproduce-irl)
          --device NAME    cpu, cuda or ilgpu-cpu: where the neural part's Griffin, its batches and Adam's state
                           live (default cpu); the tabular part always runs on the cpu

        overrides of the scale's sizes:
          --tabular-steps N, --tabular-lr X            full-batch Adam steps and peak learning rate (tabular)
          --pretrain-steps N, --finetune-steps N, --small-steps N, --width N   (neural)
        """;

    public static int Run(string[] args)
    {
        var a = new Arguments("reproduce irl", args, new HashSet<string> { "help" });
        if (a.Has("help"))
        {
            Console.WriteLine(Help);
            return 0;
        }
        int seeds = a.Int("seeds", 3, 1, 100);
        string part = a.String("part") ?? "all";
        string scale = a.String("scale") ?? "quick";
        string outDir = a.String("out") ?? Path.Combine("runs", "reproduce-irl");
        if (part is not ("all" or "tabular" or "neural")) throw new UsageException($"reproduce irl: --part must be all, tabular or neural, got '{part}'");
        if (scale is not ("quick" or "full")) throw new UsageException($"reproduce irl: --scale must be quick or full, got '{scale}'");
        var (tabular, neural) = Settings(scale);
        tabular = tabular with { Steps = a.Int("tabular-steps", tabular.Steps, 1), LearningRate = a.Double("tabular-lr", tabular.LearningRate, 1e-9, 10) };
        neural = neural with
        {
            PretrainSteps = a.Int("pretrain-steps", neural.PretrainSteps, 0),
            FinetuneSteps = a.Int("finetune-steps", neural.FinetuneSteps, 1),
            SmallDataSteps = a.Int("small-steps", neural.SmallDataSteps, 1),
            Width = a.Int("width", neural.Width, 8, 1024),
        };
        string deviceName = a.DeviceName();
        a.RejectUnknown();
        neural = neural with { Device = Engine.Tensors.Device.Parse(deviceName) };
        Execute(tabular, neural, seeds, part, outDir, Console.WriteLine);
        Console.WriteLine($"wrote {Path.Combine(outDir, "results.md")} and the SVG plots beside it");
        return 0;
    }

    public static (TabularSettings Tabular, NeuralSettings Neural) Settings(string scale) => scale == "full"
        ? (new TabularSettings(Steps: 20000, LearningRate: 0.05),
           new NeuralSettings { Width = 64, Blocks = 3, PretrainSteps = 800, FinetuneSteps = 1500, BatchSize = 64, LearningRate = 3e-3, EvalEvery = 100,
               Lambdas = [0.03, 0.1, 0.3, 1], Betas = [0.01, 0.03, 0.1], SmallDataSteps = 1500 })
        : (new TabularSettings(), new NeuralSettings());

    /// <summary>Runs the chosen parts for seeds 1..seeds and writes the report into outDir.</summary>
    public static IrlReport Execute(TabularSettings tabular, NeuralSettings neural, int seeds, string part, string outDir, Action<string> log)
    {
        Directory.CreateDirectory(outDir);
        var report = new IrlReport(tabular, neural);
        for (ulong seed = 1; seed <= (ulong)seeds; seed++)
        {
            if (part is "all" or "tabular")
            {
                var results = TabularTreeExperiment.Run(tabular, seed);
                report.Tabular.Add(results);
                foreach (var r in results)
                    log(string.Create(CultureInfo.InvariantCulture, $"tabular seed {seed} {r.Variant} {r.Strength:G}: validity {r.Validity:F4}, entropy {r.Entropy:F3}"));
            }
            if (part is "all" or "neural")
            {
                var result = ShortestPathExperiment.Run(neural, seed, log);
                report.Neural.Add(result.Main);
                report.SmallData.Add(result.SmallData);
                report.StepCosts.Add((result.MleStepMs, result.IqLearnStepMs));
            }
        }
        report.Write(outDir, log);
        File.WriteAllText(Path.Combine(outDir, "metrics.json"), JsonSerializer.Serialize(new
        {
            tabular = report.Tabular,
            neural = report.Neural.Select(seedResults => seedResults.Select(r => new
            {
                r.Variant, r.Validity, r.DistinctRatio, r.SelfBleu2, r.SequenceEntropy, r.HeldOutNll, r.SpearmanUndiscounted,
                r.SpearmanDiscounted, r.SecondsPerStep, curve = r.NllCurve.Select(c => new[] { c.Step, c.Nll }),
            })),
            step_cost_ms = report.StepCosts.Select(c => new { mle = c.Mle, iqlearn = c.IqLearn }),
            small_data = report.SmallData.Select(seedResults => seedResults.Select(r => new { r.Variant, curve = r.NllCurve.Select(c => new[] { c.Step, c.Nll }) })),
        }, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        return report;
    }
}
