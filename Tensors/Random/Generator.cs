// A seeded random stream built on Philox. Its whole state is (seed, offset): each draw of n values
// consumes a fixed range of counters starting at offset and then advances it, so saving and restoring
// those two numbers resumes the exact same sequence.
using System.Numerics;
using System.Numerics.Tensors;

namespace Engine.Tensors;

public sealed class Generator
{
    public ulong Seed { get; }

    /// <summary>The next unused Philox block; part of the state to checkpoint.</summary>
    public ulong Offset { get; set; }

    public Generator(ulong seed, ulong offset = 0)
    {
        Seed = seed;
        Offset = offset;
    }

    /// <summary>Uniform values in [low, high).</summary>
    public NDArray Uniform(ReadOnlySpan<int> shape, double low = 0, double high = 1, DType dtype = DType.Float32)
    {
        RequireFloat("uniform", dtype);
        var result = NDArray.Empty(shape, dtype);
        if (dtype == DType.Float32)
        {
            FillUnitFloats(result.Span<float>(), (float)low, (float)(high - low));
            KeepBelow(result.Span<float>(), (float)low, (float)high);
        }
        else
        {
            FillUnitDoubles(result.Span<double>(), low, high - low);
            KeepBelow(result.Span<double>(), low, high);
        }
        return result;
    }

    /// <summary>Normal values by the Box-Muller transform on pairs of uniforms.</summary>
    public NDArray Normal(ReadOnlySpan<int> shape, double mean = 0, double std = 1, DType dtype = DType.Float32)
    {
        RequireFloat("normal", dtype);
        if (std < 0) throw EngineException.ForOp("normal", $"std must be non-negative, got {std}");
        var result = NDArray.Empty(shape, dtype);
        int n = result.Size;
        var u = new double[n + (n & 1)];
        FillUnitDoubles(u, 0, 1);
        for (int i = 0; i < n; i += 2)
        {
            double radius = Math.Sqrt(-2 * Math.Log(1 - u[i])), angle = 2 * Math.PI * u[i + 1];
            result.Storage.SetFromDouble(i, mean + std * radius * Math.Cos(angle));
            if (i + 1 < n) result.Storage.SetFromDouble(i + 1, mean + std * radius * Math.Sin(angle));
        }
        return result;
    }

    /// <summary>1 with probability p (which broadcasts against shape), else 0.</summary>
    public NDArray Bernoulli(NDArray p, DType dtype = DType.Float32)
    {
        var probs = p.ToDType(DType.Float64).Contiguous().Span<double>();
        foreach (double v in probs)
            if (!(v >= 0 && v <= 1)) throw EngineException.ForOp("bernoulli", $"probability {v} is outside [0, 1]");
        var u = Uniform(p.Shape, 0, 1, DType.Float64);
        return u.Binary(BinaryOp.Lt, p.ToDType(DType.Float64)).ToDType(dtype);
    }

    /// <summary>One int64 sample per row of a [..., classes] array of non-negative weights.</summary>
    public NDArray Categorical(NDArray weights)
    {
        if (weights.Rank == 0) throw EngineException.ForOp("categorical", "weights need at least one axis");
        int classes = weights.Shape[^1];
        var w = weights.ToDType(DType.Float64).Contiguous().Span<double>();
        int rows = classes == 0 ? 0 : w.Length / classes;
        var outShape = weights.Shape[..^1].ToArray();
        var result = NDArray.Empty(outShape, DType.Int64);
        var u = Uniform([rows], 0, 1, DType.Float64).Span<double>();
        for (int r = 0; r < rows; r++)
        {
            var row = w.Slice(r * classes, classes);
            double total = 0;
            foreach (double v in row)
            {
                if (!(v >= 0) || double.IsInfinity(v)) throw EngineException.ForOp("categorical", $"weight {v} in row {r} is not a finite non-negative number");
                total += v;
            }
            if (total <= 0) throw EngineException.ForOp("categorical", $"row {r} has no positive weight");
            double target = u[r] * total, running = 0;
            int pick = classes - 1;
            for (int c = 0; c < classes; c++)
            {
                running += row[c];
                if (target < running && row[c] > 0) { pick = c; break; }
            }
            while (row[pick] == 0) pick--;
            result.Storage.SetFromDouble(r, pick);
        }
        return result;
    }

    /// <summary>A random permutation of 0..n-1 (Fisher-Yates driven by this stream).</summary>
    public int[] Permutation(int n)
    {
        var order = Enumerable.Range(0, n).ToArray();
        var u = new double[n];
        FillUnitDoubles(u, 0, 1);
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)(u[i] * (i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    // Each block yields four floats, or two doubles; blocks are handed out in order from Offset.
    private void FillUnitFloats(Span<float> dst, float low, float scale)
    {
        ulong start = Offset;
        for (int i = 0; i < dst.Length; i += 4)
        {
            var (a, b, c, d) = Philox.Block(Seed, start + (ulong)(i / 4));
            Span<uint> bits = [a, b, c, d];
            for (int j = 0; j < 4 && i + j < dst.Length; j++) dst[i + j] = low + scale * Philox.ToUnitFloat(bits[j]);
        }
        Offset = start + (ulong)((dst.Length + 3) / 4);
    }

    private void FillUnitDoubles(Span<double> dst, double low, double scale)
    {
        ulong start = Offset;
        for (int i = 0; i < dst.Length; i += 2)
        {
            var (a, b, c, d) = Philox.Block(Seed, start + (ulong)(i / 2));
            dst[i] = low + scale * Philox.ToUnitDouble(a, b);
            if (i + 1 < dst.Length) dst[i + 1] = low + scale * Philox.ToUnitDouble(c, d);
        }
        Offset = start + (ulong)((dst.Length + 1) / 2);
    }

    /// <summary>low + scale * u rounds up to high when high's spacing is coarse; such values become the
    /// largest one below high, so draws stay in [low, high).</summary>
    private static void KeepBelow<T>(Span<T> values, T low, T high) where T : IFloatingPointIeee754<T>
    {
        if (high > low) TensorPrimitives.Min(values, T.BitDecrement(high), values);
    }

    private static void RequireFloat(string op, DType dtype)
    {
        if (!dtype.IsFloating()) throw EngineException.ForOp(op, $"needs a float dtype, got {dtype.Name()}");
    }
}
