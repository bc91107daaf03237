// Per-location normalisation of network inputs (DKS paper, data preprocessing; google-deepmind/dks
// dks/jax/data_preprocessing.py::per_location_normalization): after optionally appending a
// homogeneous coordinate, each location's feature vector (the last axis) is scaled so that its mean
// square is 1, which gives every input q = 1 as DKS/TAT assume (it also rescues all-zero pixels).
using Engine.Tensors;

namespace Engine.Nn.Dks;

public enum HomogeneousCoordinate
{
    /// <summary>Append nothing.</summary>
    Off,
    /// <summary>Append the constant homogeneous scale.</summary>
    One,
    /// <summary>Append √(mean of x² over the example's locations and features) times the scale; needs
    /// inputs [batch, locations..., features].</summary>
    AverageQ,
}

public static class PerLocationNormalization
{
    /// <summary>Normalises x (rank ≥ 1, features last); the last axis grows by one unless mode is Off.</summary>
    public static NDArray Apply(NDArray x, HomogeneousCoordinate mode = HomogeneousCoordinate.One, double homogeneousScale = 1)
    {
        if (x.Rank < 1) throw new EngineException($"Per-location normalisation: needs a feature axis, got shape {x.ShapeString}");
        if (mode == HomogeneousCoordinate.AverageQ && x.Rank < 3)
            throw new EngineException($"Per-location normalisation: avg_q needs [batch, locations..., features], got shape {x.ShapeString}");
        var values = x.ToDoubleArray();
        int features = x.Dim(-1), outFeatures = mode == HomogeneousCoordinate.Off ? features : features + 1;
        int locations = values.Length / Math.Max(features, 1);
        int locationsPerExample = mode == HomogeneousCoordinate.AverageQ ? locations / x.Dim(0) : 1;
        var result = new double[locations * outFeatures];
        for (int location = 0; location < locations; location++)
        {
            var row = result.AsSpan(location * outFeatures, outFeatures);
            values.AsSpan(location * features, features).CopyTo(row);
            if (mode == HomogeneousCoordinate.One) row[features] = homogeneousScale;
            else if (mode == HomogeneousCoordinate.AverageQ)
                row[features] = homogeneousScale * Math.Sqrt(MeanSquare(values.AsSpan(
                    location / locationsPerExample * locationsPerExample * features, locationsPerExample * features)));
            double norm = Math.Sqrt(MeanSquare(row));
            if (norm > 0)
                for (int i = 0; i < row.Length; i++) row[i] /= norm;
        }
        var shape = x.Shape.ToArray();
        shape[^1] = outFeatures;
        return NDArray.FromArray(result, shape).ToDType(x.DType);
    }

    private static double MeanSquare(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values) sum += v * v;
        return sum / values.Length;
    }
}
