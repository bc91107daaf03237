// The importance-weighted policy of IWPLA (Galashov et al. 2020; spec irl-rl.md §E.1): π(a|s) ∝ π0(a|s) exp(Q(s, a)/η).
// Exact for discrete actions (softmax(log π0 + Q/η)); by sampling-importance-resampling (SIR) otherwise: draw
// a_1..a_N ~ π0, weight w_i = softmax_i(Q(s, a_i)/η), act with a ~ Cat(w). The temperature η can be fitted
// with the MPO dual η ε + η (logsumexp_i(Q_i/η) − log N) (rlax mpo_compute_weights_and_temperature_loss),
// whose minimiser makes KL(q ‖ π0) ≈ ε; the dual is an autograd expression in log η.
using Engine.Autograd;
using Engine.Optim;
using Engine.Tensors;

namespace Engine.Training.Rl.Iwpla;

public static class ImportanceWeightedPolicy
{
    /// <summary>softmax(log π0 + Q/η) over one state's actions.</summary>
    public static double[] Exact(ReadOnlySpan<double> prior, ReadOnlySpan<double> q, double temperature)
    {
        if (!(temperature > 0)) throw new EngineException($"ImportanceWeightedPolicy: temperature must be positive, got {temperature}");
        var logits = new double[prior.Length];
        double max = double.NegativeInfinity;
        for (int a = 0; a < prior.Length; a++)
        {
            logits[a] = prior[a] > 0 ? Math.Log(prior[a]) + q[a] / temperature : double.NegativeInfinity;
            max = Math.Max(max, logits[a]);
        }
        double total = 0;
        for (int a = 0; a < logits.Length; a++) total += logits[a] = Math.Exp(logits[a] - max);
        for (int a = 0; a < logits.Length; a++) logits[a] /= total;
        return logits;
    }

    /// <summary>
    /// One SIR draw: `proposals` actions from π0 (uniforms[0..N)), self-normalised weights softmax(Q/η), then
    /// one resampled action (uniforms[N]). Returns the action and the effective sample size 1/Σ w_i².
    /// </summary>
    public static (int Action, double EffectiveSampleSize) Sample(ReadOnlySpan<double> prior, ReadOnlySpan<double> q, double temperature, int proposals, ReadOnlySpan<double> uniforms)
    {
        if (proposals < 1 || uniforms.Length < proposals + 1) throw new EngineException($"ImportanceWeightedPolicy: need N ≥ 1 proposals and N + 1 uniforms, got N = {proposals}, {uniforms.Length} uniforms");
        // exp(Q/η) depends only on the action, so it is computed once per action (shifted by the max for stability).
        double max = double.NegativeInfinity;
        foreach (double v in q) max = Math.Max(max, v / temperature);
        var actionWeight = new double[q.Length];
        for (int a = 0; a < q.Length; a++) actionWeight[a] = Math.Exp(q[a] / temperature - max);
        var actions = new int[proposals];
        var weights = new double[proposals];
        double total = 0, squares = 0;
        for (int i = 0; i < proposals; i++)
        {
            actions[i] = RolloutSampler.SampleIndex(prior, uniforms[i]);
            total += weights[i] = actionWeight[actions[i]];
        }
        for (int i = 0; i < proposals; i++)
        {
            weights[i] /= total;
            squares += weights[i] * weights[i];
        }
        return (actions[RolloutSampler.SampleIndex(weights, uniforms[proposals])], 1 / squares);
    }

    /// <summary>
    /// Fits η by minimising the MPO dual, averaged over states, with Adam on log η. sampledQ[state][i] are the
    /// action values of the N actions drawn from π0 in that state.
    /// </summary>
    public static double FitTemperature(IReadOnlyList<double[]> sampledQ, double epsilon, double initialTemperature = 1, int steps = 2000, double learningRate = 0.05)
    {
        if (!(epsilon > 0)) throw new EngineException($"ImportanceWeightedPolicy: the KL bound ε must be positive, got {epsilon}");
        int n = sampledQ[0].Length;
        if (sampledQ.Any(row => row.Length != n)) throw new EngineException("ImportanceWeightedPolicy: every state needs the same number of samples");
        var q = new Tensor(NDArray.FromArray(sampledQ.SelectMany(row => row).ToArray(), sampledQ.Count, n));
        var logTemperature = new Tensor(NDArray.FromArray([Math.Log(initialTemperature)], 1), requiresGrad: true);
        var optimizer = new Adam([new ParamGroup([new("log_temperature", logTemperature)], learningRate)]);
        for (int step = 0; step < steps; step++)
        {
            var loss = Dual(q, logTemperature.Exp(), epsilon);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
        }
        return Math.Exp(logTemperature.Item());
    }

    /// <summary>η ε + η · mean_s (logsumexp_i(Q_si/η) − log N), the MPO temperature dual.</summary>
    public static Tensor Dual(Tensor sampledQ, Tensor temperature, double epsilon)
    {
        int n = sampledQ.Dim(1);
        var logMeanExp = (sampledQ / temperature).LogSumExp([1]) - Math.Log(n);
        return (temperature * epsilon + temperature * logMeanExp.Mean()).Sum();
    }
}
