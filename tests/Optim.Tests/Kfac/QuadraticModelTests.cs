// The quadratic-model step control (issue 6 test "on the first step, the 2×2 quadratic-model solve
// reduces to its closed form"). The Gauss–Newton products are checked against a Jacobian taken here by
// central finite differences of the network outputs in float64, and the gradient by finite differences of
// the loss, so the reference shares nothing with the optimizer's double-backward JVPs.
using Engine.Autograd;
using Engine.Nn;
using Engine.Optim.Kfac;
using Engine.Tensors;
using Xunit;

namespace Engine.Optim.Tests.Kfac;

public class QuadraticModelTests
{
    [Fact]
    public void WithoutAPreviousUpdateTheSolveIsTheOneDimensionalClosedForm()
    {
        var curvature = new double[,] { { 2.5, 0 }, { 0, 0 } };
        var dots = new double[,] { { 4, 0 }, { 0, 0 } };
        var (w, change) = QuadraticModel.Solve(curvature, dots, [-3, 0], 0.5, true, true, 0, 0, hasPrevious: false);
        Assert.Equal(3 / (2.5 + 0.5 * 4), w[0], 1e-15);
        Assert.Equal(0, w[1]);
        Assert.Equal(0.5 * 2.5 * w[0] * w[0] - 3 * w[0], change, 1e-15);
    }

    [Fact]
    public void TwoByTwoSolveMinimisesTheDampedModel()
    {
        var curvature = new double[,] { { 3, 1.2 }, { 1.2, 2 } };
        var dots = new double[,] { { 1, 0.3 }, { 0.3, 2 } };
        double[] b = [-1, 0.4];
        const double damping = 0.7;
        var (w, _) = QuadraticModel.Solve(curvature, dots, b, damping, true, true, 0, 0, hasPrevious: true);
        for (int i = 0; i < 2; i++)
        {
            double residual = b[i];
            for (int j = 0; j < 2; j++) residual += (curvature[i, j] + damping * dots[i, j]) * w[j];
            Assert.True(Math.Abs(residual) < 1e-14, $"row {i}: residual {residual}");
        }
    }

    [Fact]
    public void FirstAndSecondStepsMinimiseTheExactDampedQuadraticModel()
    {
        const int n = 6, classes = 4;
        const double damping = 0.05, l2 = 0.01;
        var rng = new Generator(9);
        var model = new Sequential(new Linear(3, 5, rng, dtype: DType.Float64), new Activation(t => t.Tanh()), new Linear(5, classes, rng, dtype: DType.Float64));
        var x = new Tensor(rng.Normal([n, 3], dtype: DType.Float64));
        var labels = new Tensor(NDArray.FromArray(new long[] { 0, 3, 1, 1, 2, 0 }, n));
        var kfac = new KfacOptimizer(model, new KfacOptions
        {
            AdaptiveLearningRate = true, AdaptiveMomentum = true, BurnInSteps = 1, Damping = damping, L2Regularization = l2,
        });
        var loss = RegisteredLoss.SoftmaxCrossEntropy(labels);
        Tensor Forward() => model.Forward(x);
        kfac.Step(Forward, loss);

        double[]? previousStep = null;
        for (int step = 0; step < 2; step++)
        {
            var before = Flatten(kfac.Parameters);
            var gradient = LossGradient(kfac.Parameters, Forward, labels, l2);
            var result = kfac.Step(Forward, loss);
            var delta = Flatten(kfac.Parameters).Select((v, i) => v - before[i]).ToArray();
            SetAll(kfac.Parameters, before);
            var direction = Flatten(kfac.Precondition(Split(kfac.Parameters, gradient)));
            var jacobian = OutputJacobian(kfac.Parameters, Forward);
            var probabilities = Softmax(Forward().Data.ToArray<double>(), classes);
            double Curvature(double[] u, double[] v) => GaussNewton(jacobian, probabilities, u, v, n, classes) + (l2 + damping) * Dot(u, v);

            // Stationarity of the damped model q(δ) = gᵀδ + ½δᵀ(C + λI)δ along each direction in the span.
            foreach (var v in previousStep is null ? [direction] : new[] { direction, previousStep })
            {
                double stationarity = Dot(v, gradient) + Curvature(v, delta);
                Assert.True(Math.Abs(stationarity) < 1e-6 * Math.Abs(Dot(v, gradient)) + 1e-12, $"step {step}: directional derivative {stationarity}");
            }
            if (previousStep is null)
            {
                double closedForm = Dot(gradient, direction) / Curvature(direction, direction);
                Assert.Equal(closedForm, result.LearningRate, 1e-6 * closedForm);
                Assert.Equal(0, result.Momentum);
                for (int i = 0; i < delta.Length; i++) Assert.Equal(-closedForm * direction[i], delta[i], 1e-7);
            }
            SetAll(kfac.Parameters, before.Select((v, i) => v + delta[i]).ToArray());
            previousStep = delta;
        }
    }

