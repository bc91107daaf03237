// The vectorised comparison kernels against the reference on the values where IEEE comparisons are
// subtle (NaN, signed zeros, infinities), densely, against a broadcast scalar on either side, and on
// lengths that end in a scalar tail.
using Xunit;
using static Engine.Tensors.Tests.ArrayGen;

namespace Engine.Tensors.Tests;

public class CompareKernelTests
{
    private static readonly BinaryOp[] Comparisons = [BinaryOp.Eq, BinaryOp.Ne, BinaryOp.Lt, BinaryOp.Le, BinaryOp.Gt, BinaryOp.Ge];

    private static NDArray SpecialValues(int length, int seed, DType dtype)
    {
        double[] specials = [double.NaN, 0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, 1, -1];
        var values = Values(seed, length, -2, 2, 1);
        var rng = new Random(seed);
        for (int i = 0; i < length; i++)
            if (rng.Next(3) == 0) values[i] = specials[rng.Next(specials.Length)];
        var array = NDArray.FromArray(values, length);
        if (dtype != DType.Int64) return array.ToDType(dtype);
        // int64 has no NaN or infinities; keep its values finite.
        return NDArray.FromArray(Values(seed, length, -2, 2, 1), length).ToDType(DType.Int64);
    }

    public static TheoryData<DType> AllTypes() => new(DType.Float32, DType.Float64, DType.Int64);

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void MatchTheReferenceOnSpecialValues(DType dtype)
    {
        var a = SpecialValues(1037, 1, dtype);
        var b = SpecialValues(1037, 2, dtype);
        foreach (var op in Comparisons)
        {
            var (r, cpu) = Both(() => a.Binary(op, b));
            AssertExact(r, cpu);
            foreach (double scalar in new[] { 0.0, 1.0, double.NaN })
            {
                if (dtype == DType.Int64 && double.IsNaN(scalar)) continue;
                var s = NDArray.Scalar(scalar, dtype);
                var (rr, cr) = Both(() => a.Binary(op, s));
                AssertExact(rr, cr);
                var (rl, cl) = Both(() => s.Binary(op, a));
                AssertExact(rl, cl);
            }
        }
    }
}
