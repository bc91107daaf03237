// The curvature statistics K-FAC gathers through the autograd hooks, against Fisher blocks computed here
// independently from explicit Jacobians in float64:
// - a linear network with squared loss: the per-example output Jacobian does not depend on the input, so
//   the Kronecker block A ⊗ G equals the exact Fisher block (kfac-jax tests/test_estimator.py
//   ::test_kronecker_factored makes the same check);
// - the Monte-Carlo (sampled-target) G factor converges to the exact one as the sample count grows;
// - the KFC input factor of a convolution equals the mean outer product of explicitly extracted patches;
// - the embedding input factor holds the id frequencies.
using Engine.Autograd;
using Engine.Nn;
using Engine.Optim.Kfac;
using Engine.Tensors;
using Xunit;

namespace Engine.Optim.Tests.Kfac;

public class FisherBlockTests
{
    private static KfacOptions CurvatureOnly(FisherEstimation estimation, int samples = 1) =>
        new() { BurnInSteps = 1, Estimation = estimation, EstimatorSamples = samples, Seed = 5 };

    [Fact]
    public void LinearNetworkWithSquaredLossHasAnExactKroneckerFisherBlock()
    {
        const int n = 7, d0 = 3, d1 = 4, d2 = 2;
        var rng = new Generator(1);
        var first = new Linear(d0, d1, rng, dtype: DType.Float64);
        var second = new Linear(d1, d2, rng, dtype: DType.Float64);
        var model = new Sequential(first, second);
        var x = new Tensor(rng.Normal([n, d0], dtype: DType.Float64));
        var targets = new Tensor(rng.Normal([n, d2], dtype: DType.Float64));
        var kfac = new KfacOptimizer(model, CurvatureOnly(FisherEstimation.Exact));
        var result = kfac.Step(() => model.Forward(x), RegisteredLoss.SquaredError(targets));
        Assert.True(result.BurnIn);

        // Explicit Jacobians of y = (x W1 + b1) W2 + b2 with respect to M1 = [W1; b1] and M2 = [W2; b2]
        // (rows = inputs plus the homogeneous 1, columns = outputs); F_R = I for ½‖y − t‖².
        var w1 = first.Weight.Data.ToArray<double>();
        var b1 = first.Bias!.Data.ToArray<double>();
        var w2 = second.Weight.Data.ToArray<double>();
        var xs = x.Data.ToArray<double>();
        var fisher1 = new double[(d0 + 1) * d1, (d0 + 1) * d1];
        var fisher2 = new double[(d1 + 1) * d2, (d1 + 1) * d2];
        for (int i = 0; i < n; i++)
        {
            var a = new double[d0 + 1];
            for (int p = 0; p < d0; p++) a[p] = xs[i * d0 + p];
            a[d0] = 1;
            var h = new double[d1 + 1];
            for (int q = 0; q < d1; q++)
            {
                h[q] = b1[q];
                for (int p = 0; p < d0; p++) h[q] += a[p] * w1[p * d1 + q];
            }
            h[d1] = 1;
            for (int k = 0; k < d2; k++)
            {
                // ∂y_k/∂M1[p,q] = a_p W2[q,k];  ∂y_k/∂M2[p,q] = h_p [q = k]
                var j1 = new double[(d0 + 1) * d1];
                for (int p = 0; p <= d0; p++)
                    for (int q = 0; q < d1; q++) j1[p * d1 + q] = a[p] * w2[q * d2 + k];
                var j2 = new double[(d1 + 1) * d2];
                for (int p = 0; p <= d1; p++) j2[p * d2 + k] = h[p];
                AddOuter(fisher1, j1, 1.0 / n);
                AddOuter(fisher2, j2, 1.0 / n);
            }
        }
        AssertKroneckerEquals(fisher1, ((DenseBlock)kfac.Blocks[0]).Factors!);
        AssertKroneckerEquals(fisher2, ((DenseBlock)kfac.Blocks[1]).Factors!);
    }

