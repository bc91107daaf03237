// An independent plain-loop float64 forward pass of Griffin, written straight from specs/griffin.md §1
// (not from the engine's modules), used as the oracle of the golden tests. Parameters come as flat
// arrays in the official torch layout (§1.11); batch size 1.
using Engine.Models.Griffin;

namespace Engine.Models.Tests.Griffin;

internal sealed class ScalarGriffinReference(GriffinConfig config, IReadOnlyDictionary<string, double[]> parameters)
{
    private readonly int _d = config.Width, _e = config.LruWidth, _h = config.NumHeads, _m = config.MlpExpandedWidth;

    /// <summary>The scaled embedding [T][D] (§1.2).</summary>
    public double[][] Embed(long[] tokens)
    {
        var table = parameters["embedder.input_embedding"];
        double scale = config.EmbeddingsScaleBySqrtDim ? Embedder.RoundToBFloat16(Math.Sqrt(_d)) : 1;
        return [.. tokens.Select(tok => Enumerable.Range(0, _d).Select(c => table[tok * _d + c] * scale).ToArray())];
    }

    /// <summary>Logits [T][V] (§1.1), and each block's output via blockOutputs when given.</summary>
    public double[][] Forward(long[] tokens, long[] positions, List<double[][]>? blockOutputs = null)
    {
        var x = Embed(tokens);
        for (int i = 0; i < config.NumBlocks; i++)
        {
            string prefix = $"blocks.{i}.";
            var normed = RmsNorm(x, parameters[prefix + "temporal_pre_norm.scale"]);
            var temporal = config.BlockTypes[i] == TemporalBlockType.Recurrent
                ? Recurrent(normed, positions, prefix + "recurrent_block.")
                : Attention(normed, positions, prefix + "attention_block.");
            x = Add(x, temporal);
            x = Add(x, Mlp(RmsNorm(x, parameters[prefix + "channel_pre_norm.scale"]), prefix + "mlp_block."));
            blockOutputs?.Add(x);
        }
        x = RmsNorm(x, parameters["final_norm.scale"]);
        var table = parameters["embedder.input_embedding"];
        var logits = new double[x.Length][];
        for (int t = 0; t < x.Length; t++)
        {
            logits[t] = new double[config.VocabSize];
            for (int v = 0; v < config.VocabSize; v++)
            {
                double sum = 0;
                for (int c = 0; c < _d; c++) sum += x[t][c] * table[v * _d + c];
                double cap = config.LogitsSoftCap;
                logits[t][v] = cap > 0 ? cap * Math.Tanh(sum / cap) : sum;
            }
        }
        return logits;
    }

    private static double[][] RmsNorm(double[][] x, double[] scale) => [.. x.Select(row =>
    {
        double meanSquare = row.Sum(v => v * v) / row.Length;
        double inverse = 1 / Math.Sqrt(meanSquare + 1e-6);
        return row.Select((v, c) => v * inverse * (1 + scale[c])).ToArray();
    })];

    private static double[][] Add(double[][] a, double[][] b) => [.. a.Select((row, t) => row.Select((v, c) => v + b[t][c]).ToArray())];

