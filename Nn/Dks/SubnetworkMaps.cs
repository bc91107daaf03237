// Network-level ("global") maps from per-layer ones (DKS paper section on composing Q/C maps; TAT
// appendix on subnetwork-maximising functions; google-deepmind/dks dks/examples/haiku/modified_resnet.py
// subnet_max_func). An architecture is described once by its subnetwork-maximising function
// M(x, r): run the network's C-map algebra from value x with every nonlinear layer's map replaced by
// r, and return the maximum over the subnetworks that matter. Linear layers with SUO/Delta weights are
// the identity; composition composes; a normalised sum Σ w_i f_i with Σ w_i² = 1 mixes maps with
// weights w_i².
using Engine.Tensors;

namespace Engine.Nn.Dks;

/// <summary>M(x, r) of spec A1: the architecture's map algebra with each nonlinear layer's map set to r.</summary>
public delegate double SubnetworkMaxFunction(double x, Func<double, double> layerMap);

public static class SubnetworkMaps
{
    /// <summary>A plain chain of depth nonlinear layers: M(x, r) = r^{∘depth}(x).</summary>
    public static SubnetworkMaxFunction PlainChain(int depth)
    {
        if (depth < 1) throw new EngineException($"DKS: a plain chain needs at least one nonlinear layer, got depth {depth}");
        return (x, r) =>
        {
            for (int layer = 0; layer < depth; layer++) x = r(x);
            return x;
        };
    }

    /// <summary>The body of the reference's modified ResNet V2 (and of its tests): per block
    /// x ← w² shortcut + (1 - w²) r(r(r(x))), with shortcut r(x) on the first block of each group (a
    /// projection) and x otherwise, then a final r; the maximum over the whole net and one residual branch.</summary>
    public static SubnetworkMaxFunction ModifiedResNet(IReadOnlyList<int> blocksPerGroup, double shortcutWeight)
    {
        if (!(shortcutWeight >= 0 && shortcutWeight <= 1))
            throw new EngineException($"DKS: the shortcut weight must be in [0, 1], got {shortcutWeight}");
        double w2 = shortcutWeight * shortcutWeight;
        return (x, r) =>
        {
            double residualBranch = r(r(r(x)));
            foreach (int blocks in blocksPerGroup)
                for (int block = 0; block < blocks; block++)
                {
                    double shortcut = block == 0 ? r(x) : x;
                    x = NormalizedSum([w2, 1 - w2], [shortcut, r(r(r(x)))]);
                }
            return Math.Max(r(x), residualBranch);
        };
    }

    /// <summary>The map value of y = Σ w_i f_i(x) given each branch's value: Σ w_i² value_i. The caller
    /// passes the squared weights, which must sum to 1 (otherwise q is not preserved).</summary>
    public static double NormalizedSum(ReadOnlySpan<double> squaredWeights, ReadOnlySpan<double> branchValues)
    {
        double total = 0, weightSum = 0;
        for (int i = 0; i < squaredWeights.Length; i++)
        {
            total += squaredWeights[i] * branchValues[i];
            weightSum += squaredWeights[i];
        }
        if (Math.Abs(weightSum - 1) > 1e-12)
            throw new EngineException($"DKS: a normalised sum needs squared weights summing to 1, got {weightSum}");
        return total;
    }

    /// <summary>The DKS maximal slope function μ(x) = M(1, y ↦ x y): the largest C'_f(1) over subnetworks
    /// when every nonlinear layer has C'(1) = x.</summary>
    public static double MaximalSlope(SubnetworkMaxFunction network, double localSlope) => network(1, y => localSlope * y);

    /// <summary>The TAT maximal curvature function κ(x) = M(0, y ↦ x + y): the largest C''_f(1) over
    /// subnetworks when every nonlinear layer has C'(1) = 1 and C''(1) = x.</summary>
    public static double MaximalCurvature(SubnetworkMaxFunction network, double localCurvature) => network(0, y => localCurvature + y);

    /// <summary>C_f(0) = M(0, C) for the local C map C.</summary>
    public static double CAt0(SubnetworkMaxFunction network, Func<double, double> localCMap) => network(0, localCMap);

    /// <summary>C_f(c) for a plain chain: the local C map applied depth times.</summary>
    public static double ChainCMap(Func<double, double> localCMap, int depth, double c)
    {
        for (int layer = 0; layer < depth; layer++) c = localCMap(c);
        return c;
    }
}
