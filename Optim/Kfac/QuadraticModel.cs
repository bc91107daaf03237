// K-FAC's step control by the quadratic model (Martens & Grosse 2015, sections 6.4 and 7; kfac-jax
// optimizer.py::_compute_exact_quad_model and _solve_quad_model). For update directions v = (Δ, v_prev)
// and coefficients w, the update δ = w₀Δ + w₁v_prev changes the loss by about
//   q(w) = ½ wᵀ(M + λD)w + bᵀw,  M_ij = v_iᵀ C v_j,  D_ij = v_iᵀ v_j,  b_i = gᵀ v_i,
// with C the exact Gauss–Newton matrix (plus the L2 term). Adaptive coefficients minimise q; fixed ones
// are used as given. The predicted change that Levenberg–Marquardt compares with the real one leaves the
// damping out (kfac-jax's default, include_damping_in_quad_change = False).
using Engine.Autograd;
using Engine.Tensors;

namespace Engine.Optim.Kfac;

public static class QuadraticModel
{
    /// <summary>The coefficients (w₀ for Δ, w₁ for v_prev) and the undamped model change ½wᵀMw + bᵀw.
    /// Without a previous update (the first step) only w₀ is solved: w₀ = −b₀ / (M₀₀ + λD₀₀).</summary>
    public static (double[] Coefficients, double Change) Solve(double[,] curvature, double[,] dots, double[] linear, double damping,
        bool adaptiveLearningRate, bool adaptiveMomentum, double learningRate, double momentum, bool hasPrevious)
    {
        double Damped(int i, int j) => curvature[i, j] + damping * dots[i, j];
        var w = new double[2];
        if (!adaptiveLearningRate)
            (w[0], w[1]) = (-learningRate, hasPrevious ? momentum : 0);
        else if (!hasPrevious)
            w[0] = -linear[0] / Damped(0, 0);
        else if (!adaptiveMomentum)
        {
            w[1] = momentum;
            w[0] = -(linear[0] + Damped(0, 1) * w[1]) / Damped(0, 0);
        }
        else
        {
            // Cramer's rule for the 2 x 2 system (M + λD) w = −b.
            double a = Damped(0, 0), b = Damped(0, 1), c = Damped(1, 0), d = Damped(1, 1);
            double determinant = a * d - b * c;
            if (determinant == 0 || !double.IsFinite(determinant))
                w[0] = -linear[0] / a;
            else
            {
                w[0] = (-linear[0] * d + linear[1] * b) / determinant;
                w[1] = (-linear[1] * a + linear[0] * c) / determinant;
            }
        }
        double change = 0;
        for (int i = 0; i < 2; i++)
        {
            change += linear[i] * w[i];
            for (int j = 0; j < 2; j++) change += 0.5 * w[i] * curvature[i, j] * w[j];
        }
        return (w, change);
    }

    /// <summary>The Jacobian-vector products J v (flattened like outputs, float64) for each vector given
    /// per parameter (CPU float64, moved to the parameters' device here). Reverse mode twice: h(u) = Jᵀu
    /// with a graph (createGraph), then the gradient of ⟨h(u), v⟩ with respect to u is J v. The forward
    /// graph of outputs must still be alive.</summary>
    public static double[][] JacobianProducts(Tensor outputs, IReadOnlyList<Tensor> parameters, IReadOnlyList<NDArray[]> vectors)
    {
        var probe = new Tensor(NDArray.Zeros(outputs.Shape, outputs.DType, outputs.Device), requiresGrad: true);
        var transposed = Gradients.Of([outputs], [.. parameters], [probe], retainGraph: true, createGraph: true, allowUnused: true);
        var products = new double[vectors.Count][];
        for (int k = 0; k < vectors.Count; k++)
        {
            Tensor? inner = null;
            for (int p = 0; p < parameters.Count; p++)
            {
                if (!transposed[p].RequiresGrad) continue;
                var term = (transposed[p] * new Tensor(vectors[k][p].ToDType(transposed[p].DType).To(transposed[p].Device))).Sum();
                inner = inner is null ? term : inner + term;
            }
            products[k] = inner is null
                ? new double[outputs.Size]
                : Gradients.Of([inner], [probe], retainGraph: true, allowUnused: true)[0].Data.ToDoubleArray();
        }
        return products;
    }
}
