// The NDArray op surface: checks every argument, then hands the kernel to the current backend.
namespace Engine.Tensors;

public sealed partial class NDArray
{
    // ---- elementwise ----

    public NDArray Unary(UnaryOp op)
    {
        string name = op.ToString().ToLowerInvariant();
        RequireFloat(name, this);
        return Backend.For(name, this).Unary(op, this);
    }

    public NDArray Binary(BinaryOp op, NDArray other)
    {
        string name = op.ToString().ToLowerInvariant();
        RequireSameKind(name, this, other);
        if (op is BinaryOp.Pow or BinaryOp.Div) RequireFloat(name, this);
        int[] shape = ShapeMath.Broadcast(name, _shape, other._shape);
        return Backend.For(name, this, other).Binary(op, this, other, shape);
    }

    public NDArray Binary(BinaryOp op, double scalar) => Binary(op, Scalar(scalar, DType));

    public static NDArray Where(NDArray cond, NDArray a, NDArray b)
    {
        RequireSameKind("where", a, b);
        if (cond.DType != a.DType) cond = cond.ToDType(a.DType);
        RequireSameDevice("where", cond, a);
        RequireSameDevice("where", cond, b);
        int[] shape = ShapeMath.Broadcast("where", cond._shape, a._shape, b._shape);
        return Backend.For("where", cond, a, b).Where(cond, a, b, shape);
    }

    public NDArray Neg() => Unary(UnaryOp.Neg);
    public NDArray Abs() => Unary(UnaryOp.Abs);
    public NDArray Sign() => Unary(UnaryOp.Sign);
    public NDArray Exp() => Unary(UnaryOp.Exp);
    public NDArray Log() => Unary(UnaryOp.Log);
    public NDArray Sqrt() => Unary(UnaryOp.Sqrt);
    public NDArray Tanh() => Unary(UnaryOp.Tanh);
    public NDArray Sigmoid() => Unary(UnaryOp.Sigmoid);
    public NDArray Erf() => Unary(UnaryOp.Erf);
    public NDArray Sin() => Unary(UnaryOp.Sin);
    public NDArray Cos() => Unary(UnaryOp.Cos);
    public NDArray Add(NDArray o) => Binary(BinaryOp.Add, o);
    public NDArray Sub(NDArray o) => Binary(BinaryOp.Sub, o);
    public NDArray Mul(NDArray o) => Binary(BinaryOp.Mul, o);
    public NDArray Div(NDArray o) => Binary(BinaryOp.Div, o);
    public NDArray Pow(NDArray o) => Binary(BinaryOp.Pow, o);
    public NDArray Maximum(NDArray o) => Binary(BinaryOp.Max, o);
    public NDArray Minimum(NDArray o) => Binary(BinaryOp.Min, o);

    public static NDArray operator +(NDArray a, NDArray b) => a.Add(b);
    public static NDArray operator -(NDArray a, NDArray b) => a.Sub(b);
    public static NDArray operator *(NDArray a, NDArray b) => a.Mul(b);
    public static NDArray operator /(NDArray a, NDArray b) => a.Div(b);
    public static NDArray operator -(NDArray a) => a.Neg();
    public static NDArray operator +(NDArray a, double s) => a.Binary(BinaryOp.Add, s);
    public static NDArray operator -(NDArray a, double s) => a.Binary(BinaryOp.Sub, s);
    public static NDArray operator *(NDArray a, double s) => a.Binary(BinaryOp.Mul, s);
    public static NDArray operator /(NDArray a, double s) => a.Binary(BinaryOp.Div, s);
    public static NDArray operator +(double s, NDArray a) => Scalar(s, a.DType).Add(a);
    public static NDArray operator -(double s, NDArray a) => Scalar(s, a.DType).Sub(a);
    public static NDArray operator *(double s, NDArray a) => Scalar(s, a.DType).Mul(a);
    public static NDArray operator /(double s, NDArray a) => Scalar(s, a.DType).Div(a);

