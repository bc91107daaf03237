// bfloat16 and float16 conversions. Expected bit patterns are worked out by hand from the IEEE layouts:
// bfloat16 is the top half of a float32 (1 sign, 8 exponent, 7 mantissa bits), float16 has 5 exponent bits
// (bias 15) and 10 mantissa bits.
using Engine.Nn.Checkpoints;
using Xunit;

namespace Engine.Nn.Tests.Checkpoints;

public class HalfPrecisionTests
{
    [Theory]
    [InlineData(0x3F800000u, (ushort)0x3F80)] // 1.0
    [InlineData(0xC0000000u, (ushort)0xC000)] // -2.0
    [InlineData(0x00000000u, (ushort)0x0000)] // +0
    [InlineData(0x80000000u, (ushort)0x8000)] // -0
    [InlineData(0x7F800000u, (ushort)0x7F80)] // +infinity
    [InlineData(0xFF800000u, (ushort)0xFF80)] // -infinity
    [InlineData(0x3F808000u, (ushort)0x3F80)] // exactly halfway between 0x3F80 and 0x3F81: tie goes to the even 0x3F80
    [InlineData(0x3F818000u, (ushort)0x3F82)] // halfway between 0x3F81 and 0x3F82: tie goes to the even 0x3F82
    [InlineData(0x3F808001u, (ushort)0x3F81)] // just above halfway rounds up
    [InlineData(0x3F807FFFu, (ushort)0x3F80)] // just below halfway rounds down
    [InlineData(0x7F7FFFFFu, (ushort)0x7F80)] // float.MaxValue is above the largest bfloat16 and rounds to infinity
    [InlineData(0x00000001u, (ushort)0x0000)] // the smallest subnormal rounds to zero
    [InlineData(0x40490FDBu, (ushort)0x4049)] // pi: the dropped bits 0x0FDB are below half
    public void FloatToBFloat16RoundsToNearestEven(uint floatBits, ushort expected)
    {
        Assert.Equal(expected, HalfPrecision.FloatToBFloat16(BitConverter.UInt32BitsToSingle(floatBits)));
    }

    [Theory]
    [InlineData(0x7FC00000u, (ushort)0x7FC0)] // the canonical quiet NaN
    [InlineData(0xFFC00000u, (ushort)0xFFC0)] // negative NaN keeps its sign
    [InlineData(0x7F800001u, (ushort)0x7FC0)] // payload only in the dropped bits: must not turn into infinity
    [InlineData(0x7FFFFFFFu, (ushort)0x7FFF)] // rounding up would carry into the sign bit
    public void FloatToBFloat16PreservesNaN(uint floatBits, ushort expected)
    {
        ushort result = HalfPrecision.FloatToBFloat16(BitConverter.UInt32BitsToSingle(floatBits));
        Assert.Equal(expected, result);
        Assert.True(float.IsNaN(HalfPrecision.BFloat16ToFloat(result)));
    }

    [Theory]
    [InlineData((ushort)0x3F80, 1.0f)]
    [InlineData((ushort)0x4049, 3.140625f)] // 1.5703125 * 2
    [InlineData((ushort)0xBF00, -0.5f)]
    [InlineData((ushort)0x0001, 9.18354962e-41f)] // smallest bfloat16 subnormal, 2^-133
    public void BFloat16ToFloatWidensExactly(ushort bits, float expected)
    {
        Assert.Equal(expected, HalfPrecision.BFloat16ToFloat(bits));
    }

    [Fact]
    public void EveryNonNaNBFloat16SurvivesARoundTripThroughFloat()
    {
        for (int bits = 0; bits <= ushort.MaxValue; bits++)
        {
            float wide = HalfPrecision.BFloat16ToFloat((ushort)bits);
            if (float.IsNaN(wide)) continue;
            Assert.Equal((ushort)bits, HalfPrecision.FloatToBFloat16(wide));
        }
    }

    [Theory]
    [InlineData(1.0f, (ushort)0x3C00)]
    [InlineData(0.5f, (ushort)0x3800)]
    [InlineData(-2.0f, (ushort)0xC000)]
    [InlineData(65504f, (ushort)0x7BFF)] // the largest finite float16
    [InlineData(65520f, (ushort)0x7C00)] // halfway to the next binade: ties to even, i.e. infinity
    [InlineData(5.96046448e-8f, (ushort)0x0001)] // 2^-24, the smallest float16 subnormal
    public void FloatToFloat16MatchesTheIeeeLayout(float value, ushort expected)
    {
        Assert.Equal(expected, HalfPrecision.FloatToFloat16(value));
        if (!float.IsInfinity(HalfPrecision.Float16ToFloat(expected)))
            Assert.Equal(value, HalfPrecision.Float16ToFloat(expected));
    }
}
