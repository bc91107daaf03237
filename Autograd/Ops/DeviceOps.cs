// Moving a differentiable tensor between devices (DESIGN.md §1: "`.To(device)` copies"). The forward is
// NDArray.To, a copy; the transfer is the identity on values, so its vector-Jacobian product is the
// gradient copied back to the source device, written with this same op so that higher derivatives flow
// through transfers too. A graph may therefore start on the CPU, compute on a GPU and come back.
using Engine.Tensors;

namespace Engine.Autograd;

public sealed partial class Tensor
{
    /// <summary>This tensor on device: itself when it is already there, otherwise a copy recorded on the
    /// tape, whose gradient is moved back to this tensor's device.</summary>
    [Op("to_device")]
    public Tensor To(Device device)
    {
        if (device == Device) return this;
        var source = Device;
        return Op.Record("to_device", Data.To(device), [this], (g, y) => [g.To(source)]);
    }
}