    private static double GaussNewton(double[][] jacobian, double[] p, double[] u, double[] v, int n, int classes)
    {
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            var ju = new double[classes];
            var jv = new double[classes];
            for (int k = 0; k < classes; k++)
                for (int q = 0; q < u.Length; q++)
                {
                    ju[k] += jacobian[i * classes + k][q] * u[q];
                    jv[k] += jacobian[i * classes + k][q] * v[q];
                }
            double pu = 0, pv = 0, puv = 0;
            for (int k = 0; k < classes; k++)
            {
                double pk = p[i * classes + k];
                (pu, pv, puv) = (pu + pk * ju[k], pv + pk * jv[k], puv + pk * ju[k] * jv[k]);
            }
            total += puv - pu * pv;
        }
        return total / n;
    }

    /// <summary>∂ outputs / ∂ θ by central differences: one row per output entry.</summary>
    private static double[][] OutputJacobian(IReadOnlyList<Tensor> parameters, Func<Tensor> forward)
    {
        var theta = Flatten(parameters);
        const double h = 1e-6;
        double[] Outputs(double[] values)
        {
            SetAll(parameters, values);
            using var _ = GradMode.NoGrad();
            return forward().Data.ToArray<double>();
        }
        var columns = new double[theta.Length][];
        for (int q = 0; q < theta.Length; q++)
        {
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[q] += h;
            minus[q] -= h;
            var up = Outputs(plus);
            var down = Outputs(minus);
            columns[q] = up.Select((v, i) => (v - down[i]) / (2 * h)).ToArray();
        }
        SetAll(parameters, theta);
        var rows = new double[columns[0].Length][];
        for (int r = 0; r < rows.Length; r++) rows[r] = columns.Select(c => c[r]).ToArray();
        return rows;
    }

    private static double[] LossGradient(IReadOnlyList<Tensor> parameters, Func<Tensor> forward, Tensor labels, double l2)
    {
        var theta = Flatten(parameters);
        const double h = 1e-6;
        double Loss(double[] values)
        {
            SetAll(parameters, values);
            using var _ = GradMode.NoGrad();
            var logits = forward().Data.ToArray<double>();
            var ids = labels.Data.ToArray<long>();
            int classes = logits.Length / ids.Length;
            var p = Softmax(logits, classes);
            double total = 0;
            for (int i = 0; i < ids.Length; i++) total -= Math.Log(p[i * classes + ids[i]]);
            return total / ids.Length + 0.5 * l2 * values.Sum(v => v * v);
        }
        var gradient = new double[theta.Length];
        for (int q = 0; q < theta.Length; q++)
        {
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[q] += h;
            minus[q] -= h;
            gradient[q] = (Loss(plus) - Loss(minus)) / (2 * h);
        }
        SetAll(parameters, theta);
        return gradient;
    }

    private static double[] Softmax(double[] logits, int classes)
    {
        var p = new double[logits.Length];
        for (int i = 0; i < logits.Length / classes; i++)
        {
            double max = Enumerable.Range(0, classes).Max(k => logits[i * classes + k]);
            double sum = 0;
            for (int k = 0; k < classes; k++) sum += p[i * classes + k] = Math.Exp(logits[i * classes + k] - max);
            for (int k = 0; k < classes; k++) p[i * classes + k] /= sum;
        }
        return p;
    }

    private static double Dot(double[] a, double[] b) => a.Select((v, i) => v * b[i]).Sum();

    private static double[] Flatten(IReadOnlyList<Tensor> parameters) => parameters.SelectMany(p => p.Data.ToArray<double>()).ToArray();

    private static double[] Flatten(NDArray[] arrays) => arrays.SelectMany(a => a.ToArray<double>()).ToArray();

    private static NDArray[] Split(IReadOnlyList<Tensor> parameters, double[] flat)
    {
        var result = new NDArray[parameters.Count];
        int offset = 0;
        for (int p = 0; p < parameters.Count; p++)
        {
            result[p] = NDArray.FromArray(flat[offset..(offset + parameters[p].Size)], parameters[p].Data.ShapeCopy());
            offset += parameters[p].Size;
        }
        return result;
    }

    private static void SetAll(IReadOnlyList<Tensor> parameters, double[] flat)
    {
        var parts = Split(parameters, flat);
        for (int p = 0; p < parameters.Count; p++) parameters[p].SetData(parts[p]);
    }
}
