// `engine train`: runs the default training job and prints its loss curve.
using System.Diagnostics;
using System.Globalization;
using Engine.Training.Experiments;

namespace Engine.Training.Cli;

public static class TrainCommand
{
    private const string Help = """
        usage: engine train [options]

        Trains a tanh MLP on a generated three-class spiral (full batch, SGD with momentum) and prints
        the loss curve and training accuracy.

        options:
          --steps N        training steps (default 1500)
          --hidden N       hidden width (default 64)
          --lr X           learning rate (default 0.2)
          --seed N         data and initialisation seed (default 1)
          --log-every N    print a line every N steps (default 100)
        """;

    public static int Run(string[] args)
    {
        var a = new Arguments("train", args, new HashSet<string> { "help" });
        if (a.Has("help"))
        {
            Console.WriteLine(Help);
            return 0;
        }
        var config = new SpiralConfig(
            Steps: a.Int("steps", 1500, 1, 1_000_000),
            Hidden: a.Int("hidden", 64, 1, 4096),
            LearningRate: a.Double("lr", 0.2, 0, 100),
            Seed: (ulong)a.Int("seed", 1, 0));
        int logEvery = a.Int("log-every", 100, 1);
        a.RejectUnknown();

        Console.WriteLine($"training a {config.Hidden}-wide MLP on {config.PointsPerClass * config.Classes} spiral points for {config.Steps} steps");
        var clock = Stopwatch.StartNew();
        var curve = new List<double>();
        SpiralStep? last = null;
        foreach (var step in SpiralMlp.Train(config))
        {
            last = step;
            curve.Add(step.Loss);
            if (step.Step % logEvery == 0 || step.Step == 1 || step.Step == config.Steps)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {step.Step,6}  loss {step.Loss,8:F4}  accuracy {step.Accuracy,6:P1}"));
        }
        Console.WriteLine($"loss curve: {Sparkline(curve, 60)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done in {clock.Elapsed.TotalSeconds:F1} s; final loss {last!.Loss:F4}, accuracy {last.Accuracy:P1}"));
        return 0;
    }

    /// <summary>The curve resampled to width points and drawn with block characters (high = tall).</summary>
    private static string Sparkline(List<double> values, int width)
    {
        const string bars = "▁▂▃▄▅▆▇█";
        double min = values.Min(), max = values.Max();
        var chars = new char[Math.Min(width, values.Count)];
        for (int i = 0; i < chars.Length; i++)
        {
            double v = values[(int)((long)i * values.Count / chars.Length)];
            int level = max > min ? (int)Math.Round((v - min) / (max - min) * (bars.Length - 1)) : 0;
            chars[i] = bars[level];
        }
        return new string(chars);
    }
}
