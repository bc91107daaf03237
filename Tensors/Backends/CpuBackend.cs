// The fast CPU backend: TensorPrimitives on dense rows, strided rows for views and broadcasting, and
// threads over independent rows. Kernels it does not accelerate are inherited from the reference backend.
using System.Numerics;
using System.Numerics.Tensors;

namespace Engine.Tensors;

public sealed partial class CpuBackend : ReferenceBackend
{
    public override string Name => "cpu";

    public override NDArray Unary(UnaryOp op, NDArray x) => x.DType == DType.Float32
        ? UnaryTyped<float>(op, x)
        : UnaryTyped<double>(op, x);

    private static NDArray UnaryTyped<T>(UnaryOp op, NDArray x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var src = x.Contiguous();
        var result = NDArray.Empty(x.Shape, x.DType);
        const int chunk = 1 << 14;
        int chunks = (result.Size + chunk - 1) / chunk;
        Parallelism.For(chunks, chunk, c =>
        {
            int start = c * chunk, length = Math.Min(chunk, result.Size - start);
            UnaryRow(op, src.Span<T>().Slice(start, length), result.Span<T>().Slice(start, length));
        });
        return result;
    }

    private static void UnaryRow<T>(UnaryOp op, ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (op)
        {
            case UnaryOp.Neg: TensorPrimitives.Negate(x, d); break;
            case UnaryOp.Abs: TensorPrimitives.Abs(x, d); break;
            case UnaryOp.Exp: TensorPrimitives.Exp(x, d); break;
            case UnaryOp.Log: TensorPrimitives.Log(x, d); break;
            case UnaryOp.Sqrt: TensorPrimitives.Sqrt(x, d); break;
            case UnaryOp.Tanh: TensorPrimitives.Tanh(x, d); break;
            case UnaryOp.Sigmoid: TensorPrimitives.Sigmoid(x, d); break;
            case UnaryOp.Sin: TensorPrimitives.Sin(x, d); break;
            case UnaryOp.Cos: TensorPrimitives.Cos(x, d); break;
            default:
                for (int i = 0; i < d.Length; i++) d[i] = ScalarMath.Unary(op, x[i]);
                break;
        }
    }

    public override NDArray Binary(BinaryOp op, NDArray a, NDArray b, int[] outShape) => a.DType switch
    {
        DType.Float32 => BinaryTyped<float>(op, a, b, outShape),
        DType.Float64 => BinaryTyped<double>(op, a, b, outShape),
        _ => BinaryTyped<long>(op, a, b, outShape),
    };

    private static NDArray BinaryTyped<T>(BinaryOp op, NDArray a, NDArray b, int[] shape) where T : unmanaged, INumber<T> => op switch
    {
        BinaryOp.Add => Run<T, AddKernel<T>>(a, b, shape),
        BinaryOp.Sub => Run<T, SubKernel<T>>(a, b, shape),
        BinaryOp.Mul => Run<T, MulKernel<T>>(a, b, shape),
        BinaryOp.Div => Run<T, DivKernel<T>>(a, b, shape),
        BinaryOp.Max => Run<T, MaxKernel<T>>(a, b, shape),
        BinaryOp.Min => Run<T, MinKernel<T>>(a, b, shape),
        BinaryOp.Pow => Run<T, ScalarKernel<T, PowTag>>(a, b, shape),
        BinaryOp.Eq => Run<T, CompareKernel<T, EqTag>>(a, b, shape),
        BinaryOp.Ne => Run<T, CompareKernel<T, NeTag>>(a, b, shape),
        BinaryOp.Lt => Run<T, CompareKernel<T, LtTag>>(a, b, shape),
        BinaryOp.Le => Run<T, CompareKernel<T, LeTag>>(a, b, shape),
        BinaryOp.Gt => Run<T, CompareKernel<T, GtTag>>(a, b, shape),
        _ => Run<T, CompareKernel<T, GeTag>>(a, b, shape),
    };

    private static NDArray Run<T, TKernel>(NDArray a, NDArray b, int[] shape)
        where T : unmanaged, INumber<T> where TKernel : struct, IBinaryRowKernel<T>
    {
        var result = NDArray.Empty(shape, a.DType);
        int[] sa = ShapeMath.BroadcastStrides("binary", a.Shape, a.Strides, shape);
        int[] sb = ShapeMath.BroadcastStrides("binary", b.Shape, b.Strides, shape);
        var plan = new RowPlan(shape, result.StridesArray, sa, sb);
        var ad = a.Storage.Array<T>();
        var bd = b.Storage.Array<T>();
        var dd = result.Storage.Array<T>();
        int n = plan.RowLength, ia = plan.InnerStride(1), ib = plan.InnerStride(2);
        Parallelism.For(plan.RowCount, n, row =>
        {
            int oa = plan.RowStart(1, row, a.Offset), ob = plan.RowStart(2, row, b.Offset);
            var dst = dd.AsSpan(plan.RowStart(0, row, 0), n);
            if (ia == 1 && ib == 1) TKernel.Dense(ad.AsSpan(oa, n), bd.AsSpan(ob, n), dst);
            else if (ia == 1 && ib == 0) TKernel.ScalarRight(ad.AsSpan(oa, n), bd[ob], dst);
            else if (ia == 0 && ib == 1) TKernel.ScalarLeft(ad[oa], bd.AsSpan(ob, n), dst);
            else
                for (int i = 0; i < n; i++) dst[i] = ScalarMath.Binary(TKernel.Op, ad[oa + i * ia], bd[ob + i * ib]);
        });
        return result;
    }

    public override void Copy(NDArray src, NDArray dst)
    {
        switch (dst.DType)
        {
            case DType.Float32: CopyTyped<float>(src, dst); break;
            case DType.Float64: CopyTyped<double>(src, dst); break;
            default: CopyTyped<long>(src, dst); break;
        }
    }

    private static void CopyTyped<T>(NDArray src, NDArray dst) where T : unmanaged
    {
        int[] ss = ShapeMath.BroadcastStrides("copy", src.Shape, src.Strides, dst.Shape);
        var plan = new RowPlan(dst.Shape, dst.StridesArray, ss);
        var sd = src.Storage.Array<T>();
        var dd = dst.Storage.Array<T>();
        int n = plan.RowLength, id = plan.InnerStride(0), isrc = plan.InnerStride(1);
        Parallelism.For(plan.RowCount, n, row =>
        {
            int od = plan.RowStart(0, row, dst.Offset), os = plan.RowStart(1, row, src.Offset);
            if (id == 1 && isrc == 1) sd.AsSpan(os, n).CopyTo(dd.AsSpan(od, n));
            else if (id == 1 && isrc == 0) dd.AsSpan(od, n).Fill(sd[os]);
            else
                for (int i = 0; i < n; i++) dd[od + i * id] = sd[os + i * isrc];
        });
    }

    public override NDArray Cast(NDArray x, DType dtype)
    {
        var src = x.Contiguous();
        var result = NDArray.Empty(x.Shape, dtype);
        switch (x.DType, dtype)
        {
            case (DType.Float32, DType.Float64): TensorPrimitives.ConvertChecked<float, double>(src.Span<float>(), result.Span<double>()); break;
            case (DType.Float64, DType.Float32): TensorPrimitives.ConvertTruncating<double, float>(src.Span<double>(), result.Span<float>()); break;
            default: return base.Cast(src, dtype);
        }
        return result;
    }
}
