// The kernel-at-initialisation experiment at CI scale (spec A5 item 1; the full run at width 1000 is
// KernelAtInitialization.Run, reported in docs): a 50-layer DKS-tanh MLP at width 256 keeps two
// inputs apart exactly as the composed C map predicts, while a He-scaled ReLU MLP maps orthogonal
// inputs to nearly parallel outputs.
using Engine.Nn.Dks;
using Xunit;

namespace Engine.Nn.Tests.Dks;

public class KernelAtInitializationTests
{
    private const int Width = 256, Depth = 50;

    [Fact]
    public void DksTanhOutputCosineMatchesThePredictedCMap()
    {
        var transform = DksSolver.Solve(DksActivation.Tanh, SubnetworkMaps.PlainChain(Depth), 1.5);
        var results = KernelAtInitialization.Run(DksActivation.Tanh, transform, Width, Depth, seeds: 2, inputCosines: [0.0, 0.5]);
        Assert.Equal(0, results[0].PredictedCosine, 1e-9);
        Assert.Equal(0.3997, results[1].PredictedCosine, 1e-3);
        foreach (var r in results)
        {
            Assert.True(Math.Abs(r.MeasuredCosine - r.PredictedCosine) < 0.04, $"c_in {r.InputCosine}: measured {r.MeasuredCosine}, predicted {r.PredictedCosine}");
            Assert.InRange(r.OutputQ, 0.7, 1.3);
        }
    }

    [Fact]
    public void HeReluOutputsCollapse()
    {
        var result = KernelAtInitialization.RunHeRelu(Width, Depth, seeds: 1)[0];
        Assert.True(result.MeasuredCosine > 0.95, $"measured {result.MeasuredCosine}");
        Assert.True(result.PredictedCosine > 0.98);
    }
}
