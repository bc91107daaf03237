// Row kernels for elementwise binary ops. Each op is a struct with static methods, so the generic
// driver in CpuBackend is specialised per op and per element type by the JIT: no delegate or virtual
// call per element. Dense rows go to TensorPrimitives; other strides use the scalar definition.
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

/// <summary>Ops TensorPrimitives has no elementwise form for (pow on doubles, comparisons) run the scalar definition.</summary>
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
