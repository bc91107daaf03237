// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a
// counter-based generator. Block i of stream `key` is a pure function of (key, i), so any thread can
// produce any part of a random array and the result never depends on the thread count.
namespace Engine.Tensors;

public static class Philox
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>The four 32-bit outputs of block <paramref name="counter"/> under the 64-bit key.</summary>
    public static (uint, uint, uint, uint) Block(ulong key, ulong counter) =>
        Block((uint)counter, (uint)(counter >> 32), 0, 0, (uint)key, (uint)(key >> 32));

    /// <summary>The full 128-bit-counter form, as in the Random123 known-answer vectors.</summary>
    public static (uint, uint, uint, uint) Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < 10; round++)
        {
            ulong p0 = (ulong)M0 * c0, p1 = (ulong)M1 * c2;
            (c0, c1, c2, c3) = ((uint)(p1 >> 32) ^ c1 ^ k0, (uint)p1, (uint)(p0 >> 32) ^ c3 ^ k1, (uint)p0);
            k0 += W0;
            k1 += W1;
        }
        return (c0, c1, c2, c3);
    }

    /// <summary>Uniform in [0, 1) with 24 random bits (float32 resolution).</summary>
    public static float ToUnitFloat(uint bits) => (bits >> 8) * (1f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 random bits from two 32-bit outputs.</summary>
    public static double ToUnitDouble(uint hi, uint lo) => (((ulong)hi << 21) ^ (lo >> 11)) * (1.0 / (1UL << 53));
}