    [Theory]
    [InlineData(LossKind.SoftmaxCrossEntropy)]
    [InlineData(LossKind.SigmoidCrossEntropy)]
    [InlineData(LossKind.SquaredError)]
    public void MonteCarloFisherConvergesToTheExactFisher(LossKind kind)
    {
        var rng = new Generator(2);
        var model = new Sequential(new Linear(3, 6, rng, dtype: DType.Float64), new Activation(t => t.Tanh()), new Linear(6, 5, rng, dtype: DType.Float64));
        var x = new Tensor(rng.Normal([12, 3], dtype: DType.Float64));
        var loss = kind switch
        {
            LossKind.SoftmaxCrossEntropy => RegisteredLoss.SoftmaxCrossEntropy(new Tensor(NDArray.FromArray(Enumerable.Range(0, 12).Select(i => (long)(i % 5)).ToArray(), 12))),
            LossKind.SigmoidCrossEntropy => RegisteredLoss.SigmoidCrossEntropy(new Tensor(rng.Bernoulli(NDArray.Full([12, 5], 0.5, DType.Float64), DType.Float64))),
            _ => RegisteredLoss.SquaredError(new Tensor(rng.Normal([12, 5], dtype: DType.Float64))),
        };
        double[] FirstLayerG(KfacOptions options)
        {
            var kfac = new KfacOptimizer(model, options);
            kfac.Step(() => model.Forward(x), loss);
            return ((DenseBlock)kfac.Blocks[0]).Factors!.G;
        }
        var exact = FirstLayerG(CurvatureOnly(FisherEstimation.Exact));
        double RelativeError(int samples)
        {
            var sampled = FirstLayerG(CurvatureOnly(FisherEstimation.Sampled, samples));
            double error = 0, norm = 0;
            for (int i = 0; i < exact.Length; i++) (error, norm) = (error + Math.Pow(sampled[i] - exact[i], 2), norm + exact[i] * exact[i]);
            return Math.Sqrt(error / norm);
        }
        double few = RelativeError(8), many = RelativeError(512);
        // The error falls like 1/√samples: 64x the samples should cut it about 8x.
        Assert.True(many < few / 3, $"{kind}: relative error {few} with 8 samples, {many} with 512");
        Assert.True(many < 0.1, $"{kind}: relative error {many} with 512 samples");
    }

    [Fact]
    public void ConvolutionInputFactorIsTheMeanOuterProductOfPatches()
    {
        const int n = 2, c = 2, h = 5, w = 4, kh = 3, kw = 2, stride = 2, ph = 1, pw = 1;
        var rng = new Generator(3);
        var conv = new Conv2d(c, 3, (kh, kw), rng, stride: stride, padding: (ph, pw), dtype: DType.Float64);
        var model = new Sequential(conv, new Activation(t => t.Reshape(n, -1)));
        var x = new Tensor(rng.Normal([n, c, h, w], dtype: DType.Float64));
        var kfac = new KfacOptimizer(model, CurvatureOnly(FisherEstimation.Sampled));
        var outputs = model.Forward(x);
        kfac.Step(() => model.Forward(x), RegisteredLoss.SquaredError(new Tensor(NDArray.ZerosLike(outputs.Data))));
        var block = (Conv2dBlock)kfac.Blocks[0];

        int oh = (h + 2 * ph - kh) / stride + 1, ow = (w + 2 * pw - kw) / stride + 1, patch = c * kh * kw;
        Assert.Equal(oh * ow, block.Locations);
        var xs = x.Data.ToArray<double>();
        var expected = new double[(patch + 1) * (patch + 1)];
        for (int i = 0; i < n; i++)
            for (int r = 0; r < oh; r++)
                for (int s = 0; s < ow; s++)
                {
                    var a = new double[patch + 1];
                    for (int ch = 0; ch < c; ch++)
                        for (int u = 0; u < kh; u++)
                            for (int v = 0; v < kw; v++)
                            {
                                int row = r * stride + u - ph, col = s * stride + v - pw;
                                bool inside = row >= 0 && row < h && col >= 0 && col < w;
                                a[(ch * kh + u) * kw + v] = inside ? xs[((i * c + ch) * h + row) * w + col] : 0;
                            }
                    a[patch] = 1;
                    for (int p = 0; p <= patch; p++)
                        for (int q = 0; q <= patch; q++) expected[p * (patch + 1) + q] += a[p] * a[q] / (n * oh * ow);
                }
        Assert.True(DenseAlgebra.MaxAbsDifference(expected, block.Factors!.A) < 1e-12);
    }

    [Fact]
    public void EmbeddingInputFactorHoldsIdFrequencies()
    {
        var rng = new Generator(4);
        var embedding = new Embedding(6, 3, rng, DType.Float64);
        var ids = new Tensor(NDArray.FromArray(new long[] { 1, 4, 4, 0, 4, 1, 5, 1 }, 8));
        var kfac = new KfacOptimizer(embedding, CurvatureOnly(FisherEstimation.Sampled));
        kfac.Step(() => embedding.Forward(ids), RegisteredLoss.SquaredError(new Tensor(NDArray.Zeros([8, 3], DType.Float64))));
        var factors = ((EmbeddingBlock)kfac.Blocks[0]).Factors!;
        Assert.True(factors.IsDiagonalA);
        Assert.Equal(new[] { 1 / 8.0, 3 / 8.0, 0, 0, 3 / 8.0, 1 / 8.0 }, factors.A);
    }

