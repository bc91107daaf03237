// The kernel contract every backend implements. The NDArray front end (NDArray.Ops.cs) validates
// shapes, dtypes and indices before calling in, so kernels can trust their inputs.
namespace Engine.Tensors;

public enum UnaryOp
{
    Neg,
    Abs,
    Sign,
    Exp,
    Log,
    Sqrt,
    Tanh,
    Sigmoid,
    Erf,
    Sin,
    Cos,
}

public enum BinaryOp
{
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Max,
    Min,
    // Comparisons return 1 or 0 in the inputs' dtype.
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

public enum ReduceOp
{
    Sum,
    Max,
    Min,
}

/// <summary>Which normalisation a fused norm kernel computes over the last axis.</summary>
public enum NormKind
{
    /// <summary>y = x · rsqrt(mean(x²) + eps) · weight (no centring, no bias).</summary>
    Rms,
    /// <summary>y = (x − mean) · rsqrt(var + eps) · weight + bias, population variance.</summary>
    Layer,
}

public interface IBackend
{
    string Name { get; }

    /// <summary>Elementwise op on a float array.</summary>
    NDArray Unary(UnaryOp op, NDArray x);

    /// <summary>Elementwise op; a and b have the same dtype and broadcast to outShape.</summary>
    NDArray Binary(BinaryOp op, NDArray a, NDArray b, int[] outShape);

    /// <summary>cond != 0 ? a : b, all broadcast to outShape.</summary>
    NDArray Where(NDArray cond, NDArray a, NDArray b, int[] outShape);

    /// <summary>Reduces over sorted, distinct axes; the result has keepDim shape.</summary>
    NDArray Reduce(ReduceOp op, NDArray x, int[] axes);

    /// <summary>Index (int64) of the first max or min along one axis; the result has keepDim shape.</summary>
    NDArray ArgReduce(ReduceOp op, NDArray x, int axis);

    /// <summary>[..., m, k] x [..., k, n] with batch axes already broadcast to batchShape.</summary>
    NDArray MatMul(NDArray a, NDArray b, int[] batchShape);

    /// <summary>out[i][j][k] = x[i][index[i][j][k]][k] (for axis 1); index has x's rank.</summary>
    NDArray Gather(NDArray x, int axis, NDArray index);

    /// <summary>A copy of target with src added at the positions index names along axis.</summary>
    NDArray ScatterAdd(NDArray target, int axis, NDArray index, NDArray src);

    NDArray CumSum(NDArray x, int axis);

    /// <summary>Stable softmax (or log-softmax) over the last axis of a float array of rank >= 1.</summary>
    NDArray SoftmaxLastAxis(NDArray x, bool log);

    /// <summary>Fused RMSNorm or LayerNorm over the last axis of a float array of rank >= 1; weight (and
    /// bias, LayerNorm only, otherwise null) are dense [n] arrays of x's dtype, n = x's last axis.</summary>
    NDArray Normalize(NormKind kind, NDArray x, NDArray weight, NDArray? bias, double eps);

    /// <summary>The norm's backward for the output gradient grad (x's shape): [dx, dweight] for Rms and
    /// [dx, dweight, dbias] for Layer. The row statistics are recomputed from x. dweight and dbias sum over
    /// all rows in an order fixed by the shape alone, so they do not depend on the thread count.</summary>
    NDArray[] NormalizeBackward(NormKind kind, NDArray x, NDArray weight, double eps, NDArray grad);

    /// <summary>GeLU x·Φ(x), exact (erf) or with the tanh approximation, on a float array.</summary>
    NDArray Gelu(NDArray x, bool tanhApproximation);

    /// <summary>grad · GeLU'(x), for grad of x's shape.</summary>
    NDArray GeluBackward(NDArray x, NDArray grad, bool tanhApproximation);

    /// <summary>Writes src (broadcast to dst's shape, same dtype) into the strided view dst.</summary>
    void Copy(NDArray src, NDArray dst);

    NDArray Cast(NDArray x, DType dtype);
}
