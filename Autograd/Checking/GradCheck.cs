// Gradient checking: compares reverse-mode gradients with float64 central differences.
// For a random cotangent w, the scalar L(x) = sum(f(x) * w) is differentiated both ways, element by
// element; the worst element (by error relative to atol + rtol * |numeric|) is reported with its index.
using Engine.Tensors;

namespace Engine.Autograd;

public sealed record GradCheckOptions(double Eps = 1e-6, double Atol = 1e-5, double Rtol = 1e-3, ulong Seed = 12345);

public sealed record GradCheckResult(bool Passed, int Input, int[] Index, double Analytic, double Numeric, int ElementsChecked)
{
    public override string ToString() => Input < 0
        ? $"gradcheck passed ({ElementsChecked} elements; nothing to differentiate)"
        : $"gradcheck {(Passed ? "passed" : "FAILED")}: worst element is input {Input} at {ShapeMath.Format(Index)}: analytic {Analytic:G10}, numeric {Numeric:G10} ({ElementsChecked} elements checked)";
}

public static class GradCheck
{
    /// <summary>Checks the first derivatives of f at inputs (float64 tensors; those with RequiresGrad are checked).</summary>
    public static GradCheckResult Check(Func<Tensor[], Tensor> f, Tensor[] inputs, GradCheckOptions? options = null)
    {
        options ??= new GradCheckOptions();
        var checkedInputs = PrepareInputs(inputs);
        var output = f(checkedInputs);
        var cotangent = new Generator(options.Seed).Normal(output.Shape, dtype: output.DType);
        var differentiable = checkedInputs.Where(t => t.RequiresGrad).ToArray();
        var analytic = output.RequiresGrad
            ? Gradients.Of([output], differentiable, [new Tensor(cotangent)], allowUnused: true)
            : differentiable.Select(t => new Tensor(NDArray.ZerosLike(t.Data))).ToArray();

        double Loss()
        {
            using var _ = GradMode.NoGrad();
            return f(checkedInputs).Data.Mul(cotangent).Sum().Item();
        }

        var worst = new GradCheckResult(true, -1, [], 0, 0, 0);
        double worstRatio = -1;
        int count = 0;
        for (int i = 0; i < differentiable.Length; i++)
        {
            var data = differentiable[i].Data;
            var grad = analytic[i].Data;
            var index = new int[data.Rank];
            for (int e = 0; e < data.Size; e++)
            {
                ShapeMath.Unravel(e, data.Shape, index);
                int pos = data.StorageIndex(index);
                double original = data.Storage.GetAsDouble(pos);
                data.Storage.SetFromDouble(pos, original + options.Eps);
                double plus = Loss();
                data.Storage.SetFromDouble(pos, original - options.Eps);
                double minus = Loss();
                data.Storage.SetFromDouble(pos, original);
                double numeric = (plus - minus) / (2 * options.Eps);
                double exact = grad[index];
                double ratio = Math.Abs(exact - numeric) / (options.Atol + options.Rtol * Math.Abs(numeric));
                if (double.IsNaN(ratio)) ratio = double.PositiveInfinity;
                count++;
                if (ratio > worstRatio)
                {
                    worstRatio = ratio;
                    worst = new GradCheckResult(ratio <= 1, Array.IndexOf(checkedInputs, differentiable[i]), (int[])index.Clone(), exact, numeric, 0);
                }
            }
        }
        return worst with { ElementsChecked = count };
    }

    /// <summary>Checks second derivatives: the gradient of v . grad(sum(f(x) * w)) against differences of
    /// first-order gradients. Needs every op in f to have a differentiable backward.</summary>
    public static GradCheckResult CheckSecondOrder(Func<Tensor[], Tensor> f, Tensor[] inputs, GradCheckOptions? options = null)
    {
        options ??= new GradCheckOptions();
        var rng = new Generator(options.Seed + 1);
        var probeOutput = f(PrepareInputs(inputs));
        var cotangent = new Tensor(rng.Normal(probeOutput.Shape, dtype: probeOutput.DType));
        var directions = inputs.Select(t => new Tensor(rng.Normal(t.Shape, dtype: t.DType))).ToArray();

        Tensor GradientAlongDirections(Tensor[] xs)
        {
            using var _ = GradMode.EnableGrad();
            var output = f(xs);
            var differentiable = Enumerable.Range(0, xs.Length).Where(i => xs[i].RequiresGrad).ToArray();
            var total = Tensor.Scalar(0, DType.Float64);
            if (!output.RequiresGrad) return total;
            var grads = Gradients.Of([output], differentiable.Select(i => xs[i]).ToArray(), [cotangent], createGraph: true, allowUnused: true);
            for (int j = 0; j < grads.Length; j++) total = total + (grads[j] * directions[differentiable[j]]).Sum();
            return total;
        }

        return Check(GradientAlongDirections, inputs, options);
    }

    /// <summary>Runs Check and throws an EngineException naming the worst element when it fails.</summary>
    public static void Assert(Func<Tensor[], Tensor> f, Tensor[] inputs, GradCheckOptions? options = null)
    {
        var result = Check(f, inputs, options);
        if (!result.Passed) throw new EngineException(result.ToString());
    }

    /// <summary>Inputs must be float64. Views whose elements overlap (expanded axes) cannot be perturbed
    /// one element at a time, so they are replaced by dense copies.</summary>
    private static Tensor[] PrepareInputs(Tensor[] inputs)
    {
        var result = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var t = inputs[i];
            if (t.RequiresGrad && t.DType != DType.Float64)
                throw new EngineException($"gradcheck: input {i} is {t.DType.Name()}; gradient checks run in float64 (use ToDType(DType.Float64))");
            if (t.RequiresGrad && !t.IsLeaf)
                throw new EngineException($"gradcheck: input {i} is not a leaf; pass leaf tensors (Detach() and set RequiresGrad)");
            result[i] = t.RequiresGrad && HasOverlap(t.Data) ? new Tensor(t.Data.Clone(), requiresGrad: true) : t;
        }
        return result;
    }

    private static bool HasOverlap(NDArray a)
    {
        for (int d = 0; d < a.Rank; d++)
            if (a.Strides[d] == 0 && a.Shape[d] > 1) return true;
        return false;
    }
}
