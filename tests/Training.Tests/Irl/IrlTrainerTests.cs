// Training on JSONL prompt/response pairs: bad lines are named by number, IRL objectives need pair data,
// online IQLearn with mix-in 0 reproduces the offline run bit for bit (while a positive mix-in changes
// it), a resumed run continues the identical trajectory, and `engine train --objective iqlearn` learns.
using Engine.Training.Irl;
using Engine.Training.Lm;
using Engine.Training.Reporting;
using Engine.Training.Tests.Cli;
using Engine.Training.Tests.Data;
using Xunit;

namespace Engine.Training.Tests.Irl;

[Collection("Console")]
public class IrlTrainerTests
{
    private static string WritePairs(TempDirectory dir, int count = 40)
    {
        string path = dir.File("pairs.jsonl");
        var rng = new Random(7);
        var lines = Enumerable.Range(0, count).Select(_ =>
        {
            string prompt = new([.. Enumerable.Range(0, 2).Select(_ => "abcd"[rng.Next(4)])]);
            string response = string.Concat(Enumerable.Repeat(prompt[0] == 'a' ? "xy" : "yz", 1 + rng.Next(2)));
            return $"{{\"prompt\": \"{prompt}\", \"response\": \"{response}\"}}";
        });
        File.WriteAllLines(path, lines);
        return path;
    }

    private static LmRunConfig Config(string data, double? mixIn = null) => new()
    {
        Model = "bigram", Data = data, Objective = "iqlearn", Lambda = 0.3, Gamma = 0.9, MixIn = mixIn, ResponseLimit = 6,
        BatchSize = 8, SequenceLength = 16, Steps = 10, TimeLimitSeconds = 0, LearningRate = 0.05, MinLearningRate = 0.005,
        WarmupSteps = 2, EvalEvery = 5, CheckpointEvery = 100, Seed = 3,
    };

    private static Progress Quiet() => new(TextWriter.Null, interactive: false, logEvery: 1000);

    [Theory]
    [InlineData("{\"prompt\": \"a\", \"response\": \"b\"}\n\n{\"prompt\": \"a\"}", ":3: missing \"response\"")]
    [InlineData("{\"prompt\": \"a\", \"response\": 5}", ":1: \"response\" must be a string")]
    [InlineData("{\"prompt\": \"a\", \"response\": \"b\"}\nnot json", ":2: not valid JSON")]
    [InlineData("[1, 2]", ":1: expected an object")]
    public void BadJsonlLinesAreNamedByLineNumber(string content, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.File("bad.jsonl");
        File.WriteAllText(path, content);
        var (code, _, stderr) = CliCapture.Run(["train", "--data", path, "--objective", "iqlearn", "--model", "bigram", "--steps", "2",
            "--time", "0", "--run", Path.Combine(dir.Path, "run")]);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void PromptResponseTrainingOffTheCpuIsOneClearLine()
    {
        using var dir = new TempDirectory();
        string path = dir.File("pairs.jsonl");
        File.WriteAllText(path, "{\"prompt\": \"a\", \"response\": \"b\"}\n");
        var (code, _, stderr) = CliCapture.Run(["train", "--data", path, "--model", "bigram", "--steps", "2", "--time", "0",
            "--device", "ilgpu-cpu", "--run", Path.Combine(dir.Path, "run")]);
        Assert.Equal(2, code);
        Assert.Contains("--device ilgpu-cpu is not supported with prompt/response data", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void IrlObjectivesNeedPromptResponseData()
    {
        using var dir = new TempDirectory();
        string text = dir.File("text.txt");
        File.WriteAllText(text, "plain text");
        var (code, _, stderr) = CliCapture.Run(["train", "--data", text, "--objective", "iqlearn", "--model", "bigram", "--time", "0"]);
        Assert.Equal(2, code);
        Assert.Contains("needs --data FILE.jsonl", stderr);
        (code, _, stderr) = CliCapture.Run(["train", "--data", text, "--objective", "sft", "--time", "0"]);
        Assert.Equal(2, code);
        Assert.Contains("--objective must be one of", stderr);
    }

    [Fact]
    public void OnlineWithMixInZeroReproducesTheOfflineRunBitForBit()
    {
        using var dir = new TempDirectory();
        string data = WritePairs(dir);
        var offline = IrlTrainer.Run(Config(data), Path.Combine(dir.Path, "offline"), Quiet());
        var online = IrlTrainer.Run(Config(data, mixIn: 0), Path.Combine(dir.Path, "online"), Quiet());
        var mixed = IrlTrainer.Run(Config(data, mixIn: 0.5), Path.Combine(dir.Path, "mixed"), Quiet());
        Assert.Equal(offline.TrainLosses, online.TrainLosses);
        Assert.Equal(Parameters(offline), Parameters(online));
        Assert.NotEqual(offline.TrainLosses[^1], mixed.TrainLosses[^1]);
    }

    [Fact]
    public void AResumedRunReproducesTheUninterruptedRun()
    {
        using var dir = new TempDirectory();
        var config = Config(WritePairs(dir));
        var straight = IrlTrainer.Run(config, Path.Combine(dir.Path, "straight"), Quiet());
        string resumedDir = Path.Combine(dir.Path, "resumed");
        IrlTrainer.Run(config, resumedDir, Quiet(), stopAtStep: 4);
        string checkpointPath = LmTrainer.CheckpointPath(resumedDir);
        var resumed = IrlTrainer.Run(config, resumedDir, Quiet(), LmCheckpoint.Load(checkpointPath), checkpointPath);
        Assert.Equal(straight.TrainLosses.Skip(4), resumed.TrainLosses);
        Assert.Equal(Parameters(straight), Parameters(resumed));
    }

    [Fact]
    public void TrainCommandLearnsWithIqLearnOnJsonl()
    {
        using var dir = new TempDirectory();
        string data = WritePairs(dir);
        string run = Path.Combine(dir.Path, "run");
        var (code, stdout, stderr) = CliCapture.Run(["train", "--data", data, "--objective", "iqlearn", "--lambda", "0.3", "--gamma", "0.9",
            "--model", "bigram", "--steps", "40", "--time", "0", "--batch", "8", "--lr", "0.05", "--eval-every", "20", "--run", run,
            "--response-limit", "8"]);
        Assert.True(code == 0, stderr);
        Assert.Contains("held-out response NLL", stdout);
        Assert.True(File.Exists(Path.Combine(run, "metrics.jsonl")) && File.Exists(Path.Combine(run, "curves.svg")));
        var losses = File.ReadAllLines(Path.Combine(run, "metrics.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("train_loss").GetDouble()).ToList();
        Assert.True(losses[^5..].Average() < losses[..5].Average() - 0.5, $"loss {losses[0]:F3} -> {losses[^1]:F3}");
    }

    private static double[][] Parameters(IrlRunResult result) =>
        [.. result.Model.Parameters().Select(p => p.Data.ToDoubleArray())];
}
