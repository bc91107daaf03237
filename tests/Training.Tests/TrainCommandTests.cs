// Smoke tests for the default training job and the CLI's handling of user mistakes.
using Engine.Training.Cli;
using Engine.Training.Experiments;
using Xunit;

namespace Engine.Training.Tests;

[Collection("Console")]
public class TrainCommandTests
{
    [Fact]
    public void SpiralMlpLearns()
    {
        var steps = SpiralMlp.Train(new SpiralConfig(Steps: 150, Hidden: 32)).ToList();
        Assert.Equal(150, steps.Count);
        Assert.True(steps[^1].Loss < 0.5 * steps[0].Loss, $"loss went from {steps[0].Loss} to {steps[^1].Loss}");
        Assert.True(steps[^1].Accuracy > 0.8, $"accuracy {steps[^1].Accuracy}");
    }

    [Fact]
    public void TrainingIsReproducible()
    {
        var a = SpiralMlp.Train(new SpiralConfig(Steps: 5, Hidden: 8, Seed: 7)).Select(s => s.Loss).ToArray();
        var b = SpiralMlp.Train(new SpiralConfig(Steps: 5, Hidden: 8, Seed: 7)).Select(s => s.Loss).ToArray();
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData(new[] { "train", "--steps", "abc" }, "--steps must be an integer")]
    [InlineData(new[] { "train", "--bogus", "1" }, "unknown option --bogus")]
    [InlineData(new[] { "train", "--lr" }, "--lr needs a value")]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    public void UserMistakesGiveOneLineAndExitCode2(string[] args, string expected)
    {
        var (code, stdout, stderr) = Capture(() => Program.Main(args));
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void TrainPrintsALossCurve()
    {
        var (code, stdout, _) = Capture(() => Program.Main(["train", "--steps", "20", "--hidden", "8", "--log-every", "10"]));
        Assert.Equal(0, code);
        Assert.Contains("step     10", stdout);
        Assert.Contains("loss curve:", stdout);
    }

    private static (int Code, string Stdout, string Stderr) Capture(Func<int> run)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try { return (run(), stdout.ToString(), stderr.ToString()); }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}
