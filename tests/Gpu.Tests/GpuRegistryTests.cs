// Every op of the registry on the GPU backend against the reference backend (Autograd/Checking/
// DeviceAgreement): forward values and gradients on random shapes and non-contiguous layouts.
using Engine.Autograd;
using Xunit;

namespace Engine.Gpu.Tests;

public class GpuRegistryTests
{
    private const int CasesPerOp = 2;

    public static TheoryData<string> AllOps() => new(OpRegistry.All.Select(o => o.Name));

    [Theory]
    [MemberData(nameof(AllOps))]
    public void ForwardAndBackwardMatchReference(string name)
    {
        var op = OpRegistry.Get(name);
        for (int seed = 0; seed < CasesPerOp; seed++)
        {
            string? problem = DeviceAgreement.Check(op, TestDevice.Device, (ulong)(seed * 7919 + 1), TestDevice.Float64Tolerance);
            Assert.True(problem is null, problem);
        }
    }
}
