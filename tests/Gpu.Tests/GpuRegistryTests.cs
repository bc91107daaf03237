// Every op of the registry on the GPU backend against the reference backend: the same random sample
// (same seed, so the same shapes, values and non-contiguous layouts) is built once on the CPU and once
// on the device; forward values must agree, and for differentiable ops so must the gradients of a
// random weighting of the output with respect to every input.
using Engine.Autograd;
using Engine.Tensors;
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
        var device = TestDevice.Device;
        for (int seed = 0; seed < CasesPerOp; seed++)
        {
            var onCpu = op.Sample!(new OpSampler((ulong)(seed * 7919 + 1)));
            var onDevice = op.Sample!(new OpSampler((ulong)(seed * 7919 + 1), device));
            string where = $"{name} on {onCpu.Description} (seed {seed})";

            Tensor expected;
            using (Backend.Use(Backend.Reference)) expected = onCpu.Apply(onCpu.Inputs);
            var actual = onDevice.Apply(onDevice.Inputs);
            Assert.Equal(device, actual.Device);
            AssertClose(expected.Data, actual.Data, where + " forward");

            if (op.Kind == OpKind.NonDifferentiable || !expected.RequiresGrad) continue;
            var weights = new Generator((ulong)seed).Uniform(expected.Shape.ToArray(), -1, 1, DType.Float64);
            using (Backend.Use(Backend.Reference)) (expected * new Tensor(weights)).Sum().Backward();
            (actual * new Tensor(weights.To(device))).Sum().Backward();
            for (int i = 0; i < onCpu.Inputs.Length; i++)
            {
                var g = onCpu.Inputs[i].Grad;
                var gd = onDevice.Inputs[i].Grad;
                Assert.Equal(g is null, gd is null);
                if (g is null) continue;
                Assert.Equal(device, gd!.Device);
                AssertClose(g.Data, gd.Data, $"{where} gradient of input {i}");
            }
        }
    }

    internal static void AssertClose(NDArray expected, NDArray actual, string what)
    {
        Assert.Equal(expected.ShapeString, actual.ShapeString);
        Assert.Equal(expected.DType, actual.DType);
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        double tol = TestDevice.Float64Tolerance;
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= tol * (1 + Math.Abs(e[i])) || (double.IsNaN(e[i]) && double.IsNaN(a[i])),
                $"{what}: element {i} is {a[i]} on {TestDevice.Name}, {e[i]} on the reference backend");
    }
}