    // ---- reductions ----

    public NDArray Reduce(ReduceOp op, ReadOnlySpan<int> axes, bool keepDim = false)
    {
        string name = op.ToString().ToLowerInvariant();
        int[] sorted = ShapeMath.NormalizeAxes(name, axes, Rank);
        if (op != ReduceOp.Sum)
            foreach (int a in sorted)
                if (_shape[a] == 0) throw EngineException.ForOp(name, $"cannot reduce the empty axis {a} of shape {ShapeString}");
        var result = Backend.For(name, this).Reduce(op, this, sorted);
        return keepDim ? result : result.Reshape(ShapeMath.ReducedShape(_shape, sorted, false));
    }

    public NDArray Sum(params int[] axes) => Reduce(ReduceOp.Sum, axes);
    public NDArray Sum(int[] axes, bool keepDim) => Reduce(ReduceOp.Sum, axes, keepDim);
    public NDArray Max(int[] axes, bool keepDim = false) => Reduce(ReduceOp.Max, axes, keepDim);
    public NDArray Min(int[] axes, bool keepDim = false) => Reduce(ReduceOp.Min, axes, keepDim);

    public NDArray Mean(int[] axes, bool keepDim = false)
    {
        RequireFloat("mean", this);
        int[] sorted = ShapeMath.NormalizeAxes("mean", axes, Rank);
        return Reduce(ReduceOp.Sum, sorted, keepDim) / CountOver(sorted);
    }

    /// <summary>Variance over axes with the given delta degrees of freedom (0: population).</summary>
    public NDArray Var(int[] axes, bool keepDim = false, int ddof = 0)
    {
        RequireFloat("var", this);
        int[] sorted = ShapeMath.NormalizeAxes("var", axes, Rank);
        var centered = this - Mean(sorted, keepDim: true);
        return (centered * centered).Reduce(ReduceOp.Sum, sorted, keepDim) / Math.Max(CountOver(sorted) - ddof, 0);
    }

    /// <summary>log(sum(exp(x))) computed as max + log(sum(exp(x - max))) so large inputs do not overflow.</summary>
    public NDArray LogSumExp(int[] axes, bool keepDim = false)
    {
        RequireFloat("logsumexp", this);
        int[] sorted = ShapeMath.NormalizeAxes("logsumexp", axes, Rank);
        var max = StableMax(sorted);
        var result = (this - max).Exp().Reduce(ReduceOp.Sum, sorted, keepDim: true).Log() + max;
        return keepDim ? result : result.Reshape(ShapeMath.ReducedShape(_shape, sorted, false));
    }

    /// <summary>Stable softmax: subtracts the max before exp. TensorPrimitives.SoftMax is not used
    /// because it overflows for inputs above about 88.7. Over the last axis the backend fuses it into one
    /// pass per row; other axes are brought to the end and back.</summary>
    public NDArray Softmax(int axis) => SoftmaxAlong("softmax", axis, log: false);

    /// <summary>x - logsumexp(x) along axis, computed stably (see Softmax).</summary>
    public NDArray LogSoftmax(int axis) => SoftmaxAlong("log_softmax", axis, log: true);

    private NDArray SoftmaxAlong(string op, int axis, bool log)
    {
        RequireFloat(op, this);
        int a = ShapeMath.NormalizeAxis(op, axis, Rank);
        var backend = Backend.For(op, this);
        if (a == Rank - 1) return backend.SoftmaxLastAxis(this, log);
        return backend.SoftmaxLastAxis(Transpose(a, Rank - 1), log).Transpose(a, Rank - 1).Contiguous();
    }

    /// <summary>Max with keepDim where a non-finite max (an all -inf slice, or +inf) is replaced by 0, so
    /// x - max never computes inf - inf; used as the shift of stable exp-sums.</summary>
    public NDArray StableMax(int[] axes)
    {
        var max = Reduce(ReduceOp.Max, axes, keepDim: true);
        var finite = max.Abs().Binary(BinaryOp.Lt, double.PositiveInfinity);
        return Where(finite, max, ZerosLike(max));
    }

