// im2col (unfold2d) and col2im (fold2d) for 2-D convolutions (Tensors/Kernels/UnfoldKernels.cs). Each is
// linear and the other's adjoint, so each backward is the other op, which keeps higher derivatives working
// (as slice and embed do).
using Engine.Tensors;

namespace Engine.Autograd;

public sealed partial class Tensor
{
    /// <summary>Patches of this padded [N, C, H, W] tensor: [N, C, KH·KW, OH, OW].</summary>
    [Op("unfold2d")]
    public Tensor Unfold2d(UnfoldGeometry geometry)
    {
        int height = Dim(2), width = Dim(3);
        return Op.Record("unfold2d", Data.Unfold2d(geometry), [this], (g, y) => [g.Fold2d(height, width, geometry)]);
    }

    /// <summary>The adjoint of Unfold2d: patches [N, C, KH·KW, OH, OW] summed back into [N, C, height, width].</summary>
    [Op("fold2d")]
    public Tensor Fold2d(int height, int width, UnfoldGeometry geometry) =>
        Op.Record("fold2d", Data.Fold2d(height, width, geometry), [this], (g, y) => [g.Unfold2d(geometry)]);
}
