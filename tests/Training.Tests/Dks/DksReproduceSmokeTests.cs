// Smoke version of `engine reproduce dks` on generated images (seconds): every arm trains, the outputs
// are written and parse, and the command's user mistakes (missing data, unknown arm, out-of-range
// numbers) are one line with exit code 2. The real run is `engine reproduce dks` on Fashion-MNIST (docs/papers/dks.md).
using System.Text.Json;
using Engine.Tensors;
using Engine.Training.Dks.Reproduce;
using Engine.Training.Tests.Cli;
using Engine.Training.Tests.Data;
using Xunit;

namespace Engine.Training.Tests.Dks;

[Collection("Console")]
public class DksReproduceSmokeTests
{
    /// <summary>Three classes of 4 x 4 images, each class brighter in a different quarter, plus noise.</summary>
    private static ImageDataset GeneratedData()
    {
        var rng = new Generator(7);
        (NDArray Images, NDArray Labels) Make(int n)
        {
            var noise = rng.Uniform([n, 4, 4], 0, 0.3, DType.Float64).ToArray<double>();
            var labels = new long[n];
            for (int i = 0; i < n; i++)
            {
                labels[i] = i % 3;
                int quarterRow = (int)labels[i] / 2 * 2, quarterCol = (int)labels[i] % 2 * 2;
                for (int r = 0; r < 2; r++)
                    for (int c = 0; c < 2; c++) noise[i * 16 + (quarterRow + r) * 4 + quarterCol + c] += 0.7;
            }
            return (NDArray.FromArray(noise, n, 4, 4).ToDType(DType.Float32), NDArray.FromArray(labels, n));
        }
        var (trainImages, trainLabels) = Make(96);
        var (testImages, testLabels) = Make(30);
        return DksReproduceCommand.Prepare(trainImages, trainLabels, testImages, testLabels, classes: 3);
    }

    [Fact]
    public void EveryArmTrainsAndTheReportIsWritten()
    {
        var data = GeneratedData();
        Assert.Equal(2 * 2 + 1, data.TrainInputs.Dim(1));
        var config = new DksExperimentConfig
        {
            Steps = 8, KfacSteps = 8, BatchSize = 16, Depth = 16, Width = 8, EvalEvery = 4,
            Kfac = new DksExperimentConfig().Kfac with { BurnInSteps = 2, InverseUpdatePeriod = 2 },
            KfacFixed = new DksExperimentConfig().KfacFixed with { BurnInSteps = 2, InverseUpdatePeriod = 2 },
        };
        var results = DksExperiment.Run(config, data, DksExperimentConfig.DefaultArms, _ => { });
        Assert.Equal(DksExperimentConfig.DefaultArms.Length, results.Count);
        foreach (var result in results)
        {
            Assert.False(result.Diverged, result.Arm.Name);
            Assert.Equal([0, 4, 8], result.Curve.Select(p => p.Step));
            Assert.All(result.Curve.Skip(1), p => Assert.True(double.IsFinite(p.TrainLoss) && p.TrainLoss > 0, $"{result.Arm.Name}: loss {p.TrainLoss}"));
            Assert.All(result.Curve, p => Assert.InRange(p.TestAccuracy, 0, 1));
            Assert.True(result.SecondsPerStep > 0);
        }
        using var dir = new TempDirectory();
        DksReport.Write(dir.Path, config, results, "generated 4 x 4 images");
        foreach (var file in DksReport.Files) Assert.True(File.Exists(Path.Combine(dir.Path, file)), file);
        var lines = File.ReadAllLines(Path.Combine(dir.Path, "metrics.jsonl"));
        Assert.Equal(results.Sum(r => r.Curve.Count), lines.Length);
        Assert.All(lines, line => Assert.Equal(JsonValueKind.String, JsonDocument.Parse(line).RootElement.GetProperty("arm").ValueKind));
        string table = File.ReadAllText(Path.Combine(dir.Path, "results.md"));
        Assert.Contains("| tat+kfac |", table);
        Assert.Contains("K-FAC step time / SGD step time", table);
        Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(dir.Path, "accuracy_vs_seconds.svg")));
    }

    [Fact]
    public void MissingDataPrintsTheInstallHint()
    {
        using var dir = new TempDirectory();
        var (code, _, stderr) = CliCapture.Run(["reproduce", "dks", "--data", dir.Path]);
        Assert.Equal(2, code);
        Assert.Contains("apt-get install dataset-fashion-mnist", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData(new[] { "--arms", "tat+adam" }, "unknown arm 'tat+adam'")]
    [InlineData(new[] { "--sgd-lr", "0" }, "--sgd-lr must be a number in")]
    [InlineData(new[] { "--steps", "-5" }, "--steps must be an integer in [1, 1000000], got '-5'")]
    [InlineData(new[] { "--batch", "200", "--train-examples", "100" }, "--batch 200 exceeds the 100 training examples")]
    [InlineData(new[] { "--depth", "2", "--arms", "tat+sgd" }, "η = 0.9 is unreachable")]
    public void BadOptionsAreRefusedBeforeAnyTraining(string[] options, string message)
    {
        var (code, _, stderr) = CliCapture.Run(["reproduce", "dks", .. options]);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
    }
}
