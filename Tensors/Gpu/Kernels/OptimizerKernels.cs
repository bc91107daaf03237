// Fused in-place optimizer updates on the device, element for element the formulas of
// Tensors/Kernels/OptimizerKernels.cs (Adam/AdamW and SGD with momentum), in the same order and without
// fused multiply-adds. Hyper-parameters arrive as doubles and are rounded to T once, as on the CPU.
using ILGPU;

namespace Engine.Tensors.Gpu.Kernels;

public struct AdamScalars
{
    public double Shrink, Decay, Keep1, Beta2, Keep2, Correction2, Eps, StepSize;
    public int ShrinkP, Penalise;
}

public struct SgdScalars
{
    public double Decay, Momentum, Keep, Lr;
    public int Penalise, UseMomentum, FirstStep, Nesterov;
}

public static class OptimizerKernels
{
    public static void Adam<T, M>(Index1D i, ArrayView<T> p, ArrayView<T> g, ArrayView<T> mAvg, ArrayView<T> vAvg, AdamScalars s)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        T pi = p[i], gi = g[i];
        if (s.ShrinkP != 0) pi = m.Mul(pi, m.FromDouble(s.Shrink));
        if (s.Penalise != 0) gi = m.Add(gi, m.Mul(pi, m.FromDouble(s.Decay)));
        T mi = m.Add(mAvg[i], m.Mul(m.Binary(1, gi, mAvg[i]), m.FromDouble(s.Keep1)));
        T vi = m.Add(m.Mul(vAvg[i], m.FromDouble(s.Beta2)), m.Mul(m.Mul(gi, gi), m.FromDouble(s.Keep2)));
        T denominator = m.Add(m.Binary(3, m.Unary(5, vi), m.FromDouble(s.Correction2)), m.FromDouble(s.Eps));
        p[i] = m.Binary(1, pi, m.Mul(m.Binary(3, mi, denominator), m.FromDouble(s.StepSize)));
        mAvg[i] = mi;
        vAvg[i] = vi;
    }

    public static void Sgd<T, M>(Index1D i, ArrayView<T> p, ArrayView<T> g, ArrayView<T> buffer, SgdScalars s)
        where T : unmanaged where M : struct, INum<T>
    {
        var m = default(M);
        T gi = s.Penalise != 0 ? m.Add(g[i], m.Mul(p[i], m.FromDouble(s.Decay))) : g[i];
        if (s.UseMomentum != 0)
        {
            T b = s.FirstStep != 0 ? gi : m.Add(m.Mul(buffer[i], m.FromDouble(s.Momentum)), m.Mul(gi, m.FromDouble(s.Keep)));
            buffer[i] = b;
            gi = s.Nesterov != 0 ? m.Add(gi, m.Mul(b, m.FromDouble(s.Momentum))) : b;
        }
        p[i] = m.Binary(1, p[i], m.Mul(gi, m.FromDouble(s.Lr)));
    }
}
