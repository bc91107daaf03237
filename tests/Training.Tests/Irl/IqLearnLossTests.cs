// The mechanical checks of offline IQLearn as TD-regularised MLE (specs/irl-rl.md F A-1 a, b, d, e, f):
// λ = 0 is token NLL, the two forms of δ agree and handle EOS and truncation, the MLE term ignores a
// per-state logit shift that the TD term sees, finite differences agree with the tape, and the reward
// identities hold. References are computed with plain double loops or with Losses.CrossEntropy.
using Engine.Autograd;
using Engine.Nn.Functional;
using Engine.Tensors;
using Engine.Training.Irl;
using Xunit;

namespace Engine.Training.Tests.Irl;

public class IqLearnLossTests
{
    [Fact]
    public void BatchLayoutMasksThePromptAndPaddingAndMarksOnlyTheEosTransitionDone()
    {
        var batch = IrlFixtures.Batch();
        Assert.Equal(6, batch.Length);
        var mask = batch.ActionMask.ToArray<double>();
        var done = batch.Done.ToArray<double>();
        // Row 2: prompt [1, 4, 4], truncated response [2, 2, 3]: transitions 2..4 are actions, none done.
        Assert.Equal(new double[] { 0, 0, 1, 1, 1 }, mask[10..15]);
        Assert.Equal(new double[] { 0, 0, 0, 0, 0 }, done[10..15]);
        // Row 1: prompt [2], response [6, EOS]: transitions 0..1, the second one terminal.
        Assert.Equal(new double[] { 1, 1, 0, 0, 0 }, mask[5..10]);
        Assert.Equal(new double[] { 0, 1, 0, 0, 0 }, done[5..10]);
        Assert.Equal(4 + 2 + 3 + 5, batch.ActionCount);
    }

