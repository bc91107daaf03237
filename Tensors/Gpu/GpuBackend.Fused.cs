// The GPU backend's fused norm and GeLU entries: composites of its own primitives (DeviceComposites), not
// fused GPU kernels yet.
namespace Engine.Tensors.Gpu;

public sealed partial class GpuBackend
{
    public NDArray Normalize(NormKind kind, NDArray x, NDArray weight, NDArray? bias, double eps) =>
        DeviceComposites.Normalize(kind, x, weight, bias, eps);

    public NDArray[] NormalizeBackward(NormKind kind, NDArray x, NDArray weight, double eps, NDArray grad) =>
        DeviceComposites.NormalizeBackward(kind, x, weight, eps, grad);

    public NDArray Gelu(NDArray x, bool tanhApproximation) => DeviceComposites.Gelu(x, tanhApproximation);

    public NDArray GeluBackward(NDArray x, NDArray grad, bool tanhApproximation) =>
        DeviceComposites.GeluBackward(x, grad, tanhApproximation);
}
