// Row kernels for elementwise binary ops. Each op is a struct with static methods, so the generic
// driver in CpuBackend is specialised per op and per element type by the JIT: no delegate or virtual
// call per element. Dense rows go to TensorPrimitives (comparisons to Vector<T> masks); other strides use
// the scalar definition.
using System.Numerics;
using System.Numerics.Tensors;

namespace Engine.Tensors;

internal interface IBinaryRowKernel<T> where T : unmanaged, INumber<T>
{
    static abstract BinaryOp Op { get; }
    static abstract void Dense(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst);
    static abstract void ScalarRight(ReadOnlySpan<T> a, T b, Span<T> dst);
    static abstract void ScalarLeft(T a, ReadOnlySpan<T> b, Span<T> dst);
}

internal struct AddKernel<T> : IBinaryRowKernel<T> where T : unmanaged, INumber<T>
{
    public static BinaryOp Op => BinaryOp.Add;
    public static void Dense(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Add(a, b, d);
    public static void ScalarRight(ReadOnlySpan<T> a, T b, Span<T> d) => TensorPrimitives.Add(a, b, d);
    public static void ScalarLeft(T a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Add(b, a, d);
}

internal struct SubKernel<T> : IBinaryRowKernel<T> where T : unmanaged, INumber<T>
{
    public static BinaryOp Op => BinaryOp.Sub;
    public static void Dense(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Subtract(a, b, d);
    public static void ScalarRight(ReadOnlySpan<T> a, T b, Span<T> d) => TensorPrimitives.Subtract(a, b, d);
    public static void ScalarLeft(T a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Subtract(a, b, d);
}

internal struct MulKernel<T> : IBinaryRowKernel<T> where T : unmanaged, INumber<T>
{
    public static BinaryOp Op => BinaryOp.Mul;
    public static void Dense(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Multiply(a, b, d);
    public static void ScalarRight(ReadOnlySpan<T> a, T b, Span<T> d) => TensorPrimitives.Multiply(a, b, d);
    public static void ScalarLeft(T a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Multiply(b, a, d);
}

internal struct DivKernel<T> : IBinaryRowKernel<T> where T : unmanaged, INumber<T>
{
    public static BinaryOp Op => BinaryOp.Div;
    public static void Dense(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Divide(a, b, d);
    public static void ScalarRight(ReadOnlySpan<T> a, T b, Span<T> d) => TensorPrimitives.Divide(a, b, d);
    public static void ScalarLeft(T a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Divide(a, b, d);
}

internal struct MaxKernel<T> : IBinaryRowKernel<T> where T : unmanaged, INumber<T>
{
    public static BinaryOp Op => BinaryOp.Max;
    public static void Dense(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Max(a, b, d);
    public static void ScalarRight(ReadOnlySpan<T> a, T b, Span<T> d) => TensorPrimitives.Max(a, b, d);
    public static void ScalarLeft(T a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Max(b, a, d);
}

internal struct MinKernel<T> : IBinaryRowKernel<T> where T : unmanaged, INumber<T>
{
    public static BinaryOp Op => BinaryOp.Min;
    public static void Dense(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Min(a, b, d);
    public static void ScalarRight(ReadOnlySpan<T> a, T b, Span<T> d) => TensorPrimitives.Min(a, b, d);
    public static void ScalarLeft(T a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Min(b, a, d);
}

/// <summary>Comparisons as 1 or 0 in the inputs' type, branch-free with Vector&lt;T&gt; masks. The vector
/// comparisons are IEEE ones, as the scalar definition's: any comparison with NaN is false, except Ne.</summary>
internal struct CompareKernel<T, TOp> : IBinaryRowKernel<T> where T : unmanaged, INumber<T> where TOp : struct, IOpTag
{
    public static BinaryOp Op => TOp.Op;

    private static Vector<T> Mask(Vector<T> a, Vector<T> b) => TOp.Op switch
    {
        BinaryOp.Eq => Vector.Equals(a, b),
        BinaryOp.Ne => ~Vector.Equals(a, b),
        BinaryOp.Lt => Vector.LessThan(a, b),
        BinaryOp.Le => Vector.LessThanOrEqual(a, b),
        BinaryOp.Gt => Vector.GreaterThan(a, b),
        _ => Vector.GreaterThanOrEqual(a, b),
    };

    private static Vector<T> Flags(Vector<T> a, Vector<T> b) => Vector.ConditionalSelect(Mask(a, b), Vector<T>.One, Vector<T>.Zero);

    public static void Dense(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
                Flags(new Vector<T>(a[i..]), new Vector<T>(b[i..])).CopyTo(d[i..]);
        for (; i < d.Length; i++) d[i] = ScalarMath.Binary(TOp.Op, a[i], b[i]);
    }

    public static void ScalarRight(ReadOnlySpan<T> a, T b, Span<T> d)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var bv = new Vector<T>(b);
            for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
                Flags(new Vector<T>(a[i..]), bv).CopyTo(d[i..]);
        }
        for (; i < d.Length; i++) d[i] = ScalarMath.Binary(TOp.Op, a[i], b);
    }

    public static void ScalarLeft(T a, ReadOnlySpan<T> b, Span<T> d)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var av = new Vector<T>(a);
            for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
                Flags(av, new Vector<T>(b[i..])).CopyTo(d[i..]);
        }
        for (; i < d.Length; i++) d[i] = ScalarMath.Binary(TOp.Op, a, b[i]);
    }
}

/// <summary>Ops TensorPrimitives has no elementwise form for (pow) run the scalar definition.</summary>
internal struct ScalarKernel<T, TOp> : IBinaryRowKernel<T> where T : unmanaged, INumber<T> where TOp : struct, IOpTag
{
    public static BinaryOp Op => TOp.Op;

    public static void Dense(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = ScalarMath.Binary(TOp.Op, a[i], b[i]);
    }

    public static void ScalarRight(ReadOnlySpan<T> a, T b, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = ScalarMath.Binary(TOp.Op, a[i], b);
    }

    public static void ScalarLeft(T a, ReadOnlySpan<T> b, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = ScalarMath.Binary(TOp.Op, a, b[i]);
    }
}

internal interface IOpTag
{
    static abstract BinaryOp Op { get; }
}

internal struct PowTag : IOpTag { public static BinaryOp Op => BinaryOp.Pow; }
internal struct EqTag : IOpTag { public static BinaryOp Op => BinaryOp.Eq; }
internal struct NeTag : IOpTag { public static BinaryOp Op => BinaryOp.Ne; }
internal struct LtTag : IOpTag { public static BinaryOp Op => BinaryOp.Lt; }
internal struct LeTag : IOpTag { public static BinaryOp Op => BinaryOp.Le; }
internal struct GtTag : IOpTag { public static BinaryOp Op => BinaryOp.Gt; }
internal struct GeTag : IOpTag { public static BinaryOp Op => BinaryOp.Ge; }
