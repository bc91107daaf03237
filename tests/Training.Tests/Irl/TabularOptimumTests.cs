// Spec F A-1c: the exact tabular optimum of offline IQLearn for data "a EOS" x8 and "b EOS" x2. The
// tabular model trained with Adam through the real loss must land within 0.003 of p(a)/(p(a)+p(b)) from
// an independent double-precision solution: at the optimum the non-data tokens get no mass, so the loss
// reduces to  8[-log p + λ((log p + V_r − γV_a)² + V_a²)] + 2[-log(1−p) + λ((log(1−p) + V_r − γV_b)² + V_b²)],
// whose inner minimum over the free values (V_r, V_a, V_b) is a 3x3 linear solve and whose outer
// minimum over p is found by golden-section search. At γ = 1 the solver must also agree with the
// closed form of specs/irl-rl.md A.6, argmin −8 log p − 2 log(1−p) + 0.8λ(log p − log(1−p))².
using Engine.Optim;
using Engine.Tensors;
using Engine.Training.Irl;
using Engine.Training.Irl.Tabular;
using Xunit;

namespace Engine.Training.Tests.Irl;

public class TabularOptimumTests
{
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.1, 1.0)]
    [InlineData(1.0, 1.0)]
    [InlineData(10.0, 1.0)]
    [InlineData(0.1, 0.9)]
    [InlineData(1.0, 0.9)]
    public void TrainedTabularModelReachesTheExactOptimum(double lambda, double gamma)
    {
        double exact = ExactRatio(lambda, gamma);
        if (gamma == 1.0)
            Assert.True(Math.Abs(exact - ClosedFormRatio(lambda)) < 1e-6, $"reduced solver {exact} vs closed form {ClosedFormRatio(lambda)}");

        var model = new PrefixTreeModel(letters: 3, maxDepth: 1, new Generator(1));
        var data = Enumerable.Repeat(new PromptResponse([3], [0, 3], true), 8)
            .Concat(Enumerable.Repeat(new PromptResponse([3], [1, 3], true), 2)).ToList();
        var batch = TransitionBatch.Create(data, padToken: 3);
        var settings = new IqLearnSettings(lambda, gamma, Normalisation: LossNormalisation.PerSequence);
        const int steps = 3000;
        const double lr = 0.1;
        var optimizer = new Adam([new ParamGroup([new("table", model.Table)], lr)]);
        for (int step = 0; step < steps; step++)
        {
            optimizer.SetLearningRate(lr * 0.5 * (1 + Math.Cos(Math.PI * step / steps)));
            optimizer.ZeroGrad();
            IrlObjectives.IqLearn(model.Logits(batch), batch, settings).Backward();
            optimizer.Step();
        }
        var root = model.Table.Data.Softmax(1).ToDoubleArray()[..4];
        double trained = root[0] / (root[0] + root[1]);
        Assert.True(Math.Abs(trained - exact) < 0.003, $"λ={lambda} γ={gamma}: trained {trained:F5}, exact {exact:F5}");
        Assert.True(root[2] + root[3] < 1e-3, $"p(c) + p(EOS) at the root = {root[2] + root[3]}");
        if (lambda > 0) Assert.True(exact < 0.8 - 1e-3, "the TD term moves the optimum away from the MLE 0.8");
    }

    /// <summary>argmin over p of the reduced loss, by golden-section search on the log-odds.</summary>
    private static double ExactRatio(double lambda, double gamma) => GoldenSection(z => ReducedLoss(Sigmoid(z), lambda, gamma));

    private static double ClosedFormRatio(double lambda) => GoldenSection(z =>
    {
        double p = Sigmoid(z), u = Math.Log(p), w = Math.Log(1 - p);
        return -8 * u - 2 * w + 0.8 * lambda * (u - w) * (u - w);
    });

    /// <summary>The loss with p fixed and the values (V_r, V_a, V_b) at their exact minimum.</summary>
    private static double ReducedLoss(double p, double lambda, double gamma)
    {
        double u = Math.Log(p), w = Math.Log(1 - p);
        if (lambda == 0) return -8 * u - 2 * w;
        // Gradient of Σ n [(x + V_r − γV_s)² + V_s²] in (V_r, V_a, V_b) set to zero: A·v = c.
        double[,] a =
        {
            { 8 + 2, -8 * gamma, -2 * gamma },
            { -8 * gamma, 8 * (gamma * gamma + 1), 0 },
            { -2 * gamma, 0, 2 * (gamma * gamma + 1) },
        };
        double[] c = [-(8 * u + 2 * w), 8 * gamma * u, 2 * gamma * w];
        var v = Solve3(a, c);
        double ta = u + v[0] - gamma * v[1], tb = w + v[0] - gamma * v[2];
        return -8 * u - 2 * w + lambda * (8 * (ta * ta + v[1] * v[1]) + 2 * (tb * tb + v[2] * v[2]));
    }

    private static double[] Solve3(double[,] a, double[] c)
    {
        double Det(double[,] m) =>
            m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1]) - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0])
            + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]);
        double det = Det(a);
        var x = new double[3];
        for (int col = 0; col < 3; col++)
        {
            var m = (double[,])a.Clone();
            for (int row = 0; row < 3; row++) m[row, col] = c[row];
            x[col] = Det(m) / det;
        }
        return x;
    }

    private static double GoldenSection(Func<double, double> f)
    {
        double lo = -12, hi = 12, ratio = (Math.Sqrt(5) - 1) / 2;
        while (hi - lo > 1e-12)
        {
            double x1 = hi - ratio * (hi - lo), x2 = lo + ratio * (hi - lo);
            if (f(x1) < f(x2)) hi = x2;
            else lo = x1;
        }
        return Sigmoid((lo + hi) / 2);
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
