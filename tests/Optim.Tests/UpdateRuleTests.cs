// Update rules against hand-computed steps. The loss is sum(p^2), so grad = 2p, from p0 = [1, -2] in
// float64. Expected values were computed step by step from each rule's formula (see the file comments
// of Sgd.cs and Adam.cs); e.g. SGD with momentum 0.9, wd 0.01, lr 0.1: g1 = 2.01, p1 = 1 - 0.201 = 0.799;
// g2 = 2.01 * 0.799 = 1.60599, buf = 0.9 * 2.01 + 1.60599 = 3.41499, p2 = 0.799 - 0.341499 = 0.457501.
using Engine.Autograd;
using Engine.Tensors;
using Xunit;

namespace Engine.Optim.Tests;

public class UpdateRuleTests
{
    private static Tensor Parameter() => new(NDArray.FromArray(new double[] { 1, -2 }, 2), requiresGrad: true) { Name = "p" };

    private static void AssertTrajectory(Func<ParamGroup[], Optimizer> make, double weightDecay, double[][] expected)
    {
        var p = Parameter();
        var optimizer = make([new ParamGroup([new("p", p)], learningRate: 0.1, weightDecay)]);
        foreach (var step in expected)
        {
            optimizer.ZeroGrad();
            (p * p).Sum().Backward();
            optimizer.Step();
            var actual = p.ToDoubleArray();
            for (int i = 0; i < step.Length; i++) Assert.Equal(step[i], actual[i], 1e-13);
        }
        Assert.Equal(expected.Length, optimizer.StepCount);
    }

    [Fact]
    public void PlainSgd() => AssertTrajectory(g => new Sgd(g), 0, [[0.8, -1.6], [0.64, -1.28], [0.512, -1.024]]);

    [Fact]
    public void SgdWithMomentumAndWeightDecay() => AssertTrajectory(g => new Sgd(g, momentum: 0.9), 0.01,
        [[0.799, -1.598], [0.457501, -0.915002], [0.058194199, -0.116388398]]);

    [Fact]
    public void SgdNesterov() => AssertTrajectory(g => new Sgd(g, momentum: 0.9, nesterov: true), 0,
        [[0.62, -1.24], [0.2224, -0.4448], [-0.108352, 0.216704]]);

    [Fact]
    public void AdamWithL2WeightDecay() => AssertTrajectory(g => new Adam(g), 0.1,
    [
        [0.9000000004761904, -1.9000000002380952],
        [0.8004122286431954, -1.8001664860916349],
        [0.7015862728718214, -1.7006233920100058],
    ]);

    [Fact]
    public void AdamWDecouplesWeightDecay() => AssertTrajectory(g => new AdamW(g), 0.1,
    [
        [0.8900000004999999, -1.88000000025],
        [0.7815718559365048, -1.7614089505845592],
        [0.6751012216400698, -1.6443686835605893],
    ]);

    [Fact]
    public void GroupsKeepTheirOwnSettings()
    {
        var decayed = Parameter();
        var plain = new Tensor(NDArray.FromArray(new double[] { 1, -2 }, 2), requiresGrad: true);
        var optimizer = new AdamW([new ParamGroup([new("w", decayed)], 0.1, weightDecay: 0.1), new ParamGroup([new("b", plain)], 0.1, weightDecay: 0)]);
        (decayed * decayed).Sum().Add((plain * plain).Sum()).Backward();
        optimizer.Step();
        // Without decay the first Adam step is lr * sign(g) (up to eps); with decoupled decay p shrinks first.
        Assert.Equal(0.9, plain.ToDoubleArray()[0], 1e-8);
        Assert.Equal(0.8900000004999999, decayed.ToDoubleArray()[0], 1e-13);

        var slow = Parameter();
        var fast = Parameter();
        var sgd = new Sgd([new ParamGroup([new("slow", slow)], 0.01), new ParamGroup([new("fast", fast)], 0.1)]);
        (slow * slow).Sum().Add((fast * fast).Sum()).Backward();
        sgd.Step();
        Assert.Equal(0.98, slow.ToDoubleArray()[0], 1e-13);
        Assert.Equal(0.8, fast.ToDoubleArray()[0], 1e-13);
    }

    [Fact]
    public void ParametersWithoutGradientsAreLeftAlone()
    {
        var p = Parameter();
        var optimizer = new Adam([new ParamGroup([new("p", p)], 0.1)]);
        optimizer.Step();
        Assert.Equal(new double[] { 1, -2 }, p.ToDoubleArray());
        Assert.Empty(optimizer.ExportState().Tensors);
    }

    [Fact]
    public void InvalidConfigurationsAreRejected()
    {
        Assert.Throws<EngineException>(() => new Sgd([new ParamGroup([new("p", Parameter())], 0.1)], nesterov: true));
        Assert.Throws<EngineException>(() => new Adam([new ParamGroup([new("p", Parameter())], 0.1)], beta1: 1));
        Assert.Throws<EngineException>(() => new ParamGroup([], -1));
        var shared = Parameter();
        Assert.Throws<EngineException>(() => new Sgd([new ParamGroup([new("p", shared), new("p", Parameter())], 0.1)]));
        Assert.Throws<EngineException>(() => new Sgd([new ParamGroup([new("c", new Tensor(NDArray.Zeros([2])))], 0.1)]));
    }
}