    public NDArray ArgMax(int axis, bool keepDim = false) => ArgReduce(ReduceOp.Max, axis, keepDim);
    public NDArray ArgMin(int axis, bool keepDim = false) => ArgReduce(ReduceOp.Min, axis, keepDim);

    private NDArray ArgReduce(ReduceOp op, int axis, bool keepDim)
    {
        string name = op == ReduceOp.Max ? "argmax" : "argmin";
        int a = ShapeMath.NormalizeAxis(name, axis, Rank);
        if (_shape[a] == 0) throw EngineException.ForOp(name, $"cannot reduce the empty axis {a} of shape {ShapeString}");
        var result = Backend.For(name, this).ArgReduce(op, this, a);
        return keepDim ? result : result.Squeeze(a);
    }

    public NDArray CumSum(int axis)
    {
        int a = ShapeMath.NormalizeAxis("cumsum", axis, Rank);
        return Backend.For("cumsum", this).CumSum(this, a);
    }

    private int CountOver(int[] axes)
    {
        int n = 1;
        foreach (int a in axes) n *= _shape[a];
        return n;
    }

    // ---- conversion and copies ----

    public NDArray ToDType(DType dtype) => dtype == DType ? this : Backend.For("to-dtype", this).Cast(this, dtype);

    /// <summary>Copies src (broadcast to this array's shape) into this array, which may be a strided view.</summary>
    public void CopyFrom(NDArray src)
    {
        RequireSameDevice("copy", this, src);
        ShapeMath.BroadcastStrides("copy", src._shape, src._strides, _shape);
        for (int i = 0; i < Rank; i++)
            if (_strides[i] == 0 && _shape[i] > 1)
                throw EngineException.ForOp("copy", $"destination of shape {ShapeString} is an expanded view; its elements overlap");
        // A source sharing this storage could be overwritten while it is read (rows run in parallel).
        if (ReferenceEquals(src.Storage, Storage)) src = src.Clone();
        Backend.For("copy", this).Copy(src.ToDType(DType), this);
    }

    // ---- argument checks shared by the ops ----

    internal static void RequireFloat(string op, NDArray a)
    {
        if (!a.DType.IsFloating())
            throw EngineException.ForOp(op, $"needs a float32 or float64 array, got {a.DType.Name()} of shape {a.ShapeString}; convert with ToDType");
    }

    /// <summary>Operands must share a device, except that a zero-dimensional CPU array (a scalar) may
    /// join arrays on any device.</summary>
    internal static void RequireSameDevice(string op, NDArray a, NDArray b)
    {
        if (a.Device != b.Device && !a.IsHostScalar && !b.IsHostScalar)
            throw EngineException.ForOp(op, $"arrays are on different devices: {a.Device} (shape {a.ShapeString}) and {b.Device} (shape {b.ShapeString})");
    }

    /// <summary>A zero-dimensional array on the CPU: a scalar that may be combined with arrays on any device.</summary>
    internal bool IsHostScalar => Rank == 0 && Device.Kind == DeviceKind.Cpu;

    /// <summary>The device the operands share (host scalars join the others' device).</summary>
    internal static Device DeviceOf(params NDArray[] operands)
    {
        foreach (var x in operands)
            if (!x.IsHostScalar) return x.Device;
        return Device.Cpu;
    }

    internal static void RequireSameKind(string op, NDArray a, NDArray b)
    {
        RequireSameDevice(op, a, b);
        if (a.DType != b.DType)
            throw EngineException.ForOp(op, $"dtypes differ: {a.DType.Name()} {a.ShapeString} and {b.DType.Name()} {b.ShapeString}; convert one with ToDType");
    }
}
