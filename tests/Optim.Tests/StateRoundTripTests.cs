// Optimizer state export/restore: training 3 steps, exporting, rebuilding model and optimizer from
// copies, restoring and training 3 more must give the same bits as 6 uninterrupted steps.
using Engine.Autograd;
using Engine.Nn;
using Engine.Nn.Functional;
using Engine.Tensors;
using Xunit;

namespace Engine.Optim.Tests;

public class StateRoundTripTests
{
    private static Sequential MakeModel() =>
        new(new Linear(3, 4, new Generator(1)), new RMSNorm(4), new Linear(4, 2, new Generator(2)));

    private static Optimizer MakeOptimizer(string kind, Module model)
    {
        var decay = model.NamedParameters().Where(p => p.Key.EndsWith(".w", StringComparison.Ordinal));
        var noDecay = model.NamedParameters().Where(p => !p.Key.EndsWith(".w", StringComparison.Ordinal));
        ParamGroup[] groups = [new(decay, 0.05, weightDecay: 0.1), new(noDecay, 0.05)];
        return kind == "sgd" ? new Sgd(groups, momentum: 0.9, nesterov: true) : new AdamW(groups);
    }

    private static void TrainSteps(Module model, Optimizer optimizer, int from, int count)
    {
        var schedule = new WarmupCosineLr(0.05, 2, 6, 0.005);
        for (int step = from; step < from + count; step++)
        {
            var x = new Tensor(new Generator(100 + (ulong)step).Normal([5, 3]));
            optimizer.ZeroGrad();
            Losses.Mse(((Layer)model).Forward(x), Tensor.Zeros([5, 2])).Backward();
            GradClip.ClipGlobalNorm(model.Parameters(), 1.0);
            optimizer.SetLearningRate(schedule.LearningRate(step));
            optimizer.Step();
        }
    }

    [Theory]
    [InlineData("adamw")]
    [InlineData("sgd")]
    public void RestoredRunIsBitIdentical(string kind)
    {
        var straight = MakeModel();
        var straightOptimizer = MakeOptimizer(kind, straight);
        TrainSteps(straight, straightOptimizer, 0, 6);

        var first = MakeModel();
        var firstOptimizer = MakeOptimizer(kind, first);
        TrainSteps(first, firstOptimizer, 0, 3);
        var state = firstOptimizer.ExportState();
        Assert.Equal(3, state.Scalars["step"]);

        var resumed = MakeModel();
        foreach (var (name, parameter) in resumed.NamedParameters()) parameter.SetData(first.GetParameter(name).Data.Clone());
        var resumedOptimizer = MakeOptimizer(kind, resumed);
        resumedOptimizer.LoadState(state);
        TrainSteps(resumed, resumedOptimizer, 3, 3);

        Assert.Equal(6, resumedOptimizer.StepCount);
        foreach (var (name, parameter) in straight.NamedParameters())
            Assert.Equal(parameter.ToFloatArray(), resumed.GetParameter(name).ToFloatArray());
    }

    [Fact]
    public void StateIsKeyedByParameterNameAndCopied()
    {
        var model = MakeModel();
        var optimizer = MakeOptimizer("adamw", model);
        TrainSteps(model, optimizer, 0, 1);
        var state = optimizer.ExportState();
        Assert.Contains("0.w.exp_avg", state.Tensors.Keys);
        Assert.Contains("1.scale.exp_avg_sq", state.Tensors.Keys);
        Assert.Equal(1, state.Scalars["2.b.step"]);
        Assert.Equal(0.1, state.Scalars["group.0.weight_decay"]);
        var before = state.Tensors["0.w.exp_avg"].ToFloatArray();
        TrainSteps(model, optimizer, 1, 1);
        Assert.Equal(before, state.Tensors["0.w.exp_avg"].ToFloatArray());
    }

    [Fact]
    public void MismatchedStateIsRejected()
    {
        var model = MakeModel();
        var optimizer = MakeOptimizer("adamw", model);
        var state = new OptimizerState();
        state.Scalars["step"] = 1;
        state.Tensors["nope.exp_avg"] = NDArray.Zeros([1]);
        Assert.Contains("nope", Assert.Throws<EngineException>(() => optimizer.LoadState(state)).Message);
        state.Tensors.Clear();
        state.Tensors["0.w.exp_avg"] = NDArray.Zeros([2, 2]);
        Assert.Contains("[3, 4]", Assert.Throws<EngineException>(() => optimizer.LoadState(state)).Message);
        state.Tensors.Clear();
        state.Scalars["group.5.lr"] = 1;
        Assert.Contains("group.5.lr", Assert.Throws<EngineException>(() => optimizer.LoadState(state)).Message);
        Assert.Equal(0.05, optimizer.Groups[0].LearningRate);
    }
}
