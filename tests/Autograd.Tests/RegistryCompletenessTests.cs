// The registry must be complete: every method marked [Op] has a registry entry with a sampler (so it
// is property-tested), and every entry names a real [Op] method.
using System.Reflection;
using Xunit;

namespace Engine.Autograd.Tests;

public class RegistryCompletenessTests
{
    private static HashSet<string> DeclaredOps() =>
        typeof(Tensor).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttribute<OpAttribute>()?.Name)
            .OfType<string>()
            .ToHashSet();

    [Fact]
    public void EveryDeclaredOpIsRegistered()
    {
        var registered = OpRegistry.All.Select(o => o.Name).ToHashSet();
        var missing = DeclaredOps().Except(registered).ToList();
        Assert.True(missing.Count == 0, $"ops without a registry entry: {string.Join(", ", missing)}");
    }

    [Fact]
    public void EveryRegisteredOpExistsAndHasAProperty()
    {
        var declared = DeclaredOps();
        foreach (var op in OpRegistry.All)
        {
            Assert.True(declared.Contains(op.Name), $"registry entry '{op.Name}' has no [Op] method");
            Assert.True(op.Sample is not null, $"op '{op.Name}' is registered without a property sampler");
        }
    }

    [Fact]
    public void NamesAreUnique()
    {
        var duplicates = OpRegistry.All.GroupBy(o => o.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
    }
}
