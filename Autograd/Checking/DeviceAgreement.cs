// Checks one registered op on a device against the reference backend: the same random sample (same
// seed: same shapes, values and non-contiguous layouts) is built on the CPU and on the device, and the
// forward values and, for differentiable ops, the gradients of a random weighting of the output with
// respect to every input must agree within a tolerance. Used by the GPU tests and by
// `engine bench agreement --device cuda`, which runs the same check where no test runner is installed.
using Engine.Tensors;

namespace Engine.Autograd;

public static class DeviceAgreement
{
    /// <summary>Null when op agrees on device for this seed, else a message naming the first difference.</summary>
    public static string? Check(OpInfo op, Device device, ulong seed, double tolerance)
    {
        var onCpu = op.Sample!(new OpSampler(seed));
        var onDevice = op.Sample!(new OpSampler(seed, device));
        string where = $"{op.Name} on {onCpu.Description} (seed {seed})";

        Tensor expected;
        using (Backend.Use(Backend.Reference)) expected = onCpu.Apply(onCpu.Inputs);
        var actual = onDevice.Apply(onDevice.Inputs);
        if (actual.Device != device) return $"{where}: the result is on {actual.Device}, not {device}";
        var problem = Compare(expected.Data, actual.Data, tolerance, where + " forward");
        if (problem is not null || op.Kind == OpKind.NonDifferentiable || !expected.RequiresGrad) return problem;

        var weights = new Generator(seed).Uniform(expected.Shape.ToArray(), -1, 1, DType.Float64);
        using (Backend.Use(Backend.Reference)) (expected * new Tensor(weights)).Sum().Backward();
        (actual * new Tensor(weights.To(device))).Sum().Backward();
        for (int i = 0; i < onCpu.Inputs.Length; i++)
        {
            var g = onCpu.Inputs[i].Grad;
            var gd = onDevice.Inputs[i].Grad;
            if ((g is null) != (gd is null)) return $"{where}: input {i} has a gradient on one backend only";
            if (g is null) continue;
            problem = Compare(g.Data, gd!.Data, tolerance, $"{where} gradient of input {i}");
            if (problem is not null) return problem;
        }
        return null;
    }

    private static string? Compare(NDArray expected, NDArray actual, double tolerance, string what)
    {
        if (expected.ShapeString != actual.ShapeString || expected.DType != actual.DType)
            return $"{what}: {actual.DType.Name()} {actual.ShapeString} on the device, {expected.DType.Name()} {expected.ShapeString} on the reference";
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
            if (!(Math.Abs(e[i] - a[i]) <= tolerance * (1 + Math.Abs(e[i]))) && !(double.IsNaN(e[i]) && double.IsNaN(a[i])))
                return $"{what}: element {i} is {a[i]} on the device, {e[i]} on the reference backend";
        return null;
    }
}
