// The registered losses' curvature: for each kind, the factor columns B satisfy B Bᵀ = H, the Hessian of
// the per-example loss with respect to the outputs, and CurvatureInner is (1/N) Σ uᵢᵀ Hᵢ wᵢ. H is taken
// here by second-order central differences of the loss value in float64.
using Engine.Autograd;
using Engine.Optim.Kfac;
using Engine.Tensors;
using Xunit;

namespace Engine.Optim.Tests.Kfac;

public class RegisteredLossTests
{
    public static TheoryData<LossKind> Kinds => [LossKind.SoftmaxCrossEntropy, LossKind.SigmoidCrossEntropy, LossKind.SquaredError];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void FactorColumnsAndInnerProductsMatchTheLossHessian(LossKind kind)
    {
        const int n = 3, classes = 4;
        var rng = new Generator(8);
        var outputs = rng.Normal([n, classes], dtype: DType.Float64).ToArray<double>();
        var loss = kind switch
        {
            LossKind.SoftmaxCrossEntropy => RegisteredLoss.SoftmaxCrossEntropy(new Tensor(NDArray.FromArray(new long[] { 2, 0, 3 }, n))),
            LossKind.SigmoidCrossEntropy => RegisteredLoss.SigmoidCrossEntropy(new Tensor(rng.Bernoulli(NDArray.Full([n, classes], 0.5, DType.Float64), DType.Float64))),
            _ => RegisteredLoss.SquaredError(new Tensor(rng.Normal([n, classes], dtype: DType.Float64))),
        };
        double Loss(double[] y) => loss.Value(new Tensor(NDArray.FromArray(y, n, classes))).Item();
        const double h = 1e-4;
        var columns = Enumerable.Range(0, classes).Select(k => loss.FactorColumn(outputs, n, classes, k)).ToArray();
        var u = rng.Normal([n * classes], dtype: DType.Float64).ToArray<double>();
        var w = rng.Normal([n * classes], dtype: DType.Float64).ToArray<double>();
        double inner = 0;
        for (int i = 0; i < n; i++)
            for (int a = 0; a < classes; a++)
                for (int b = 0; b < classes; b++)
                {
                    int ia = i * classes + a, ib = i * classes + b;
                    double Shifted(double da, double db)
                    {
                        var y = (double[])outputs.Clone();
                        y[ia] += da;
                        y[ib] += db;
                        return Loss(y);
                    }
                    // The loss is a mean over n examples, so the per-example Hessian is n times this one.
                    double hessian = n * (Shifted(h, h) - Shifted(h, -h) - Shifted(-h, h) + Shifted(-h, -h)) / (4 * h * h);
                    double factored = columns.Sum(column => column[ia] * column[ib]);
                    Assert.True(Math.Abs(hessian - factored) < 1e-5, $"{kind}: example {i}, H[{a},{b}] = {hessian}, B Bᵀ gives {factored}");
                    inner += u[ia] * hessian * w[ib] / n;
                }
        Assert.Equal(inner, loss.CurvatureInner(outputs, u, w, n, classes), 1e-5);
    }
}
