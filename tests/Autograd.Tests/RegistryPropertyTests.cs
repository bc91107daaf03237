// Registry-driven property tests: every registered op is run on random shapes, broadcasting patterns
// and non-contiguous float64 inputs from its domain. Differentiable ops must pass GradCheck (primitives
// also to second order); every op must give the same values on the CPU and reference backends.
using Engine.Tensors;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Engine.Autograd.Tests;

public class RegistryPropertyTests
{
    public static TheoryData<string> AllOps() => new(OpRegistry.All.Select(o => o.Name));

    public static TheoryData<string> DifferentiableOps() =>
        new(OpRegistry.All.Where(o => o.Kind != OpKind.NonDifferentiable).Select(o => o.Name));

    public static TheoryData<string> Primitives() =>
        new(OpRegistry.All.Where(o => o.Kind == OpKind.Primitive).Select(o => o.Name));

    private static readonly Arbitrary<int> Seeds = Gen.Choose(0, int.MaxValue - 1).ToArbitrary();

    private static void ForAllSeeds(int cases, Action<int> check) =>
        Prop.ForAll(Seeds, seed => check(seed)).Check(Config.QuickThrowOnFailure.WithMaxTest(cases));

    [Theory]
    [MemberData(nameof(DifferentiableOps))]
    public void GradientsMatchFiniteDifferences(string name)
    {
        var op = OpRegistry.Get(name);
        ForAllSeeds(30, seed =>
        {
            var sample = op.Sample!(new OpSampler((ulong)seed));
            var result = GradCheck.Check(sample.Apply, sample.Inputs, op.Tolerances);
            Assert.True(result.Passed, $"{name} on {sample.Description} (seed {seed}): {result}");
        });
    }

    [Theory]
    [MemberData(nameof(Primitives))]
    public void SecondDerivativesMatchFiniteDifferences(string name)
    {
        var op = OpRegistry.Get(name);
        var tolerances = op.Tolerances ?? new GradCheckOptions(Eps: 1e-5, Atol: 1e-4, Rtol: 1e-3);
        ForAllSeeds(10, seed =>
        {
            var sample = op.Sample!(new OpSampler((ulong)seed));
            var result = GradCheck.CheckSecondOrder(sample.Apply, sample.Inputs, tolerances);
            Assert.True(result.Passed, $"{name} second order on {sample.Description} (seed {seed}): {result}");
        });
    }

    [Theory]
    [MemberData(nameof(AllOps))]
    public void CpuBackendMatchesReference(string name)
    {
        var op = OpRegistry.Get(name);
        ForAllSeeds(20, seed =>
        {
            var sample = op.Sample!(new OpSampler((ulong)seed));
            var fast = sample.Apply(sample.Inputs).Data.ToDoubleArray();
            double[] reference;
            using (Backend.Use(Backend.Reference)) reference = sample.Apply(sample.Inputs).Data.ToDoubleArray();
            Assert.Equal(reference.Length, fast.Length);
            for (int i = 0; i < fast.Length; i++)
                Assert.True(Math.Abs(fast[i] - reference[i]) <= 1e-12 + 1e-10 * Math.Abs(reference[i]),
                    $"{name} on {sample.Description} (seed {seed}): element {i} is {fast[i]} on cpu, {reference[i]} on reference");
        });
    }
}
