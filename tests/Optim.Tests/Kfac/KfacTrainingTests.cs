// K-FAC end to end on small problems: it fits a toy classification task, the norm constraint caps the
// predicted change α²·Δᵀg, Levenberg–Marquardt moves λ in the direction ρ asks for, the curvature-only
// burn-in leaves the parameters alone, and bad settings are refused with one clear message.
using Engine.Autograd;
using Engine.Nn;
using Engine.Optim.Kfac;
using Engine.Tensors;
using Xunit;

namespace Engine.Optim.Tests.Kfac;

public class KfacTrainingTests
{
    private static (Sequential Model, Tensor X, Tensor Labels) ToyProblem(ulong seed)
    {
        // Three Gaussian blobs in 2-D; labels are the blob index.
        var rng = new Generator(seed);
        const int n = 60;
        var centres = new double[] { 2, 0, -1, 1.7, -1, -1.7 };
        var noise = rng.Normal([n, 2], 0, 0.6, DType.Float64).ToArray<double>();
        var xs = new double[n * 2];
        var ids = new long[n];
        for (int i = 0; i < n; i++)
        {
            ids[i] = i % 3;
            xs[2 * i] = centres[2 * ids[i]] + noise[2 * i];
            xs[2 * i + 1] = centres[2 * ids[i] + 1] + noise[2 * i + 1];
        }
        var model = new Sequential(new Linear(2, 16, rng), new Activation(t => t.Tanh()), new Linear(16, 3, rng));
        return (model, new Tensor(NDArray.FromArray(xs, n, 2).ToDType(DType.Float32)), new Tensor(NDArray.FromArray(ids, n)));
    }

    [Theory]
    [InlineData(false, FisherEstimation.Sampled)]
    [InlineData(true, FisherEstimation.Empirical)]
    public void AdaptiveKfacFitsAToyClassificationTask(bool exactInverses, FisherEstimation estimation)
    {
        var (model, x, labels) = ToyProblem(1);
        var kfac = new KfacOptimizer(model, new KfacOptions
        {
            AdaptiveLearningRate = true, AdaptiveMomentum = true, AdaptiveDamping = true, Damping = 1, BurnInSteps = 2,
            ExactInverses = exactInverses, Estimation = estimation,
        });
        var loss = RegisteredLoss.SoftmaxCrossEntropy(labels);
        var first = kfac.Step(() => model.Forward(x), loss);
        Assert.True(first.BurnIn);
        KfacStepResult last = first;
        for (int step = 0; step < 30; step++) last = kfac.Step(() => model.Forward(x), loss);
        Assert.False(last.BurnIn);
        Assert.True(last.Loss < 0.25 * first.Loss, $"exact inverses {exactInverses}, {estimation}: loss {first.Loss} → {last.Loss}");
        Assert.Equal(30 - 1, kfac.StepCount);
    }

    [Fact]
    public void BurnInStepsOnlyGatherCurvature()
    {
        var (model, x, labels) = ToyProblem(2);
        var before = model.Parameters().Select(p => p.Data.ToArray<float>()).ToArray();
        var kfac = new KfacOptimizer(model, new KfacOptions { BurnInSteps = 3 });
        for (int i = 0; i < 3; i++) Assert.True(kfac.Step(() => model.Forward(x), RegisteredLoss.SoftmaxCrossEntropy(labels)).BurnIn);
        var after = model.Parameters().Select(p => p.Data.ToArray<float>()).ToArray();
        Assert.Equal(before, after);
        Assert.All(kfac.Blocks, b => Assert.True(b.HasStatistics));
        Assert.Equal(0, kfac.StepCount);
    }

    [Fact]
    public void NormConstraintCapsThePredictedChange()
    {
        var (model, x, labels) = ToyProblem(3);
        const double learningRate = 10, cap = 1e-4;
        var kfac = new KfacOptimizer(model, new KfacOptions { LearningRate = learningRate, Momentum = 0, BurnInSteps = 1, NormConstraint = cap });
        var loss = RegisteredLoss.SoftmaxCrossEntropy(labels);
        kfac.Step(() => model.Forward(x), loss);
        var before = model.Parameters().Select(p => p.Data.ToDType(DType.Float64)).ToArray();
        var gradients = Gradients.Of([loss.Value(model.Forward(x))], [.. kfac.Parameters]).Select(g => g.Data.ToDType(DType.Float64)).ToArray();
        kfac.Step(() => model.Forward(x), loss);
        // δ = −α·c·Δ with c chosen so that α²c²·Δᵀg (= δᵀF̂δ) equals the cap; hence δᵀg = −√(cap·Δᵀg).
        double deltaDotG = 0;
        var parameters = model.Parameters().ToArray();
        for (int p = 0; p < parameters.Length; p++)
            deltaDotG += ((parameters[p].Data.ToDType(DType.Float64) - before[p]) * gradients[p]).Sum().Item();
        var direction = kfac.Precondition(gradients);
        double directionDotG = direction.Select((d, p) => (d * gradients[p]).Sum().Item()).Sum();
        Assert.True(learningRate * learningRate * directionDotG > 100 * cap, "the unconstrained step should exceed the cap");
        double expected = -Math.Sqrt(cap * directionDotG);
        Assert.Equal(expected, deltaDotG, 1e-3 * Math.Abs(expected));
    }

    [Fact]
    public void LevenbergMarquardtRaisesTheDampingAfterABadStep()
    {
        var (model, x, labels) = ToyProblem(4);
        // A huge fixed step overshoots, so ρ < ¼ and λ must grow by 1/ω^interval.
        var kfac = new KfacOptimizer(model, new KfacOptions
        {
            LearningRate = 50, Momentum = 0, BurnInSteps = 1, AdaptiveDamping = true, DampingAdaptationInterval = 1,
            DampingAdaptationDecay = 0.5, Damping = 1e-2,
        });
        var loss = RegisteredLoss.SoftmaxCrossEntropy(labels);
        kfac.Step(() => model.Forward(x), loss);
        var result = kfac.Step(() => model.Forward(x), loss);
        Assert.True(result.Rho < 0.25, $"ρ = {result.Rho}");
        Assert.Equal(2e-2, result.Damping, 1e-15);
    }

    [Theory]
    [InlineData("damping")]
    [InlineData("momentum")]
    [InlineData("norm")]
    public void BadSettingsAreRefused(string setting)
    {
        var (model, _, _) = ToyProblem(5);
        var options = setting switch
        {
            "damping" => new KfacOptions { Damping = 0 },
            "momentum" => new KfacOptions { AdaptiveMomentum = true },
            _ => new KfacOptions { AdaptiveLearningRate = true, NormConstraint = 1e-3 },
        };
        var error = Assert.Throws<EngineException>(() => new KfacOptimizer(model, options));
        Assert.StartsWith("K-FAC: ", error.Message);
    }
}
