// Behaviour of the tape: accumulation, fan-out, no-grad, detach, retained graphs, hooks, retain-grad,
// functional gradients and higher-order derivatives, each against values worked out by hand.
using Engine.Tensors;
using Xunit;

namespace Engine.Autograd.Tests;

public class TapeTests
{
    private static Tensor Leaf(params double[] values) => new(NDArray.FromArray(values), requiresGrad: true);

    [Fact]
    public void GradientsOfAProductAndFanOutAccumulate()
    {
        var x = Leaf(2, -3);
        var y = (x * x + x * 3.0).Sum();     // dy/dx = 2x + 3
        y.Backward();
        Assert.Equal([7.0, -3.0], x.Grad!.ToDoubleArray());
        (x * 2.0).Sum().Backward();            // a second backward adds 2
        Assert.Equal([9.0, -1.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void BroadcastGradientsAreSummedBackToTheInputShape()
    {
        var row = Leaf(1, 2, 3);
        var column = new Tensor(NDArray.FromArray(new double[] { 1, 10 }, 2, 1), requiresGrad: true);
        (row * column).Sum().Backward();      // [2,3] result; row gets column sums, column gets row sums
        Assert.Equal([11.0, 11.0, 11.0], row.Grad!.ToDoubleArray());
        Assert.Equal([6.0, 6.0], column.Grad!.ToDoubleArray());
        Assert.Equal([2, 1], column.Grad!.Shape.ToArray());
    }

    [Fact]
    public void NoGradAndDetachRecordNothing()
    {
        var x = Leaf(1, 2);
        using (GradMode.NoGrad())
        {
            var y = x * x;
            Assert.False(y.RequiresGrad);
            Assert.True(y.IsLeaf);
        }
        var detached = x.Detach();
        Assert.False(detached.RequiresGrad);
        var z = (x * detached).Sum();        // d/dx = detached values only
        z.Backward();
        Assert.Equal([1.0, 2.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void SecondBackwardNeedsRetainedGraph()
    {
        var x = Leaf(3);
        var y = (x * x).Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        Assert.Equal([12.0], x.Grad!.ToDoubleArray());
        var error = Assert.Throws<EngineException>(() => y.Backward());
        Assert.Contains("already freed", error.Message);
        Assert.Contains("retainGraph", error.Message);
    }

    [Fact]
    public void HooksSeeAndReplaceGradients()
    {
        var x = Leaf(1, 2);
        var hidden = x * 3.0;
        Tensor? seen = null;
        using (hidden.RegisterHook(g => { seen = g; return g * 2.0; }))
            (hidden * hidden).Sum().Backward();
        Assert.Equal([6.0, 12.0], seen!.ToDoubleArray());           // d/dh h^2 = 2h
        Assert.Equal([36.0, 72.0], x.Grad!.ToDoubleArray());        // doubled, times 3
    }

    [Fact]
    public void OpObserversSeeInputsAndOutputs()
    {
        var x = Leaf(1, 2);
        var names = new List<string>();
        using (OpHooks.Observe((op, inputs, output) => names.Add(op)))
            (x.Exp() * x).Sum();
        Assert.Equal(["exp", "mul", "sum"], names);
    }

    [Fact]
    public void RetainGradKeepsIntermediateGradients()
    {
        var x = Leaf(1, 2);
        var h = x * x;
        h.RetainGrad();
        (h * 5.0).Sum().Backward();
        Assert.Equal([5.0, 5.0], h.Grad!.ToDoubleArray());
        Assert.Equal([10.0, 20.0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void HigherOrderDerivativesOfACube()
    {
        var x = Leaf(2);
        var y = (x * x * x).Sum();
        var dy = Gradients.Of([y], [x], createGraph: true)[0];   // 3x^2 = 12
        var d2y = Gradients.Of([dy.Sum()], [x], createGraph: true)[0]; // 6x = 12
        var d3y = Gradients.Of([d2y.Sum()], [x])[0];                 // 6
        Assert.Equal(12.0, dy.Item(), 12);
        Assert.Equal(12.0, d2y.Item(), 12);
        Assert.Equal(6.0, d3y.Item(), 12);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void FunctionalGradientsReportUnusedInputs()
    {
        var x = Leaf(1);
        var unused = Leaf(5);
        var y = (x * 2.0).Sum();
        Assert.Throws<EngineException>(() => Gradients.Of([y], [x, unused], retainGraph: true));
        var grads = Gradients.Of([y], [x, unused], allowUnused: true);
        Assert.Equal([2.0], grads[0].ToDoubleArray());
        Assert.Equal([0.0], grads[1].ToDoubleArray());
    }

    [Fact]
    public void BackwardFromANonScalarNeedsAGradient()
    {
        var x = Leaf(1, 2);
        var y = x * 2.0;
        Assert.Contains("shape [2]", Assert.Throws<EngineException>(() => y.Backward()).Message);
        y.Backward(new Tensor(NDArray.FromArray(new double[] { 1, 10 })));
        Assert.Equal([2.0, 20.0], x.Grad!.ToDoubleArray());
        var wrong = new Tensor(NDArray.FromArray(new double[] { 1, 2, 3 }));
        Assert.Contains("does not match", Assert.Throws<EngineException>(() => (x * 1.0).Backward(wrong)).Message);
    }

    [Fact]
    public void AnomalyModeNamesTheOpThatMadeNaN()
    {
        var x = Leaf(-1, 4);
        using (Anomaly.Detect())
        {
            var forward = Assert.Throws<EngineException>(() => x.Log());
            Assert.Contains("'log'", forward.Message);
            var y = Leaf(0, 1);
            var backward = Assert.Throws<EngineException>(() => y.Sqrt().Sum().Backward());
            Assert.Contains("'sqrt'", backward.Message);
        }
        Assert.True(double.IsNaN(x.Log().ToDoubleArray()[0]));
    }

    [Fact]
    public void GradCheckCatchesAWrongGradientAndNamesTheElement()
    {
        // x * detach(x) has true derivative 2x but the tape sees only x: GradCheck must fail.
        var x = new Tensor(NDArray.FromArray(new double[] { 0.5, 1.5, -2 }, 3), requiresGrad: true);
        var result = GradCheck.Check(xs => xs[0] * xs[0].Detach(), [x]);
        Assert.False(result.Passed);
        Assert.Equal(0, result.Input);
        Assert.Single(result.Index);
        Assert.Contains("FAILED", result.ToString());
        Assert.Throws<EngineException>(() => GradCheck.Assert(xs => xs[0] * xs[0].Detach(), [x]));
        Assert.True(GradCheck.Check(xs => xs[0] * xs[0], [x]).Passed);
    }

    [Fact]
    public void GradCheckRejectsFloat32()
    {
        var x = new Tensor(NDArray.FromArray(new float[] { 1 }), requiresGrad: true);
        Assert.Contains("float64", Assert.Throws<EngineException>(() => GradCheck.Check(xs => xs[0] * xs[0], [x])).Message);
    }

    [Fact]
    public void IntegerTensorsCannotRequireGradients()
    {
        Assert.Contains("int64", Assert.Throws<EngineException>(() => new Tensor(NDArray.Arange(3, DType.Int64), requiresGrad: true)).Message);
    }

    [Fact]
    public void MaxSplitsTheGradientAmongTies()
    {
        var x = Leaf(3, 1, 3);
        x.Max().Backward();
        Assert.Equal([0.5, 0.0, 0.5], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void OpErrorsNameTheOpAndShapes()
    {
        var a = new Tensor(NDArray.Zeros([2, 3]));
        var b = new Tensor(NDArray.Zeros([4, 5]));
        var add = Assert.Throws<EngineException>(() => a + b);
        Assert.Contains("add", add.Message);
        Assert.Contains("[2, 3]", add.Message);
        Assert.Contains("[4, 5]", add.Message);
        var mm = Assert.Throws<EngineException>(() => a.MatMul(b));
        Assert.Contains("matmul", mm.Message);
        var dtype = Assert.Throws<EngineException>(() => a + new Tensor(NDArray.Zeros([2, 3], DType.Float64)));
        Assert.Contains("float64", dtype.Message);
        Assert.Contains("axis 5", Assert.Throws<EngineException>(() => a.Sum([5])).Message);
        var index = new Tensor(NDArray.FromArray(new long[] { 7 }, 1, 1));
        Assert.Contains("out of range", Assert.Throws<EngineException>(() => a.Gather(1, index)).Message);
    }
}
