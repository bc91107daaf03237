// The CLI as a user meets it: help for every command, and one line plus exit code 2 for any mistake.
using Engine.Training.Cli;
using Engine.Training.Tests.Data;
using Xunit;

namespace Engine.Training.Tests.Cli;

[CollectionDefinition("Console", DisableParallelization = true)]
public class ConsoleCollection;

[Collection("Console")]
public class CliTests
{
    [Theory]
    [InlineData(new[] { "train", "--steps", "abc" }, "--steps must be an integer")]
    [InlineData(new[] { "train", "--bogus", "1" }, "unknown option --bogus")]
    [InlineData(new[] { "train", "--lr" }, "--lr needs a value")]
    [InlineData(new[] { "train", "--data", "/no/such/place" }, "no such file or folder")]
    [InlineData(new[] { "train", "--model", "nope", "--time", "1" }, "unknown preset 'nope'")]
    [InlineData(new[] { "train", "--resume", "/no/such/checkpoint.safetensors" }, "no checkpoint at")]
    [InlineData(new[] { "sample" }, "--checkpoint is required")]
    [InlineData(new[] { "eval", "--checkpoint", "/nowhere" }, "no checkpoint at")]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    public void UserMistakesGiveOneLineAndExitCode2(string[] args, string expected)
    {
        var (code, _, stderr) = CliCapture.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void ARunFolderIsNeverOverwrittenByAccident()
    {
        using var dir = new TempDirectory();
        string corpus = Path.Combine(dir.Path, "text.txt");
        File.WriteAllText(corpus, string.Concat(Enumerable.Repeat("a small corpus for a small test. ", 100)));
        string run = Path.Combine(dir.Path, "run");
        string[] args = ["train", "--data", corpus, "--run", run, "--model", "bigram", "--steps", "3", "--time", "0", "--batch", "2", "--seq", "8", "--sample-length", "0"];
        Assert.Equal(0, CliCapture.Run(args).Code);
        byte[] before = File.ReadAllBytes(Path.Combine(run, "checkpoint.safetensors"));
        var (code, _, stderr) = CliCapture.Run(args);
        Assert.Equal(2, code);
        Assert.Contains("already holds a checkpoint", stderr);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(run, "checkpoint.safetensors")));
        Assert.Equal(0, CliCapture.Run([.. args, "--overwrite"]).Code);
        (code, _, stderr) = CliCapture.Run(["train", "--resume", run, "--steps", "2"]);
        Assert.Equal(2, code);
        Assert.Contains("must be later", stderr);
    }

    [Fact]
    public void AFileWhereTheRunFolderShouldBeIsOneLineNotAStackTrace()
    {
        using var dir = new TempDirectory();
        string blocker = Path.Combine(dir.Path, "blocker");
        File.WriteAllText(blocker, "not a folder");
        string corpus = Path.Combine(dir.Path, "text.txt");
        File.WriteAllText(corpus, string.Concat(Enumerable.Repeat("text ", 200)));
        var (code, _, stderr) = CliCapture.Run(["train", "--data", corpus, "--run", blocker, "--model", "bigram", "--steps", "2", "--time", "0"]);
        Assert.Equal(2, code);
        Assert.StartsWith("engine: ", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("sample")]
    [InlineData("eval")]
    public void EveryCommandHasHelp(string command)
    {
        var (code, stdout, _) = CliCapture.Run([command, "--help"]);
        Assert.Equal(0, code);
        Assert.Contains($"usage: engine {command}", stdout);
    }

    [Fact]
    public void TrainSampleEvalAndResumeFromTheCommandLine()
    {
        using var dir = new TempDirectory();
        string corpus = Path.Combine(dir.Path, "text.txt");
        File.WriteAllText(corpus, string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog. ", 200)));
        string run = Path.Combine(dir.Path, "run");
        string[] common = ["--data", corpus, "--run", run, "--model", "bigram", "--steps", "20", "--time", "0", "--batch", "2", "--seq", "16", "--eval-every", "10", "--separator", "\\n%\\n"];
        var (code, stdout, stderr) = CliCapture.Run(["train", .. common, "--stop-at", "10", "--sample-length", "0"]);
        Assert.True(code == 0, stderr);
        Assert.Contains("stopping at step 10", stdout);
        Assert.Equal("\n%\n", Engine.Training.Lm.LmRunConfig.FromJson(File.ReadAllText(Path.Combine(run, "config.json")), "config.json").DocumentSeparator);
        (code, stdout, stderr) = CliCapture.Run(["train", "--resume", run, "--sample-length", "30"]);
        Assert.True(code == 0, stderr);
        Assert.Contains("resumed from", stdout);
        (code, _, stderr) = CliCapture.Run(["train", "--resume", run, "--lr", "0.1"]);
        Assert.Equal(2, code);
        Assert.Contains("--lr cannot change when resuming", stderr);
        Assert.Contains("--- sample", stdout);
        (code, stdout, stderr) = CliCapture.Run(["sample", "--checkpoint", run, "--prompt", "the ", "--length", "20"]);
        Assert.True(code == 0, stderr);
        Assert.StartsWith("the ", stdout);
        (code, stdout, stderr) = CliCapture.Run(["eval", "--checkpoint", run, "--split", "train", "--batches", "2"]);
        Assert.True(code == 0, stderr);
        Assert.Contains("bits/byte", stdout);
    }
}

/// <summary>Runs the CLI with its console output captured.</summary>
internal static class CliCapture
{
    public static (int Code, string Stdout, string Stderr) Run(string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try { return (Program.Main(args), stdout.ToString(), stderr.ToString()); }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}
