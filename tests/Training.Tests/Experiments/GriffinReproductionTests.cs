// `engine reproduce griffin --smoke` end to end (seconds), the families it compares, and the two synthetic
// tasks of Griffin §6.2 checked against their definitions by scanning each generated sequence.
using System.Text.Json;
using Engine.Models.Griffin;
using Engine.Nn.Functional;
using Engine.Tensors;
using Engine.Training.Experiments.Griffin;
using Engine.Training.Tests.Cli;
using Engine.Training.Tests.Data;
using Xunit;

namespace Engine.Training.Tests.Experiments;

[Collection("Console")]
public class GriffinReproductionTests
{
    [Fact]
    public void SmokeRunWritesEveryPartForEveryFamily()
    {
        using var dir = new TempDirectory();
        var (code, stdout, stderr) = CliCapture.Run(["reproduce", "griffin", "--smoke", "--out", dir.Path]);
        Assert.True(code == 0, stderr);
        Assert.Contains("results.md", stdout);
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "results.json"))).RootElement;
        string[] families = ["Griffin", "Hawk", "Mqa"];
        foreach (var part in new[] { "selective_copying", "induction_heads", "extrapolation", "step_time" })
        {
            var rows = json.GetProperty(part).EnumerateArray().ToList();
            Assert.Equal(families, rows.Select(r => r.GetProperty("Family").GetString()).Distinct());
        }
        foreach (var part in new[] { "selective_copying", "induction_heads" })
            foreach (var row in json.GetProperty(part).EnumerateArray())
                foreach (var accuracy in row.GetProperty("AccuracyByLength").EnumerateObject())
                    Assert.InRange(accuracy.Value.GetDouble(), 0, 1);
        Assert.Equal(2, json.GetProperty("induction_heads")[0].GetProperty("AccuracyByLength").EnumerateObject().Count());
        foreach (var row in json.GetProperty("extrapolation").EnumerateArray())
            Assert.All(row.GetProperty("WindowLoss").EnumerateObject(), l => Assert.True(l.Value.GetDouble() > 0));
        foreach (var plot in new[] { "selective-copying", "induction-heads", "extrapolation", "step-time" })
            Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(dir.Path, plot + ".svg")));
        string tables = File.ReadAllText(Path.Combine(dir.Path, "results.md"));
        Assert.Contains("## Induction heads", tables);
        Assert.Contains("MQA / Griffin", tables);
    }

    [Fact]
    public void OnePartRunsAlone()
    {
        using var dir = new TempDirectory();
        var (code, _, stderr) = CliCapture.Run(["reproduce", "griffin", "--smoke", "--parts", "step-time", "--out", dir.Path]);
        Assert.True(code == 0, stderr);
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "results.json"))).RootElement;
        Assert.Equal(JsonValueKind.Null, json.GetProperty("selective_copying").ValueKind);
        Assert.Equal(6, json.GetProperty("step_time").GetArrayLength());
    }

    [Theory]
    [InlineData(new[] { "reproduce", "griffin", "--parts", "copying" }, "unknown part 'copying'")]
    [InlineData(new[] { "reproduce", "griffin", "--steps", "0" }, "--steps must be an integer")]
    [InlineData(new[] { "reproduce", "griffin", "--bogus" }, "--bogus needs a value")]
    [InlineData(new[] { "reproduce", "nothing" }, "unknown experiment 'nothing'")]
    public void BadOptionsAreOneLine(string[] args, string expected)
    {
        var (code, stdout, stderr) = CliCapture.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void FamiliesHaveTheirPatternsAndMatchingSizes()
    {
        var size = new FamilySize(Blocks: 5, Width: 64, Heads: 2, LruWidth: 64, VocabSize: 18, GriffinWindow: 32);
        var griffin = FamilyConfigs.Config(Family.Griffin, size);
        var hawk = FamilyConfigs.Config(Family.Hawk, size);
        var mqa = FamilyConfigs.Config(Family.Mqa, size);
        // Griffin §6.2: the third of five blocks is Griffin's only (local) attention block.
        Assert.Equal([TemporalBlockType.Recurrent, TemporalBlockType.Recurrent, TemporalBlockType.Attention, TemporalBlockType.Recurrent, TemporalBlockType.Recurrent], griffin.BlockTypes);
        Assert.All(hawk.BlockTypes, t => Assert.Equal(TemporalBlockType.Recurrent, t));
        Assert.All(mqa.BlockTypes, t => Assert.Equal(TemporalBlockType.Attention, t));
        Assert.Equal(32, griffin.AttentionWindowSize);
        Assert.True(mqa.AttentionWindowSize >= 1 << 20);
        foreach (var other in new[] { hawk, mqa })
            Assert.InRange(other.ParameterCount(), 0.99 * griffin.ParameterCount(), 1.01 * griffin.ParameterCount());
    }

    [Fact]
    public void SelectiveCopyingAsksForTheDataTokensInOrder()
    {
        var task = new SelectiveCopying(symbols: 6, numData: 5);
        var batch = task.Sample(new Generator(7), batch: 50, length: 30);
        var inputs = batch.Inputs.ToArray<long>();
        var targets = batch.Targets.ToArray<long>();
        for (int b = 0; b < 50; b++)
        {
            var row = inputs.AsSpan(b * 30, 30).ToArray();
            var answers = targets.AsSpan(b * 30, 30).ToArray();
            var context = row[..25];
            var data = context.Where(t => t != 0).ToArray();
            Assert.Equal(5, data.Length);
            Assert.All(data, t => Assert.InRange(t, 1, 6));
            Assert.All(row[25..], t => Assert.Equal(7, t));
            Assert.Equal(data, answers[25..]);
            Assert.All(answers[..25], t => Assert.Equal(Losses.DefaultIgnoreIndex, t));
        }
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), batch.Positions.Select(0, 3).ToArray<long>());
    }

    [Fact]
    public void InductionHeadsAsksForTheTokenAfterTheFirstTrigger()
    {
        var task = new InductionHeads(symbols: 5);
        var batch = task.Sample(new Generator(11), batch: 200, length: 12);
        var inputs = batch.Inputs.ToArray<long>();
        var targets = batch.Targets.ToArray<long>();
        var firstTriggers = new HashSet<int>();
        for (int b = 0; b < 200; b++)
        {
            var row = inputs.AsSpan(b * 12, 12).ToArray();
            var answers = targets.AsSpan(b * 12, 12).ToArray();
            var triggers = Enumerable.Range(0, 12).Where(t => row[t] == 5).ToArray();
            Assert.Equal(2, triggers.Length);
            Assert.Equal(11, triggers[1]);
            Assert.True(triggers[0] <= 8);
            firstTriggers.Add(triggers[0]);
            Assert.Equal(row[triggers[0] + 1], answers[11]);
            Assert.All(answers[..11], t => Assert.Equal(Losses.DefaultIgnoreIndex, t));
        }
        Assert.Equal(9, firstTriggers.Count);
    }

    [Fact]
    public void TasksAreSeeded()
    {
        var task = new SelectiveCopying(symbols: 8, numData: 4);
        Assert.Equal(task.Sample(new Generator(3), 4, 16).Inputs.ToArray<long>(), task.Sample(new Generator(3), 4, 16).Inputs.ToArray<long>());
        Assert.NotEqual(task.Sample(new Generator(3), 4, 16).Inputs.ToArray<long>(), task.Sample(new Generator(4), 4, 16).Inputs.ToArray<long>());
    }
}