    public static double GeluTanh(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>torch nn.Linear: weight [out, in], y = x·Wᵀ + b.</summary>
    private double[][] Linear(double[][] x, string name, bool bias)
    {
        var w = parameters[name + ".weight"];
        int inputs = x[0].Length, outputs = w.Length / inputs;
        var b = bias ? parameters[name + ".bias"] : new double[outputs];
        return [.. x.Select(row => Enumerable.Range(0, outputs).Select(o =>
        {
            double sum = b[o];
            for (int i = 0; i < inputs; i++) sum += w[o * inputs + i] * row[i];
            return sum;
        }).ToArray())];
    }

    private double[][] Recurrent(double[][] x, long[] positions, string prefix)
    {
        int time = x.Length;
        var y = Linear(x, prefix + "linear_y", true).Select(r => r.Select(GeluTanh).ToArray()).ToArray();
        var u = Linear(x, prefix + "linear_x", true);

        // Conv1D (§1.7): w[3] multiplies the current input; no look-back across a document start.
        var cw = parameters[prefix + "conv_1d.w"];
        var cb = parameters[prefix + "conv_1d.b"];
        var conv = new double[time][];
        for (int t = 0; t < time; t++)
        {
            conv[t] = new double[_e];
            for (int c = 0; c < _e; c++)
            {
                double sum = cb[c];
                for (int s = 0; s < 4 && t - s >= 0; s++)
                {
                    bool crosses = false;
                    for (int k = t - s + 1; k <= t; k++) crosses |= positions[k] == 0;
                    if (!crosses) sum += cw[(3 - s) * _e + c] * u[t - s][c];
                }
                conv[t][c] = sum;
            }
        }

        // RG-LRU (§1.8).
        var aParam = parameters[prefix + "rg_lru.a_param"];
        var state = new double[_e];
        var output = new double[time][];
        for (int t = 0; t < time; t++)
        {
            var gateX = BlockDiagonal(conv[t], prefix + "rg_lru.input_gate");
            var gateA = BlockDiagonal(conv[t], prefix + "rg_lru.a_gate");
            bool reset = positions[t] == 0;
            output[t] = new double[_e];
            for (int c = 0; c < _e; c++)
            {
                double softplus = Math.Log(1 + Math.Exp(aParam[c]));
                double logA = -8.0 * Sigmoid(gateA[c]) * softplus;
                double a = Math.Exp(logA);
                double multiplier = reset ? 1 : Math.Sqrt(1 - a * a);
                state[c] = (reset ? 0 : a) * state[c] + conv[t][c] * Sigmoid(gateX[c]) * multiplier;
                output[t][c] = state[c] * y[t][c];
            }
        }
        return Linear(output, prefix + "linear_out", true);
    }

    private double[] BlockDiagonal(double[] x, string name)
    {
        var w = parameters[name + ".w"];
        var b = parameters[name + ".b"];
        int width = _e / _h;
        var result = new double[_e];
        for (int h = 0; h < _h; h++)
            for (int j = 0; j < width; j++)
            {
                double sum = b[h * width + j];
                for (int i = 0; i < width; i++) sum += x[h * width + i] * w[(h * width + i) * width + j];
                result[h * width + j] = sum;
            }
        return result;
    }

    /// <summary>RoPE on the first half of a head, split-half pairing (§1.9), in place.</summary>
    public static void Rope(double[] head, int offset, int headDim, long position)
    {
        int rotated = headDim / 2, half = rotated / 2;
        for (int j = 0; j < half; j++)
        {
            double angle = position * Math.Pow(10000, -2.0 * j / rotated);
            double x1 = head[offset + j], x2 = head[offset + half + j];
            head[offset + j] = x1 * Math.Cos(angle) - x2 * Math.Sin(angle);
            head[offset + half + j] = x2 * Math.Cos(angle) + x1 * Math.Sin(angle);
        }
    }

    private double[][] Attention(double[][] x, long[] positions, string prefix)
    {
        int time = x.Length, headDim = _d / _h, window = config.AttentionWindowSize;
        var q = Linear(x, prefix + "proj_q", false);
        var k = Linear(x, prefix + "proj_k", false);
        var v = Linear(x, prefix + "proj_v", false);
        var segment = new int[time];
        for (int t = 0, id = 0; t < time; t++) segment[t] = positions[t] == 0 ? ++id : id;
        for (int t = 0; t < time; t++)
        {
            for (int h = 0; h < _h; h++) Rope(q[t], h * headDim, headDim, positions[t]);
            Rope(k[t], 0, headDim, positions[t]);
        }
        var mixed = new double[time][];
        for (int i = 0; i < time; i++)
        {
            mixed[i] = new double[_d];
            for (int h = 0; h < _h; h++)
            {
                var visible = Enumerable.Range(0, i + 1).Where(j => i <= j + window && segment[i] == segment[j]).ToArray();
                var logits = visible.Select(j =>
                    Enumerable.Range(0, headDim).Sum(c => q[i][h * headDim + c] * k[j][c]) / Math.Sqrt(headDim)).ToArray();
                double max = logits.Max();
                var weights = logits.Select(l => Math.Exp(l - max)).ToArray();
                double total = weights.Sum();
                for (int n = 0; n < visible.Length; n++)
                    for (int c = 0; c < headDim; c++) mixed[i][h * headDim + c] += weights[n] / total * v[visible[n]][c];
            }
        }
        return Linear(mixed, prefix + "proj_final", true);
    }

    private double[][] Mlp(double[][] x, string prefix)
    {
        var w = parameters[prefix + "ffw_up.w"];
        var b = parameters[prefix + "ffw_up.b"];
        var hidden = x.Select(row => Enumerable.Range(0, _m).Select(m =>
        {
            double gate = b[m], linear = b[_m + m];
            for (int c = 0; c < _d; c++)
            {
                gate += row[c] * w[c * _m + m];
                linear += row[c] * w[_d * _m + c * _m + m];
            }
            return GeluTanh(gate) * linear;
        }).ToArray()).ToArray();
        return Linear(hidden, prefix + "ffw_down", true);
    }
}
