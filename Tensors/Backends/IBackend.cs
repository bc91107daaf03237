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

    /// <summary>Writes src (broadcast to dst's shape, same dtype) into the strided view dst.</summary>
    void Copy(NDArray src, NDArray dst);

    NDArray Cast(NDArray x, DType dtype);
}
