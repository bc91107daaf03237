// Conversions between float32 and the 16-bit storage formats bfloat16 and IEEE half (float16).
// Both are storage-only formats in the engine: values are widened to float32 as soon as they are read.
namespace Engine.Nn.Checkpoints;

public static class HalfPrecision
{
    /// <summary>bfloat16 bits of <paramref name="value"/>: the top 16 bits rounded to nearest, ties to even.</summary>
    public static ushort FloatToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
            // Rounding could carry a NaN payload into the exponent and make it infinity; keep it a quiet NaN
            // with the same sign and the top of the payload.
            return (ushort)((bits >> 16) | 0x0040);
        uint lsbOfResult = (bits >> 16) & 1;
        uint rounded = bits + 0x7FFF + lsbOfResult;
        return (ushort)(rounded >> 16);
    }

    public static float BFloat16ToFloat(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    public static ushort FloatToFloat16(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    public static float Float16ToFloat(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);
}