    [Fact]
    public void WithLambdaZeroLossAndGradientsEqualTokenNll()
    {
        var batch = IrlFixtures.Batch();
        var logits = IrlFixtures.RandomLogits(batch, seed: 1);
        var iq = IrlObjectives.IqLearn(logits, batch, new IqLearnSettings(Lambda: 0, Gamma: 0.9));
        var gradIq = Gradients.Of([iq], [logits])[0].Data.ToArray<double>();

        var targets = batch.Actions.ToArray<long>();
        var mask = batch.ActionMask.ToArray<double>();
        for (int i = 0; i < targets.Length; i++)
            if (mask[i] == 0) targets[i] = Losses.DefaultIgnoreIndex;
        var nll = Losses.CrossEntropy(logits.Slice(1, 0, batch.Length - 1),
            Tensor.FromArray(targets, batch.BatchSize, batch.Length - 1));
        var gradNll = Gradients.Of([nll], [logits])[0].Data.ToArray<double>();

        Assert.True(Math.Abs(iq.Item() - nll.Item()) < 1e-10, $"loss {iq.Item()} vs NLL {nll.Item()}");
        Assert.True(MaxAbsDiff(gradIq, gradNll) < 1e-10);
        Assert.True(Math.Abs(IrlObjectives.Mle(logits, batch).Item() - nll.Item()) < 1e-10);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.9)]
    public void DeltaEqualsQMinusDiscountedNextValueWithZeroAfterEosAndBootstrapAfterTruncation(double gamma)
    {
        var batch = IrlFixtures.Batch();
        var logits = IrlFixtures.RandomLogits(batch, seed: 2, requiresGrad: false);
        var delta = IrlObjectives.Residuals(logits, batch, new IqLearnSettings(1, gamma)).Data.ToArray<double>();
        var raw = logits.Data.ToArray<double>();
        int length = batch.Length;
        for (int b = 0; b < batch.BatchSize; b++)
            foreach (var (i, action, done) in IrlFixtures.Transitions(batch, b))
            {
                double next = done ? 0 : IrlFixtures.V(raw, length, b, i + 1);
                double qForm = IrlFixtures.Q(raw, length, b, i, action) - gamma * next;
                double logPi = IrlFixtures.Q(raw, length, b, i, action) - IrlFixtures.V(raw, length, b, i);
                double piForm = logPi + IrlFixtures.V(raw, length, b, i) - gamma * next;
                Assert.True(Math.Abs(delta[b * (length - 1) + i] - qForm) < 1e-12, $"row {b} transition {i}");
                Assert.True(Math.Abs(qForm - piForm) < 1e-12);
            }
    }

    [Fact]
    public void ShiftingOnePositionsLogitsLeavesTheMleTermAndChangesTheTdTerm()
    {
        var batch = IrlFixtures.Batch();
        var logits = IrlFixtures.RandomLogits(batch, seed: 3, requiresGrad: false);
        var shifted = logits.Data.Contiguous().ToArray<double>();
        int row = 0, position = 3;
        for (int v = 0; v < IrlFixtures.Vocab; v++) shifted[(row * batch.Length + position) * IrlFixtures.Vocab + v] += 2.5;
        var shiftedLogits = Tensor.FromArray(shifted, batch.BatchSize, batch.Length, IrlFixtures.Vocab);
        var settings = new IqLearnSettings(Lambda: 1, Gamma: 0.9);

        double mle = IrlObjectives.Mle(logits, batch).Item(), mleShifted = IrlObjectives.Mle(shiftedLogits, batch).Item();
        double td = IrlObjectives.IqLearn(logits, batch, settings).Item() - mle;
        double tdShifted = IrlObjectives.IqLearn(shiftedLogits, batch, settings).Item() - mleShifted;
        Assert.True(Math.Abs(mle - mleShifted) < 1e-12);
        Assert.True(Math.Abs(td - tdShifted) > 1e-3, $"TD term {td} vs {tdShifted}");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.9)]
    public void FullLossMatchesFiniteDifferences(double gamma)
    {
        var batch = IrlFixtures.Batch();
        var logits = IrlFixtures.RandomLogits(batch, seed: 4);
        var settings = new IqLearnSettings(Lambda: 0.7, Gamma: gamma);
        var result = GradCheck.Check(xs => IrlObjectives.IqLearn(xs[0], batch, settings), [logits],
            new GradCheckOptions(Eps: 1e-6, Atol: 1e-8, Rtol: 1e-6));
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void StopGradientAndTargetNetworkKeepTheLossButDropTheNextValueGradient()
    {
        var batch = IrlFixtures.Batch();
        var logits = IrlFixtures.RandomLogits(batch, seed: 5);
        var full = IrlObjectives.IqLearn(logits, batch, new IqLearnSettings(1, 0.9));
        var stop = IrlObjectives.IqLearn(logits, batch, new IqLearnSettings(1, 0.9, NextValueMode.StopGradient));
        var target = IrlObjectives.IqLearn(logits, batch, new IqLearnSettings(1, 0.9), targetLogits: logits.Detach());
        Assert.Equal(full.Item(), stop.Item(), 12);
        Assert.Equal(full.Item(), target.Item(), 12);
        var gFull = Gradients.Of([full], [logits])[0].Data.ToArray<double>();
        var gStop = Gradients.Of([stop], [logits])[0].Data.ToArray<double>();
        var gTarget = Gradients.Of([target], [logits])[0].Data.ToArray<double>();
        Assert.Equal(gStop, gTarget);
        Assert.True(MaxAbsDiff(gFull, gStop) > 1e-4);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.9)]
    public void RewardsSatisfyTheReturnIdentities(double gamma)
    {
        var batch = IrlFixtures.Batch();
        var logits = IrlFixtures.RandomLogits(batch, seed: 6, requiresGrad: false);
        var raw = logits.Data.ToArray<double>();
        var rewards = RewardExtraction.Extract(logits, batch, gamma);
        int length = batch.Length;
        for (int b = 0; b < batch.BatchSize; b++)
        {
            var steps = IrlFixtures.Transitions(batch, b).ToList();
            double discountedLogPi = 0, logPiSum = 0, laterValues = 0, discount = 1;
            for (int t = 0; t < steps.Count; t++)
            {
                var (i, action, _) = steps[t];
                double logPi = IrlFixtures.Q(raw, length, b, i, action) - IrlFixtures.V(raw, length, b, i);
                discountedLogPi += discount * logPi;
                logPiSum += logPi;
                if (t >= 1) laterValues += IrlFixtures.V(raw, length, b, i);
                discount *= gamma;
            }
            double v0 = IrlFixtures.V(raw, length, b, steps[0].State);
            bool complete = steps[^1].Done;
            // A truncated response keeps the bootstrap term of its last next state.
            double last = complete ? 0 : IrlFixtures.V(raw, length, b, steps[^1].State + 1);
            double discounted = discountedLogPi + v0 - discount * last;
            double undiscounted = logPiSum + v0 + (1 - gamma) * laterValues - gamma * last;
            Assert.True(Math.Abs(rewards[b].Discounted - discounted) < 1e-10, $"row {b}: {rewards[b].Discounted} vs {discounted}");
            Assert.True(Math.Abs(rewards[b].Undiscounted - undiscounted) < 1e-10, $"row {b}: {rewards[b].Undiscounted} vs {undiscounted}");
            Assert.Equal(steps.Count, rewards[b].PerToken.Length);
        }
    }

    [Fact]
    public void EntropyBonusSubtractsBetaTimesTheMeanStateEntropy()
    {
        var batch = IrlFixtures.Batch();
        var logits = IrlFixtures.RandomLogits(batch, seed: 7, requiresGrad: false);
        var raw = logits.Data.ToArray<double>();
        double entropy = 0;
        for (int b = 0; b < batch.BatchSize; b++)
            foreach (var (i, _, _) in IrlFixtures.Transitions(batch, b))
            {
                double v = IrlFixtures.V(raw, batch.Length, b, i);
                for (int a = 0; a < IrlFixtures.Vocab; a++)
                {
                    double logP = IrlFixtures.Q(raw, batch.Length, b, i, a) - v;
                    entropy -= Math.Exp(logP) * logP;
                }
            }
        entropy /= batch.ActionCount;
        double mle = IrlObjectives.Mle(logits, batch).Item();
        double bonus = IrlObjectives.MleWithEntropyBonus(logits, batch, beta: 0.3).Item();
        Assert.True(Math.Abs(bonus - (mle - 0.3 * entropy)) < 1e-12);
    }

    [Fact]
    public void OnlineLossMatchesTheMixtureFormulaAndIsTheOfflineLossAtAlphaZero()
    {
        var expert = IrlFixtures.Batch();
        var policy = TransitionBatch.Create(
        [
            new PromptResponse([1, 2], [3, 3, 3, 3, 3], EndsWithEos: false),
            new PromptResponse([5], [IrlFixtures.Eos], EndsWithEos: true),
        ], padToken: 0);
        var expertLogits = IrlFixtures.RandomLogits(expert, seed: 8);
        var policyLogits = new Tensor(new Generator(9).Normal([2, policy.Length, IrlFixtures.Vocab], 0, 1.5, DType.Float64), requiresGrad: true);
        var settings = new IqLearnSettings(Lambda: 0.5, Gamma: 0.9);
        const double alpha = 0.25;

        double Mean(TransitionBatch batch, Tensor logits, Func<double, double, double, double, double> f)
        {
            var raw = logits.Data.ToArray<double>();
            double sum = 0;
            for (int b = 0; b < batch.BatchSize; b++)
                foreach (var (i, action, done) in IrlFixtures.Transitions(batch, b))
                {
                    double q = IrlFixtures.Q(raw, batch.Length, b, i, action), v = IrlFixtures.V(raw, batch.Length, b, i);
                    double next = done ? 0 : settings.Gamma * IrlFixtures.V(raw, batch.Length, b, i + 1);
                    sum += f(q, v, next, q - next);
                }
            return sum / batch.ActionCount;
        }
        double MixMean(Func<double, double, double, double, double> f) =>
            (1 - alpha) * Mean(expert, expertLogits, f) + alpha * Mean(policy, policyLogits, f);
        double expected = Mean(expert, expertLogits, (q, v, next, d) => -q + next)
            + MixMean((q, v, next, d) => v - next) + settings.Lambda * MixMean((q, v, next, d) => d * d);

        var online = IrlObjectives.OnlineIqLearn(expertLogits, expert, policyLogits, policy, settings, alpha);
        Assert.True(Math.Abs(online.Item() - expected) < 1e-12, $"{online.Item()} vs {expected}");
        var check = GradCheck.Check(xs => IrlObjectives.OnlineIqLearn(xs[0], expert, xs[1], policy, settings, alpha),
            [expertLogits, policyLogits], new GradCheckOptions(Eps: 1e-6, Atol: 1e-8, Rtol: 1e-6));
        Assert.True(check.Passed, check.ToString());

        var atZero = IrlObjectives.OnlineIqLearn(expertLogits, expert, policyLogits, policy, settings, alpha: 0);
        Assert.Equal(IrlObjectives.IqLearn(expertLogits, expert, settings).Item(), atZero.Item());
    }

    private static double MaxAbsDiff(double[] a, double[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
}
