// The registry's entries: for each op, its kind and a sampler of random inputs in a suitable domain.
using Engine.Tensors;

namespace Engine.Autograd;

public static partial class OpRegistry
{
    private static List<OpInfo> Build() =>
    [
        // Elementwise unary.
        P("neg", s => Unary(s, Domain.Real, x => x.Neg())),
        P("exp", s => Unary(s, Domain.Real, x => x.Exp())),
        P("log", s => Unary(s, Domain.Positive, x => x.Log())),
        P("sqrt", s => Unary(s, Domain.Positive, x => x.Sqrt())),
        P("tanh", s => Unary(s, Domain.Real, x => x.Tanh())),
        P("sigmoid", s => Unary(s, Domain.Real, x => x.Sigmoid())),
        P("erf", s => Unary(s, Domain.Real, x => x.Erf())),
        P("sin", s => Unary(s, Domain.Real, x => x.Sin())),
        P("cos", s => Unary(s, Domain.Real, x => x.Cos())),
        P("abs", s => Unary(s, Domain.AwayFromZero, x => x.Abs())),
        N("sign", s => Unary(s, Domain.AwayFromZero, x => x.Sign())),
        // Rounding to float32 and back is linear up to float32 resolution, so a wide step is needed.
        P("to_dtype", s => Unary(s, Domain.Real, x => x.ToDType(DType.Float32).ToDType(DType.Float64) * x),
            new GradCheckOptions(Eps: 1e-2, Atol: 1e-4, Rtol: 1e-3)),

        // Elementwise binary, broadcasting.
        P("add", s => Binary(s, Domain.Real, Domain.Real, (a, b) => a + b)),
        P("sub", s => Binary(s, Domain.Real, Domain.Real, (a, b) => a - b)),
        P("mul", s => Binary(s, Domain.Real, Domain.Real, (a, b) => a * b)),
        P("div", s => Binary(s, Domain.Real, Domain.AwayFromZero, (a, b) => a / b)),
        P("pow", s => Binary(s, Domain.Positive, Domain.Real, (a, b) => a.Pow(b))),
        P("maximum", s => Binary(s, Domain.Real, Domain.Real, (a, b) => a.Maximum(b))),
        P("minimum", s => Binary(s, Domain.Real, Domain.Real, (a, b) => a.Minimum(b))),
        N("compare", s =>
        {
            var comparison = s.Pick(BinaryOp.Lt, BinaryOp.Ge, BinaryOp.Eq, BinaryOp.Ne);
            return Binary(s, Domain.Real, Domain.Real, (a, b) => a.Compare(comparison, b));
        }),
        P("where", s =>
        {
            var (a, b) = s.BroadcastPair();
            var mask = s.Mask(s.Coin() ? a : b);
            return new([s.Input(a), s.Input(b)], x => Tensor.Where(mask, x[0], x[1]), $"a{ShapeMath.Format(a)} b{ShapeMath.Format(b)} mask{mask.ShapeString}");
        }),

        // Reductions and scans.
        P("sum", s => Reduction(s, (x, axes, keep) => x.Sum(axes, keep))),
        P("max", s => Reduction(s, (x, axes, keep) => x.Max(axes, keep))),
        P("min", s => Reduction(s, (x, axes, keep) => x.Min(axes, keep))),
        C("mean", s => Reduction(s, (x, axes, keep) => x.Mean(axes, keep))),
        C("var", s => Reduction(s, (x, axes, keep) => x.Var(axes, keep, ddof: 0))),
        C("logsumexp", s => Reduction(s, (x, axes, keep) => x.LogSumExp(axes, keep))),
        P("softmax", s => AlongAxis(s, (x, a) => x.Softmax(a))),
        P("log_softmax", s => AlongAxis(s, (x, a) => x.LogSoftmax(a))),
        N("argmax", s => AlongAxis(s, (x, a) => x.ArgMax(a))),
        P("cumsum", s => AlongAxis(s, (x, a) => x.CumSum(a))),
        P("linear_scan", s =>
        {
            var shape = s.Shape(1);
            int axis = s.Int(-shape.Length, shape.Length - 1);
            bool reverse = s.Coin();
            return new([s.Input(shape), s.Input(shape)], x => Tensor.LinearScan(x[0], x[1], axis, reverse),
                       $"a, x{ShapeMath.Format(shape)} axis {axis} reverse {reverse}");
        }),

        // Fused kernels (a last axis of 1 is included: the normalised row is then 0 or ±1).
        P("rms_norm", s =>
        {
            var shape = s.Shape(1);
            return new([s.Input(shape), s.Input([shape[^1]])], x => x[0].RmsNorm(x[1], 0.1), $"x{ShapeMath.Format(shape)}");
        }),
        P("layer_norm", s =>
        {
            var shape = s.Shape(1);
            shape[^1] = s.Int(2, 5);
            return new([s.Input(shape), s.Input([shape[^1]]), s.Input([shape[^1]])], x => x[0].LayerNorm(x[1], x[2], 0.1), $"x{ShapeMath.Format(shape)}");
        }),
        P("gelu", s =>
        {
            bool tanh = s.Coin();
            var sample = Unary(s, Domain.Real, x => x.Gelu(tanh));
            return sample with { Description = $"{sample.Description} tanh {tanh}" };
        }),

        P("causal_conv1d", s =>
        {
            int batch = s.Int(1, 2), time = s.Int(1, 6), width = s.Int(1, 4), taps = s.Int(1, 4);
            var reach = s.Index([batch, time], time + 1).Data;
            return new([s.Input([batch, time, width]), s.Input([taps, width]), s.Input([width])],
                x => Tensor.CausalDepthwiseConv(x[0], x[1], x[2], reach), $"u[{batch}, {time}, {width}] w[{taps}, {width}] reach {reach}");
        }),

        P("unfold2d", s =>
        {
            var (shape, geometry) = UnfoldCase(s);
            return new([s.Input(shape)], x => x[0].Unfold2d(geometry), $"x{ShapeMath.Format(shape)} {geometry}");
        }),
        P("fold2d", s =>
        {
            var (shape, geometry) = UnfoldCase(s);
            int[] columns = [shape[0], shape[1], geometry.Taps, geometry.OutHeight, geometry.OutWidth];
            return new([s.Input(columns)], x => x[0].Fold2d(shape[2], shape[3], geometry), $"cols{ShapeMath.Format(columns)} into {ShapeMath.Format(shape)} {geometry}");
        }),

        // Movement.
        P("reshape", s =>
        {
            var shape = s.Shape();
            var target = s.Pick(0, 1, 2) switch { 0 => [-1], 1 => shape.Reverse().ToArray(), _ => [1, .. shape, 1] };
            return new([s.Input(shape)], x => x[0].Reshape(target), $"x{ShapeMath.Format(shape)} to {ShapeMath.Format(target)}");
        }),
        C("flatten", s => Unary(s, Domain.Real, x => x.Flatten())),
        P("permute", s =>
        {
            var shape = s.Shape(1);
            var axes = new Generator((ulong)s.Int(0, 1 << 20)).Permutation(shape.Length);
            return new([s.Input(shape)], x => x[0].Permute(axes), $"x{ShapeMath.Format(shape)} axes {ShapeMath.Format(axes)}");
        }),
        C("transpose", s =>
        {
            var shape = s.Shape(1);
            int a = s.Int(0, shape.Length - 1), b = s.Int(0, shape.Length - 1);
            return new([s.Input(shape)], x => x[0].Transpose(a, b), $"x{ShapeMath.Format(shape)} swap {a},{b}");
        }),
        C("mT", s =>
        {
            var shape = s.Shape(2, 4);
            return new([s.Input(shape)], x => x[0].MT(), $"x{ShapeMath.Format(shape)}");
        }),
        P("expand", s =>
        {
            var (small, _) = s.BroadcastPair();
            var target = s.Shape(small.Length, small.Length + 1).ToArray();
            int lead = target.Length - small.Length;
            for (int i = 0; i < small.Length; i++) if (small[i] != 1) target[lead + i] = small[i];
            return new([s.Input(small)], x => x[0].Expand(target), $"x{ShapeMath.Format(small)} to {ShapeMath.Format(target)}");
        }),
        C("squeeze", s => AlongAxis(s, (x, a) => x.Unsqueeze(a).Squeeze(a))),
        C("unsqueeze", s =>
        {
            var shape = s.Shape();
            int axis = s.Int(-shape.Length - 1, shape.Length);
            return new([s.Input(shape)], x => x[0].Unsqueeze(axis) * x[0].Unsqueeze(axis), $"x{ShapeMath.Format(shape)} axis {axis}");
        }),
        P("slice", s =>
        {
            var shape = s.Shape(1, 3, 6);
            int axis = s.Int(0, shape.Length - 1), n = shape[axis];
            int start = s.Int(-n, n - 1), end = s.Int(-n, n + 1), step = s.Int(1, 3);
            return new([s.Input(shape)], x => x[0].Slice(axis, start, end, step), $"x{ShapeMath.Format(shape)} axis {axis} {start}:{end}:{step}");
        }),
        P("embed", s =>
        {
            var shape = s.Shape(1, 3, 6);
            int axis = s.Int(0, shape.Length - 1), n = shape[axis];
            int start = s.Int(0, n - 1), step = s.Int(1, 3);
            var part = (int[])shape.Clone();
            part[axis] = NDArray.SliceBounds(n, start, n, step).Length;
            return new([s.Input(part)], x => x[0].Embed(shape, axis, start, n, step), $"x{ShapeMath.Format(part)} into {ShapeMath.Format(shape)} axis {axis} {start}::{step}");
        }),
        C("select", s => AlongAxis(s, (x, a) => x.Select(a, -1))),
        P("pad", s =>
        {
            var shape = s.Shape(1);
            var padding = Enumerable.Range(0, 2 * s.Int(1, shape.Length)).Select(_ => s.Int(0, 2)).ToArray();
            return new([s.Input(shape)], x => x[0].Pad(padding, 0.5), $"x{ShapeMath.Format(shape)} padding {ShapeMath.Format(padding)}");
        }),
        P("cat", s =>
        {
            var shape = s.Shape(1);
            int axis = s.Int(0, shape.Length - 1);
            var inputs = Enumerable.Range(0, s.Int(1, 3)).Select(_ => { var p = (int[])shape.Clone(); p[axis] = s.Int(1, 3); return s.Input(p); }).ToArray();
            return new(inputs, x => Tensor.Cat(x, axis), $"{inputs.Length} tensors like {inputs[0].ShapeString} on axis {axis}");
        }),
        C("stack", s =>
        {
            var shape = s.Shape();
            int axis = s.Int(0, shape.Length);
            return new([s.Input(shape), s.Input(shape)], x => Tensor.Stack(x, axis), $"2 x{ShapeMath.Format(shape)} axis {axis}");
        }),
        C("split", s => AlongAxis(s, (x, a) =>
        {
            int n = x.Dim(a), first = n / 2;
            var parts = x.Split([first, n - first], a);
            return Tensor.Cat([parts[1] * 2.0, parts[0]], a);
        })),
        P("contiguous", s => Unary(s, Domain.Real, x => x.Contiguous())),
        // Device transfer: to the other device (ILGPU's CPU accelerator from the CPU, the CPU from a GPU),
        // a product there, and back, so both directions and the gradient's way home are checked.
        P("to_device", s => Unary(s, Domain.Real, x =>
        {
            var there = x.To(OtherDevice(s.Device));
            return (there * there).To(s.Device);
        })),

        // Indexing.
        P("gather", s =>
        {
            var shape = s.Shape(1);
            int axis = s.Int(0, shape.Length - 1);
            var indexShape = shape.Select((d, i) => i == axis ? s.Int(1, 5) : s.Int(1, d)).ToArray();
            var index = s.Index(indexShape, shape[axis]);
            return new([s.Input(shape)], x => x[0].Gather(axis, index), $"x{ShapeMath.Format(shape)} axis {axis} index{ShapeMath.Format(indexShape)}");
        }),
        P("scatter_add", s =>
        {
            var shape = s.Shape(1);
            int axis = s.Int(0, shape.Length - 1);
            var indexShape = shape.Select((d, i) => i == axis ? s.Int(1, 5) : s.Int(1, d)).ToArray();
            var index = s.Index(indexShape, shape[axis]);
            return new([s.Input(shape), s.Input(indexShape)], x => x[0].ScatterAdd(axis, index, x[1]), $"target{ShapeMath.Format(shape)} axis {axis} index{ShapeMath.Format(indexShape)}");
        }),
        C("index_select", s =>
        {
            var shape = s.Shape(1);
            int axis = s.Int(0, shape.Length - 1);
            var index = s.Index([s.Int(1, 5)], shape[axis]);
            return new([s.Input(shape)], x => x[0].IndexSelect(axis, index), $"x{ShapeMath.Format(shape)} axis {axis} indices{index.ShapeString}");
        }),
        C("masked_fill", s =>
        {
            var (a, b) = s.BroadcastPair();
            var full = ShapeMath.Broadcast("sample", a, b);
            var mask = s.Mask(b);
            return new([s.Input(full)], x => x[0].MaskedFill(mask, -1.5), $"x{ShapeMath.Format(full)} mask{ShapeMath.Format(b)}");
        }),
        N("one_hot", s =>
        {
            var shape = s.Shape(0, 2);
            int classes = s.Int(1, 5);
            var index = s.Index(shape, classes);
            return new([s.Input(shape)], x => Tensor.OneHot(index, classes, DType.Float64), $"indices{ShapeMath.Format(shape)} classes {classes}");
        }),

        // Matrix product: 1-D operands, plain matrices and broadcast batches.
        P("matmul", s =>
        {
            int m = s.Int(1, 4), k = s.Int(1, 4), n = s.Int(1, 4);
            var (batchA, batchB) = s.BroadcastPair(2);
            int[] a = s.Int(0, 4) == 0 ? [k] : [.. batchA, m, k];
            int[] b = s.Int(0, 4) == 0 ? [k] : [.. batchB, k, n];
            return new([s.Input(a), s.Input(b)], x => x[0].MatMul(x[1]), $"a{ShapeMath.Format(a)} b{ShapeMath.Format(b)}");
        }),
    ];
}
