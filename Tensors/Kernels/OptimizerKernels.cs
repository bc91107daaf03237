// Fused, in-place optimizer updates: one pass over parameter, gradient and state, with no temporary
// arrays. Each element goes through exactly the operations (and roundings) of the unfused NDArray
// formulas in Optim/Adam.cs and Optim/Sgd.cs, in the same order and without fused multiply-adds, so the
// fused and unfused updates give the same bits. Elements are independent, so threads change nothing.
// Arrays on a GPU are updated by the same formulas as device kernels (Tensors/Gpu/Kernels/OptimizerKernels.cs).
using System.Numerics;

namespace Engine.Tensors;

/// <summary>Adam/AdamW hyper-parameters of one step, already folded into per-step scalars.</summary>
public readonly record struct AdamStep(double Beta1, double Beta2, double Eps, double WeightDecay, bool Decoupled,
    double LearningRate, double StepSize, double BiasCorrection2Sqrt);

/// <summary>SGD hyper-parameters of one step.</summary>
public readonly record struct SgdStep(double LearningRate, double WeightDecay, double Momentum, double Dampening, bool Nesterov, bool FirstStep);

public static class OptimizerKernels
{
    private const int Chunk = 1 << 14;

    /// <summary>Updates parameter, expAvg and expAvgSq in place from grad (all contiguous, same shape and dtype).</summary>
    public static void AdamUpdate(NDArray parameter, NDArray grad, NDArray expAvg, NDArray expAvgSq, AdamStep step)
    {
        Check("adam", parameter, grad, expAvg, expAvgSq);
        if (parameter.Device.Kind == DeviceKind.Gpu)
        {
            Gpu.GpuBackend.For(parameter.Device).AdamUpdate(parameter, grad, expAvg, expAvgSq, step);
            return;
        }
        if (parameter.DType == DType.Float32)
            ForChunks(parameter.Size, (start, n) => Adam(Slice<float>(parameter, start, n), Slice<float>(grad, start, n),
                Slice<float>(expAvg, start, n), Slice<float>(expAvgSq, start, n), step));
        else
            ForChunks(parameter.Size, (start, n) => Adam(Slice<double>(parameter, start, n), Slice<double>(grad, start, n),
                Slice<double>(expAvg, start, n), Slice<double>(expAvgSq, start, n), step));
    }

    /// <summary>Updates parameter (and the momentum buffer, when momentum is used) in place from grad.</summary>
    public static void SgdUpdate(NDArray parameter, NDArray grad, NDArray? momentumBuffer, SgdStep step)
    {
        if (step.Momentum != 0 && momentumBuffer is null)
            throw EngineException.ForOp("sgd", "momentum needs a momentum buffer");
        Check("sgd", parameter, grad, momentumBuffer ?? grad, momentumBuffer ?? grad);
        if (parameter.Device.Kind == DeviceKind.Gpu)
        {
            Gpu.GpuBackend.For(parameter.Device).SgdUpdate(parameter, grad, momentumBuffer, step);
            return;
        }
        if (parameter.DType == DType.Float32)
            ForChunks(parameter.Size, (start, n) => Sgd(Slice<float>(parameter, start, n), Slice<float>(grad, start, n),
                momentumBuffer is null ? default : Slice<float>(momentumBuffer, start, n), step));
        else
            ForChunks(parameter.Size, (start, n) => Sgd(Slice<double>(parameter, start, n), Slice<double>(grad, start, n),
                momentumBuffer is null ? default : Slice<double>(momentumBuffer, start, n), step));
    }

    private static void Check(string op, NDArray parameter, params NDArray[] others)
    {
        if (!parameter.DType.IsFloating() || !parameter.IsContiguous)
            throw EngineException.ForOp(op, $"parameter must be a contiguous float array, got {parameter.DType.Name()} {parameter.ShapeString}");
        foreach (var a in others)
        {
            NDArray.RequireSameDevice(op, parameter, a);
            if (a.DType != parameter.DType || !a.IsContiguous || !a.Shape.SequenceEqual(parameter.Shape))
                throw EngineException.ForOp(op, $"expected contiguous {parameter.DType.Name()} {parameter.ShapeString}, got {a.DType.Name()} {a.ShapeString}");
        }
    }

    private static Span<T> Slice<T>(NDArray a, int start, int length) where T : unmanaged => a.Span<T>().Slice(start, length);

    private static void ForChunks(int size, Action<int, int> body)
    {
        int chunks = (size + Chunk - 1) / Chunk;
        Parallelism.For(chunks, Chunk, c => body(c * Chunk, Math.Min(Chunk, size - c * Chunk)));
    }

    private static void Adam<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, AdamStep s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T shrink = T.CreateTruncating(1 - s.LearningRate * s.WeightDecay), decay = T.CreateTruncating(s.WeightDecay);
        T keep1 = T.CreateTruncating(1 - s.Beta1), beta2 = T.CreateTruncating(s.Beta2), keep2 = T.CreateTruncating(1 - s.Beta2);
        T correction2 = T.CreateTruncating(s.BiasCorrection2Sqrt), eps = T.CreateTruncating(s.Eps), stepSize = T.CreateTruncating(s.StepSize);
        bool shrinkP = s.WeightDecay != 0 && s.Decoupled, penalise = s.WeightDecay != 0 && !s.Decoupled;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= p.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var pv = new Vector<T>(p[i..]);
                var gv = new Vector<T>(g[i..]);
                var mv = new Vector<T>(m[i..]);
                var vv = new Vector<T>(v[i..]);
                if (shrinkP) pv *= shrink;
                if (penalise) gv += pv * decay;
                mv += (gv - mv) * keep1;
                vv = vv * beta2 + gv * gv * keep2;
                var denominator = Vector.SquareRoot(vv) / correction2 + new Vector<T>(eps);
                pv -= mv / denominator * stepSize;
                pv.CopyTo(p[i..]);
                mv.CopyTo(m[i..]);
                vv.CopyTo(v[i..]);
            }
        for (; i < p.Length; i++)
        {
            T pi = p[i], gi = g[i];
            if (shrinkP) pi *= shrink;
            if (penalise) gi += pi * decay;
            T mi = m[i] + (gi - m[i]) * keep1;
            T vi = v[i] * beta2 + gi * gi * keep2;
            p[i] = pi - mi / (T.Sqrt(vi) / correction2 + eps) * stepSize;
            m[i] = mi;
            v[i] = vi;
        }
    }

    private static void Sgd<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> buffer, SgdStep s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T decay = T.CreateTruncating(s.WeightDecay), momentum = T.CreateTruncating(s.Momentum);
        T keep = T.CreateTruncating(1 - s.Dampening), lr = T.CreateTruncating(s.LearningRate);
        bool penalise = s.WeightDecay != 0, useMomentum = s.Momentum != 0;
        for (int i = 0; i < p.Length; i++)
        {
            T gi = penalise ? g[i] + p[i] * decay : g[i];
            if (useMomentum)
            {
                T b = s.FirstStep ? gi : buffer[i] * momentum + gi * keep;
                buffer[i] = b;
                gi = s.Nesterov ? gi + b * momentum : b;
            }
            p[i] -= gi * lr;
        }
    }
}
