// `engine reproduce skills` (Training/Rl/Skills/SkillsExperiment.cs) from the command line: --quick is a
// switch whose budget explicit options override, and user mistakes are one line with exit code 2.
using Engine.Training.Tests.Cli;
using Engine.Training.Tests.Data;
using Xunit;

namespace Engine.Training.Tests.Rl;

[Collection("Console")]
public class SkillsCommandTests
{
    [Fact]
    public void QuickIsASwitchThatExplicitOptionsOverride()
    {
        using var dir = new TempDirectory();
        var (code, _, stderr) = CliCapture.Run(["reproduce", "skills", "--quick", "--grids", "4", "--methods", "vic", "--seeds", "1",
            "--iterations", "100", "--out", dir.Path]);
        Assert.True(code == 0, stderr);
        var rows = File.ReadAllLines(Path.Combine(dir.Path, "skills.csv")).Skip(1).Select(line => line.Split(',')).ToArray();
        Assert.Single(rows);   // one evaluation: 100 iterations of 64 episodes, one seed, one method, one grid
        Assert.Equal(["4x4", "16", "vic", "0", "6400"], rows[0][..5]);
    }

    [Theory]
    [InlineData(new[] { "--quick", "--seeds", "0" }, "--seeds must be an integer in [1, 100], got '0'")]
    [InlineData(new[] { "--grids", "6" }, "--grids takes 4 and/or 5, got '6'")]
    [InlineData(new[] { "--quick", "--speedy", "1" }, "unknown option --speedy")]
    public void BadOptionsAreOneLineWithExitCodeTwo(string[] options, string message)
    {
        var (code, stdout, stderr) = CliCapture.Run(["reproduce", "skills", .. options]);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(message, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }
}
