// Shared fixtures: the tiny configuration of specs/griffin.md §5.2 (golden vector A), its deterministic
// parameter fill and input, and helpers to build float64 models for gradient checks.
using Engine.Autograd;
using Engine.Models.Griffin;
using Engine.Tensors;

namespace Engine.Models.Tests.Griffin;

internal static class TinyGriffin
{
    /// <summary>V=32, D=24, E=32, H=2 (hd 12), M=72, blocks (R, R, A), W=4, emb×√D on, soft cap 30.</summary>
    public static GriffinConfig VectorAConfig { get; } = new GriffinConfig
    {
        VocabSize = 32,
        Width = 24,
        MlpExpandedWidth = 72,
        NumHeads = 2,
        LruWidth = 32,
        BlockTypes = [TemporalBlockType.Recurrent, TemporalBlockType.Recurrent, TemporalBlockType.Attention],
        AttentionWindowSize = 4,
        EmbeddingsScaleBySqrtDim = true,
        LogitsSoftCap = 30,
    };

    /// <summary>A smaller model for float64 gradient checks: blocks (R, A), W = 2.</summary>
    public static GriffinConfig GradCheckConfig { get; } = new GriffinConfig
    {
        VocabSize = 7,
        Width = 8,
        MlpExpandedWidth = 12,
        NumHeads = 2,
        LruWidth = 8,
        BlockTypes = [TemporalBlockType.Recurrent, TemporalBlockType.Attention],
        AttentionWindowSize = 2,
        EmbeddingsScaleBySqrtDim = true,
        LogitsSoftCap = 30,
    };

    public static readonly long[] VectorATokens = [5, 17, 3, 29, 11, 0, 8, 22, 1, 14, 30, 7, 19, 2, 25];
    public static readonly long[] VectorAPositions = [0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 7];

    /// <summary>Parameter p (in checkpoint order), flat index i: float32(0.2·sin(0.37·i + 1.1·p + 0.5)).</summary>
    public static double FillValue(int p, int i) => (float)(0.2 * Math.Sin(0.37 * i + 1.1 * p + 0.5));

    /// <summary>Overwrites every parameter of the module with the deterministic fill of §5.2.</summary>
    public static void Fill(Engine.Nn.Module module)
    {
        int p = 0;
        foreach (var (_, parameter) in module.NamedParameters())
        {
            var values = new double[parameter.Size];
            for (int i = 0; i < values.Length; i++) values[i] = FillValue(p, i);
            parameter.Data.CopyFrom(NDArray.FromArray(values, parameter.Data.ShapeCopy()));
            p++;
        }
    }

    /// <summary>The filled parameters by name, as flat float64 arrays in the torch layout.</summary>
    public static Dictionary<string, double[]> FlatParameters(Engine.Nn.Module module)
    {
        var map = new Dictionary<string, double[]>();
        foreach (var (name, parameter) in module.NamedParameters()) map[name] = parameter.Data.Contiguous().ToDoubleArray();
        return map;
    }

    public static GriffinModel FilledModel(GriffinConfig config, DType dtype)
    {
        var model = new GriffinModel(config, new Generator(1), dtype);
        Fill(model);
        return model;
    }

    public static Tensor Row(long[] values) => Tensor.FromArray(values, 1, values.Length);

    public static Tensor Rows(long[][] rows)
    {
        var flat = rows.SelectMany(r => r).ToArray();
        return Tensor.FromArray(flat, rows.Length, rows[0].Length);
    }

    public static double MaxAbsDiff(NDArray a, NDArray b)
    {
        var x = a.ToDoubleArray();
        var y = b.ToDoubleArray();
        Assert.Equal(x.Length, y.Length);
        double worst = 0;
        for (int i = 0; i < x.Length; i++) worst = Math.Max(worst, Math.Abs(x[i] - y[i]));
        return worst;
    }
}
