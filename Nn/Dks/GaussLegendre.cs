// Gauss–Legendre quadrature, the rule DKS uses for its Gaussian expectations (google-deepmind/dks,
// dks/base/activation_transform.py::_estimate_gaussian_mean integrates over [-10, 10] with
// scipy.integrate.fixed_quad). Instead of one rule of order 100 000 we use a composite rule (many
// short panels, few nodes each), which is as accurate for smooth integrands, costs milliseconds to
// build, and lets a panel edge sit exactly on an activation's kink.
using Engine.Tensors;

namespace Engine.Nn.Dks;

public static class GaussLegendre
{
    /// <summary>The n nodes and weights of the Gauss–Legendre rule on [-1, 1], exact for polynomials of
    /// degree up to 2n - 1. Nodes are the roots of P_n, found by Newton's method from Chebyshev-like
    /// starting guesses; weights are 2 / ((1 - x^2) P_n'(x)^2).</summary>
    public static (double[] Nodes, double[] Weights) Rule(int n)
    {
        if (n < 1) throw new EngineException($"GaussLegendre: the order must be positive, got {n}");
        var nodes = new double[n];
        var weights = new double[n];
        for (int i = 0; i < (n + 1) / 2; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            double derivative = 0;
            for (int iteration = 0; iteration < 100; iteration++)
            {
                (double value, derivative) = Legendre(n, x);
                double step = value / derivative;
                x -= step;
                if (Math.Abs(step) < 1e-16) break;
            }
            (_, derivative) = Legendre(n, x);
            double weight = 2 / ((1 - x * x) * derivative * derivative);
            nodes[i] = -x;
            nodes[n - 1 - i] = x;
            weights[i] = weights[n - 1 - i] = weight;
        }
        if (n % 2 == 1) nodes[n / 2] = 0;
        return (nodes, weights);
    }

    /// <summary>P_n(x) and P_n'(x) by the three-term recurrence.</summary>
    private static (double Value, double Derivative) Legendre(int n, double x)
    {
        double previous = 1, current = x;
        if (n == 0) return (1, 0);
        for (int k = 2; k <= n; k++)
        {
            double next = ((2 * k - 1) * x * current - (k - 1) * previous) / k;
            previous = current;
            current = next;
        }
        return (current, n * (x * current - previous) / (x * x - 1));
    }

    /// <summary>A composite rule on [lower, upper]: `panels` equal panels of `order` nodes each, with any
    /// breakpoint strictly inside the interval splitting the panel that contains it, so an integrand
    /// that is smooth between breakpoints is integrated to full precision.</summary>
    public static (double[] Nodes, double[] Weights) Composite(double lower, double upper, int panels, int order,
        ReadOnlySpan<double> breakpoints = default)
    {
        if (!(upper > lower) || panels < 1)
            throw new EngineException($"GaussLegendre: need lower < upper and at least one panel, got [{lower}, {upper}] with {panels} panels");
        var edges = new List<double>(panels + 1 + breakpoints.Length);
        double width = (upper - lower) / panels;
        for (int p = 0; p <= panels; p++) edges.Add(p == panels ? upper : lower + p * width);
        foreach (double b in breakpoints)
            if (b > lower && b < upper) edges.Add(b);
        edges.Sort();
        var (unitNodes, unitWeights) = CachedRule(order);
        var nodes = new double[(edges.Count - 1) * order];
        var weights = new double[nodes.Length];
        int k = 0;
        for (int e = 0; e + 1 < edges.Count; e++)
        {
            double half = (edges[e + 1] - edges[e]) / 2, mid = (edges[e + 1] + edges[e]) / 2;
            for (int j = 0; j < order; j++, k++)
            {
                nodes[k] = mid + half * unitNodes[j];
                weights[k] = half * unitWeights[j];
            }
        }
        return (nodes, weights);
    }

    private static readonly Dictionary<int, (double[], double[])> Cache = [];

    private static (double[] Nodes, double[] Weights) CachedRule(int order)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(order, out var rule)) Cache[order] = rule = Rule(order);
            return rule;
        }
    }
}
