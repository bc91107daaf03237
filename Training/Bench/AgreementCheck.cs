// `engine bench agreement --device cuda`: the GPU test subset as a command, for machines with a GPU but
// no .NET SDK (bench/gpu/run.sh): every registered op's forward and backward on the device against the
// reference backend (Autograd/Checking/DeviceAgreement), a few seeds each. Exit code 1 if any op differs.
//   engine bench agreement [--device cuda] [--seeds 3] [--tolerance 1e-5]
using System.Diagnostics;
using Engine.Autograd;
using Engine.Tensors;
using Engine.Training.Cli;

namespace Engine.Training.Bench;

public static class AgreementCheck
{
    public static int Run(string[] args)
    {
        var options = new Arguments("bench agreement", args, new HashSet<string>());
        var device = Device.Parse(options.String("device") ?? "cuda");
        int seeds = options.Int("seeds", 3, 1, 1000);
        double tolerance = options.Double("tolerance", 1e-5, 0, 1);
        options.RejectUnknown();
        int failed = 0;
        var clock = Stopwatch.StartNew();
        foreach (var op in OpRegistry.All)
        {
            string? problem = null;
            for (int seed = 0; seed < seeds && problem is null; seed++)
                problem = DeviceAgreement.Check(op, device, (ulong)(seed * 7919 + 1), tolerance);
            Console.WriteLine(problem is null ? $"ok    {op.Name}" : $"FAIL  {problem}");
            if (problem is not null) failed++;
        }
        Console.WriteLine($"{OpRegistry.All.Count - failed} passed, {failed} failed ({device}, {seeds} seeds per op, tolerance {tolerance:G}, {clock.Elapsed.TotalSeconds:F1} s)");
        return failed == 0 ? 0 : 1;
    }
}
