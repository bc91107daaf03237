// Factories for tensors (constants unless requiresGrad is set).
using Engine.Tensors;

namespace Engine.Autograd;

public sealed partial class Tensor
{
    public static Tensor FromArray(float[] data, params int[] shape) => new(NDArray.FromArray(data, shape));
    public static Tensor FromArray(double[] data, params int[] shape) => new(NDArray.FromArray(data, shape));
    public static Tensor FromArray(long[] data, params int[] shape) => new(NDArray.FromArray(data, shape));
    public static Tensor Zeros(int[] shape, DType dtype = DType.Float32, bool requiresGrad = false) => new(NDArray.Zeros(shape, dtype), requiresGrad);
    public static Tensor Ones(int[] shape, DType dtype = DType.Float32, bool requiresGrad = false) => new(NDArray.Ones(shape, dtype), requiresGrad);
    public static Tensor Full(int[] shape, double value, DType dtype = DType.Float32) => new(NDArray.Full(shape, value, dtype));
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => new(NDArray.Scalar(value, dtype));
    public static Tensor Arange(int end, DType dtype = DType.Float32) => new(NDArray.Arange(end, dtype));

    public static implicit operator Tensor(NDArray data) => new(data);

    /// <summary>A constant of this tensor's dtype, for scalar arithmetic.</summary>
    internal Tensor Constant(double value) => Scalar(value, DType);
}
