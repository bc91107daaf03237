// The reproduction's pieces: the shortest-path language's expert, validity and task metric on hand-checked
// cases, the tabular model's exact outcome distribution, and a seconds-long smoke run of
// `engine reproduce irl` that must write the report, the plots and a verdict line per claim.
using Engine.Tensors;
using Engine.Training.Irl;
using Engine.Training.Irl.Reproduce;
using Engine.Training.Irl.Tabular;
using Engine.Training.Tests.Data;
using Xunit;

namespace Engine.Training.Tests.Irl;

public class IrlReproductionTests
{
    private static readonly ShortestPathLanguage Grid = new(4);

    [Fact]
    public void ExpertDemonstrationsAreShortestPathsAndCoverEveryPath()
    {
        var draws = new IntegerDraws(5);
        // 0 (top left) to 5 (one right, one down): exactly two shortest paths, R D and D R.
        Assert.Equal([Grid.Bos, 0, 0, 1, 1], Grid.Prompt(0, 5));
        Assert.Equal((0, 5), Grid.Endpoints(Grid.Prompt(0, 5)));
        Assert.Equal(2, Grid.PathCount(0, 5));
        Assert.Equal(20, Grid.PathCount(0, 15));   // C(6, 3)
        var seen = new HashSet<string>();
        for (int i = 0; i < 40; i++)
        {
            var demo = Grid.ExpertDemonstration(0, 5, draws);
            Assert.True(Grid.IsValid(demo.Prompt, demo.Response));
            seen.Add(string.Join(',', demo.Response));
        }
        Assert.Equal(2, seen.Count);
        foreach (var (start, goal) in Grid.Pairs().Take(50))
        {
            var demo = Grid.ExpertDemonstration(start, goal, draws);
            Assert.True(Grid.IsValid(demo.Prompt, demo.Response));
            Assert.Equal(Grid.Distance(start, goal) + 1, demo.Response.Length);
        }
    }

    [Fact]
    public void ValidityAndTaskScoreOnHandCases()
    {
        int[] prompt = Grid.Prompt(0, 5);
        Assert.True(Grid.IsValid(prompt, [Grid.Right, Grid.Down, Grid.Eos]));
        Assert.False(Grid.IsValid(prompt, [Grid.Right, Grid.Down]));                       // no EOS
        Assert.False(Grid.IsValid(prompt, [Grid.Right, Grid.Left, Grid.Right, Grid.Down, Grid.Eos])); // reaches goal, too long
        Assert.Equal(0, Grid.TaskScore(prompt, [Grid.Right, Grid.Down, Grid.Eos]));
        Assert.Equal(-2, Grid.TaskScore(prompt, [Grid.Right, Grid.Left, Grid.Right, Grid.Down, Grid.Eos])); // 2 extra moves
        Assert.Equal(-2, Grid.TaskScore(prompt, [Grid.Eos]));                               // distance 2 left
        Assert.Equal(-2, Grid.TaskScore(prompt, [Grid.Up, Grid.Left, Grid.Eos]));           // off-grid moves stay at 0
    }

    [Fact]
    public void TabularOutcomesFormADistribution()
    {
        var model = new PrefixTreeModel(letters: 3, maxDepth: 3, new Generator(2), initStd: 1.0);
        var outcomes = model.Outcomes();
        Assert.Equal(1 + 3 + 9 + 27 + 81, outcomes.Count);   // EOS at depth 0..3, then 81 overflow outcomes
        Assert.Equal(1.0, outcomes.Sum(o => o.Probability), 12);
        Assert.Equal(40, model.StateCount);
    }

    [Fact]
    public void SmokeRunWritesTheReportPlotsAndAVerdictPerClaim()
    {
        using var dir = new TempDirectory();
        var tabular = new TabularSettings(Steps: 30, Demonstrations: 20, Betas: [0.1, 1], Lambdas: [0.3, 3]);
        var neural = new NeuralSettings
        {
            Width = 16, PretrainSteps = 3, FinetuneSteps = 3, SmallDataSteps = 3, EvalEvery = 2, BatchSize = 8,
            TrainPairs = 12, HeldOutPairs = 4, SamplesPerPrompt = 3, SmallDataPairs = 6, CostRepetitions = 1,
        };
        var lines = new List<string>();
        var report = IrlReproduction.Execute(tabular, neural, seeds: 1, "all", dir.Path, lines.Add);
        foreach (string file in new[] { "results.md", "metrics.json", "tabular-frontier.svg", "neural-frontier.svg", "small-data-nll.svg" })
            Assert.True(File.Exists(Path.Combine(dir.Path, file)), file);
        string[] ids = ["A-2 (i)", "A-2 (ii)", "A-2 (iii)", "A-3 (i)", "A-3 (ii)", "A-3 (iii)", "A-4", "A-5", "cost"];
        Assert.Equal(ids.Order(), report.Verdicts.Select(v => v.Id).Order());
        Assert.All(ids, id => Assert.Contains(lines, l => l.Contains($" {id}:", StringComparison.Ordinal)));
        Assert.All(report.Neural.SelectMany(r => r), r => Assert.InRange(r.Validity, 0, 1));
        Assert.All(report.Tabular.SelectMany(r => r), r => Assert.InRange(r.Validity, 0, 1 + 1e-9));
        Assert.Contains("± ", File.ReadAllText(Path.Combine(dir.Path, "results.md")));
    }
}
