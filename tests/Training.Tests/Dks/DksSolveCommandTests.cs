// `engine dks solve` (Training/Dks/DksSolveCommand.cs): solved parameters in text and JSON, one-line
// errors with exit code 2 for bad arguments and unreachable targets, and --help. Values are the
// spec's plain-chain table (dks-kfac.md A4).
using System.Text.Json;
using Engine.Training.Dks;
using Xunit;

namespace Engine.Training.Tests.Dks;

[Collection("Console")]
public class DksSolveCommandTests
{
    [Fact]
    public void PrintsDksParametersAsJson()
    {
        var (code, stdout, stderr) = Capture(() => DksSolveCommand.Run(["solve", "--activation", "tanh", "--depth", "50", "--zeta", "1.5", "--json"]));
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("DKS", root.GetProperty("method").GetString());
        Assert.Equal(0.1284405, root.GetProperty("input_scale").GetDouble(), 1e-6);
        Assert.Equal(0.5707795, root.GetProperty("input_shift").GetDouble(), 1e-6);
        Assert.Equal(-0.5098072, root.GetProperty("output_shift").GetDouble(), 1e-6);
        Assert.Equal(10.6044476, root.GetProperty("output_scale").GetDouble(), 1e-6);
    }

    [Fact]
    public void PrintsTatLeakyReluSlopeAsText()
    {
        var (code, stdout, stderr) = Capture(() => DksSolveCommand.Run(["--activation", "leaky_relu", "--depth", "50", "--eta", "0.9"]));
        Assert.True(code == 0, stderr);
        Assert.Contains("TAT leaky_relu, depth 50, eta 0.9", stdout);
        Assert.Contains("negative_slope (s)    0.43052", stdout);
        Assert.Contains("output_scale (gamma)  1.29894", stdout);
    }

    [Theory]
    [InlineData(new[] { "--depth", "10" }, "--activation is required")]
    [InlineData(new[] { "--activation", "tanh" }, "--depth is required")]
    [InlineData(new[] { "--activation", "mish", "--depth", "10" }, "unknown activation 'mish'")]
    [InlineData(new[] { "--activation", "tanh", "--depth", "0" }, "--depth must be an integer")]
    [InlineData(new[] { "--activation", "tanh", "--depth", "10", "--zeta", "0.5" }, "must be a finite number above 1")]
    [InlineData(new[] { "--activation", "tanh", "--depth", "10", "--zeta", "2", "--tau", "0.3" }, "at most one of")]
    [InlineData(new[] { "--activation", "tanh", "--depth", "10", "--eta", "0.9" }, "--eta applies to leaky_relu only")]
    [InlineData(new[] { "--activation", "relu", "--depth", "10", "--tau", "0.3" }, "TAT cannot transform relu")]
    [InlineData(new[] { "--activation", "leaky_relu", "--depth", "10", "--eta", "0.9" }, "unreachable")]
    [InlineData(new[] { "--activation", "tanh", "--depth", "10", "--colour", "red" }, "unknown option --colour")]
    public void BadArgumentsPrintOneLineAndReturnTwo(string[] args, string message)
    {
        var (code, stdout, stderr) = Capture(() => DksSolveCommand.Run(args));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(message, stderr);
        Assert.StartsWith("dks solve: ", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public void HelpPrintsUsageAndReturnsZero()
    {
        var (code, stdout, _) = Capture(() => DksSolveCommand.Run(["--help"]));
        Assert.Equal(0, code);
        Assert.Contains("usage: engine dks solve", stdout);
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
