// The training loop on a small generated corpus: it learns, it writes the run folder, and a run resumed
// from a checkpoint reproduces the uninterrupted run's losses and parameters bit for bit.
using Engine.Training.Tests.Data;
using Engine.Training.Lm;
using Engine.Training.Reporting;
using Xunit;

namespace Engine.Training.Tests.Lm;

public class LmTrainerTests
{
    private static string MakeCorpus(TempDirectory dir)
    {
        string folder = Path.GetDirectoryName(dir.File("corpus/x"))!;
        var rng = new Random(3);
        string[] words = ["alpha", "beta", "gamma", "delta", "the", "engine", "learns", "bytes"];
        for (int d = 0; d < 12; d++)
            File.WriteAllText(Path.Combine(folder, $"doc{d:D2}.txt"),
                string.Join(' ', Enumerable.Range(0, 150).Select(_ => words[rng.Next(words.Length)])) + ".\n");
        return folder;
    }

    private static LmRunConfig Config(string data) => new()
    {
        Model = "bigram", Data = data, BatchSize = 4, SequenceLength = 16, Steps = 12, TimeLimitSeconds = 0,
        LearningRate = 0.05, MinLearningRate = 0.005, WarmupSteps = 2, EvalEvery = 4, EvalBatches = 2, CheckpointEvery = 100, Seed = 5,
    };

    private static Progress Quiet() => new(TextWriter.Null, interactive: false, logEvery: 1000);

    [Fact]
    public void ResumedRunReproducesTheUninterruptedRunBitForBit()
    {
        using var dir = new TempDirectory();
        var config = Config(MakeCorpus(dir));
        var straight = LmTrainer.Run(config, Path.Combine(dir.Path, "straight"), Quiet());

        string resumedDir = Path.Combine(dir.Path, "resumed");
        var first = LmTrainer.Run(config, resumedDir, Quiet(), stopAtStep: 5);
        Assert.Equal(5, first.FinalStep);
        string path = LmTrainer.CheckpointPath(resumedDir);
        var checkpoint = LmCheckpoint.Load(path);
        var second = LmTrainer.Run(checkpoint.Config, resumedDir, Quiet(), checkpoint, path);

        Assert.Equal(12, second.FinalStep);
        Assert.Equal(straight.TrainLosses, first.TrainLosses.Concat(second.TrainLosses).ToList());
        var expected = straight.Model.NamedParameters().ToDictionary(p => p.Key, p => p.Value.Data.ToArray<float>());
        foreach (var (name, p) in second.Model.NamedParameters())
            Assert.Equal(expected[name], p.Data.ToArray<float>());
        var steps = File.ReadAllLines(Path.Combine(resumedDir, "metrics.jsonl")).Length;
        Assert.Equal(12, steps);
    }

    [Fact]
    public void TrainingLowersTheLossAndWritesTheRunFolder()
    {
        using var dir = new TempDirectory();
        var config = Config(MakeCorpus(dir)) with { Steps = 60, EvalEvery = 20 };
        string run = Path.Combine(dir.Path, "run");
        var result = LmTrainer.Run(config, run, Quiet());
        Assert.True(result.TrainLosses.TakeLast(10).Average() < result.TrainLosses.Take(5).Average() - 1.0,
            $"loss went from {result.TrainLosses[0]} to {result.TrainLosses[^1]}");
        Assert.NotNull(result.ValidationLoss);
        foreach (var file in new[] { "config.json", "metrics.jsonl", "curves.svg", LmTrainer.CheckpointFile })
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} is missing");
        string svg = File.ReadAllText(Path.Combine(run, "curves.svg"));
        Assert.StartsWith("<svg", svg);
        Assert.Contains("validation (last", svg);
        Assert.Equal(config, LmRunConfig.FromJson(File.ReadAllText(Path.Combine(run, "config.json")), "config.json"));
    }

    [Fact]
    public void SamplingIsSeededAndStopsAtTheRequestedLength()
    {
        using var dir = new TempDirectory();
        var result = LmTrainer.Run(Config(MakeCorpus(dir)) with { Steps = 30 }, Path.Combine(dir.Path, "run"), Quiet());
        var a = TextSampler.Continue(result.Model, "the ", 40, new SamplingOptions(Seed: 9));
        var b = TextSampler.Continue(result.Model, "the ", 40, new SamplingOptions(Seed: 9));
        Assert.Equal(a, b);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(a) <= 40);
        var greedy = TextSampler.Continue(result.Model, "the ", 10, new SamplingOptions(Temperature: 0));
        Assert.Equal(greedy, TextSampler.Continue(result.Model, "the ", 10, new SamplingOptions(Temperature: 0, Seed: 77)));
    }

    [Fact]
    public void BadConfigsAreRejectedWithTheSettingNamed()
    {
        Assert.Contains("batch size", Assert.Throws<Engine.Tensors.EngineException>(() => new LmRunConfig { BatchSize = 0 }.Validated("t")).Message);
        Assert.Contains("unknown preset 'nope'", Assert.Throws<Engine.Tensors.EngineException>(() => new LmRunConfig { Model = "nope" }.Validated("t")).Message);
        Assert.Contains("invalid run config", Assert.Throws<Engine.Tensors.EngineException>(() => LmRunConfig.FromJson("{\"batch_sizee\": 3}", "x.json")).Message);
    }

    [Fact]
    public void ACorruptCheckpointGivesOneClearError()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "bad.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        var error = Assert.Throws<Engine.Tensors.EngineException>(() => LmCheckpoint.Load(path));
        Assert.Contains(path, error.Message);
    }
}