    [Fact]
    public void ConvolutionAndEmbeddingBlocksActOnTheirParametersInTheDocumentedLayout()
    {
        // The block multiplies the matrix M [patch (+1), out] (M[p, o] = W[o, p], last row the bias) by
        // T·A M G, and an embedding table E [count, dim] by diag(a) E G; rebuilt here from the factors.
        var rng = new Generator(6);
        var conv = new Conv2d(2, 3, (3, 3), rng, padding: (1, 1), dtype: DType.Float64);
        var x = new Tensor(rng.Normal([2, 2, 4, 4], dtype: DType.Float64));
        var convModel = new Sequential(conv, new Activation(t => t.Reshape(2, -1)));
        var kfac = new KfacOptimizer(convModel, CurvatureOnly(FisherEstimation.Sampled));
        kfac.Step(() => convModel.Forward(x), RegisteredLoss.SquaredError(new Tensor(NDArray.Zeros([2, 48], DType.Float64))));
        var block = (Conv2dBlock)kfac.Blocks[0];
        var factors = block.Factors!;
        int patch = 18, outputs = 3;
        var weight = rng.Normal([outputs, 2, 3, 3], dtype: DType.Float64);
        var bias = rng.Normal([outputs], dtype: DType.Float64);
        var w = weight.ToArray<double>();
        var b = bias.ToArray<double>();
        var m = new double[(patch + 1) * outputs];
        for (int o = 0; o < outputs; o++)
        {
            for (int p = 0; p < patch; p++) m[p * outputs + o] = w[o * patch + p];
            m[patch * outputs + o] = b[o];
        }
        var expected = DenseAlgebra.Multiply(DenseAlgebra.Kronecker(DenseAlgebra.FromRowMajor(factors.A, patch + 1), DenseAlgebra.FromRowMajor(factors.G, outputs)), m)
            .Select(v => v * block.Locations).ToArray();
        var product = block.Multiply([weight, bias], 0);
        var actual = new double[m.Length];
        var pw = product[0].ToArray<double>();
        var pb = product[1].ToArray<double>();
        for (int o = 0; o < outputs; o++)
        {
            for (int p = 0; p < patch; p++) actual[p * outputs + o] = pw[o * patch + p];
            actual[patch * outputs + o] = pb[o];
        }
        Assert.Equal(16, block.Locations);
        Assert.True(DenseAlgebra.MaxAbsDifference(expected, actual) < 1e-10 * DenseAlgebra.MaxAbs(expected));

        var embedding = new Embedding(5, 2, rng, DType.Float64);
        var ids = new Tensor(NDArray.FromArray(new long[] { 0, 3, 3, 4 }, 4));
        var embeddingKfac = new KfacOptimizer(embedding, CurvatureOnly(FisherEstimation.Sampled));
        embeddingKfac.Step(() => embedding.Forward(ids), RegisteredLoss.SquaredError(new Tensor(NDArray.Zeros([4, 2], DType.Float64))));
        var table = rng.Normal([5, 2], dtype: DType.Float64);
        var embeddingFactors = ((EmbeddingBlock)embeddingKfac.Blocks[0]).Factors!;
        var tableExpected = DenseAlgebra.Multiply(DenseAlgebra.Kronecker(DenseAlgebra.Diagonal(embeddingFactors.A), DenseAlgebra.FromRowMajor(embeddingFactors.G, 2)), table.ToArray<double>());
        var tableActual = embeddingKfac.Blocks[0].Multiply([table], 0)[0].ToArray<double>();
        Assert.True(DenseAlgebra.MaxAbsDifference(tableExpected, tableActual) < 1e-12);
    }

    private static void AddOuter(double[,] m, double[] v, double scale)
    {
        for (int i = 0; i < v.Length; i++)
            for (int j = 0; j < v.Length; j++) m[i, j] += scale * v[i] * v[j];
    }

    private static void AssertKroneckerEquals(double[,] expected, KroneckerFactors factors)
    {
        var kron = DenseAlgebra.Kronecker(DenseAlgebra.FromRowMajor(factors.A, factors.InputDim), DenseAlgebra.FromRowMajor(factors.G, factors.OutputDim));
        double worst = 0, scale = 0;
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++)
            {
                worst = Math.Max(worst, Math.Abs(kron[i, j] * factors.Scale - expected[i, j]));
                scale = Math.Max(scale, Math.Abs(expected[i, j]));
            }
        Assert.True(worst < 1e-12 * scale, $"largest difference {worst} (entries up to {scale})");
    }
}
