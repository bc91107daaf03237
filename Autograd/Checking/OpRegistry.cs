// The op registry: one entry per op marked [Op], saying whether it is differentiable and how to draw
// random inputs for it. The property tests enumerate it: every differentiable op is gradient-checked
// in float64 (primitives to second order), every op is run on the fast and reference backends.
using Engine.Tensors;

namespace Engine.Autograd;

public enum OpKind
{
    /// <summary>Has its own backward; checked to first and second order.</summary>
    Primitive,
    /// <summary>Built from primitives; checked to first order.</summary>
    Composite,
    /// <summary>Carries no gradient (comparisons, indices); checked for backend agreement only.</summary>
    NonDifferentiable,
}

/// <summary>One random case: leaf inputs and the function of them that exercises the op.</summary>
public sealed record OpSample(Tensor[] Inputs, Func<Tensor[], Tensor> Apply, string Description);

public sealed record OpInfo(string Name, OpKind Kind, Func<OpSampler, OpSample>? Sample, GradCheckOptions? Tolerances = null);

public static partial class OpRegistry
{
    public static IReadOnlyList<OpInfo> All { get; } = Build();

    public static OpInfo Get(string name) =>
        All.FirstOrDefault(o => o.Name == name) ?? throw new EngineException($"op registry: no op named '{name}'");

    private static OpSample Unary(OpSampler s, Domain domain, Func<Tensor, Tensor> op)
    {
        var shape = s.Shape();
        return new([s.Input(shape, domain)], x => op(x[0]), $"x{ShapeMath.Format(shape)}");
    }

    private static OpSample Binary(OpSampler s, Domain left, Domain right, Func<Tensor, Tensor, Tensor> op)
    {
        var (a, b) = s.BroadcastPair();
        return new([s.Input(a, left), s.Input(b, right)], x => op(x[0], x[1]), $"a{ShapeMath.Format(a)} b{ShapeMath.Format(b)}");
    }

    private static OpSample Reduction(OpSampler s, Func<Tensor, int[], bool, Tensor> op)
    {
        var shape = s.Shape(1);
        var axes = s.Axes(shape.Length);
        bool keep = s.Coin();
        return new([s.Input(shape)], x => op(x[0], axes, keep), $"x{ShapeMath.Format(shape)} axes {ShapeMath.Format(axes)} keepDim {keep}");
    }

    private static OpSample AlongAxis(OpSampler s, Func<Tensor, int, Tensor> op)
    {
        var shape = s.Shape(1);
        int axis = s.Int(-shape.Length, shape.Length - 1);
        return new([s.Input(shape)], x => op(x[0], axis), $"x{ShapeMath.Format(shape)} axis {axis}");
    }

    /// <summary>An image shape [N, C, H, W] and an unfold geometry that fits it.</summary>
    private static (int[] Shape, UnfoldGeometry Geometry) UnfoldCase(OpSampler s)
    {
        int kh = s.Int(1, 3), kw = s.Int(1, 3), stride = s.Int(1, 2), dilation = s.Int(1, 2);
        int outH = s.Int(1, 3), outW = s.Int(1, 3);
        int height = (outH - 1) * stride + (kh - 1) * dilation + 1 + s.Int(0, 1);
        int width = (outW - 1) * stride + (kw - 1) * dilation + 1 + s.Int(0, 1);
        return ([s.Int(1, 2), s.Int(1, 2), height, width], new UnfoldGeometry(kh, kw, stride, dilation, outH, outW));
    }

    /// <summary>The device a transfer test moves to: ILGPU's CPU accelerator (a GPU that every machine
    /// has) from the CPU, and the CPU from any GPU.</summary>
    private static Device OtherDevice(Device home) => home.Kind == DeviceKind.Cpu ? Device.Parse("ilgpu-cpu") : Device.Cpu;

    private static OpInfo P(string name, Func<OpSampler, OpSample> sample, GradCheckOptions? tolerances = null) => new(name, OpKind.Primitive, sample, tolerances);
    private static OpInfo C(string name, Func<OpSampler, OpSample> sample) => new(name, OpKind.Composite, sample);
    private static OpInfo N(string name, Func<OpSampler, OpSample> sample) => new(name, OpKind.NonDifferentiable, sample);
}
