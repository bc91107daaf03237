// `engine dks solve`: the DKS/TAT activation parameters for a plain chain of nonlinear layers
// (Martens et al. 2021, DKS; Zhang et al. 2022, TAT; google-deepmind/dks
// dks/base/activation_transform.py::get_transformed_activations), printed as text or JSON.
using System.Globalization;
using System.Text;
using System.Text.Json;
using Engine.Nn.Dks;
using Engine.Tensors;
using Engine.Training.Cli;

namespace Engine.Training.Dks;

public static class DksSolveCommand
{
    private const string Help = """
        usage: engine dks solve --activation NAME --depth L [--zeta Z | --tau T | --eta E] [--json]

        Solves the parameters of the transformed activation phi_hat(x) = gamma * (phi(alpha * x + beta) + delta)
        for a plain chain of L nonlinear layers (dense or Delta-initialised conv layers with SUO weights).

          --activation NAME  tanh, softplus, relu, leaky_relu, elu, selu, gelu (tanh form), gelu_exact,
                             swish (= silu), sigmoid, erf
          --depth L          number of nonlinear layers (>= 1)
          --zeta Z           DKS with maximal C'_f(1) = Z > 1 (the default method, Z = 1.5)
          --tau T            TAT for smooth activations with maximal C''_f(1) = T > 0
          --eta E            TAT for leaky_relu with C_f(0) = E in [0, 1]; gives the slope s and gamma
          --json             one JSON object instead of text

        Exit codes: 0 solved, 2 bad arguments or an unreachable target (one line on stderr).
        """;

    /// <summary>Runs with the arguments after `engine dks solve` (a leading "solve" is accepted too).</summary>
    public static int Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "solve") args = args[1..];
        if (Array.Exists(args, a => a is "--help" or "-h"))
        {
            Console.WriteLine(Help);
            return 0;
        }
        try
        {
            var request = Parse(args);
            var parameters = Solve(request);
            Console.WriteLine(request.Json ? FormatJson(request, parameters) : FormatText(request, parameters));
            return 0;
        }
        catch (Exception e) when (e is UsageException or EngineException)
        {
            Console.Error.WriteLine(e.Message.StartsWith("dks solve", StringComparison.Ordinal) ? e.Message : $"dks solve: {e.Message}");
            return 2;
        }
    }

    private enum Method { Dks, TatSmooth, TatLeakyRelu }

    private sealed record Request(string Activation, int Depth, Method Method, double Target, bool Json);

    private static Request Parse(string[] args)
    {
        var arguments = new Arguments("dks solve", args, new HashSet<string> { "json" });
        string activation = arguments.String("activation") ?? throw new UsageException("dks solve: --activation is required (see --help)");
        if (!arguments.Has("depth")) throw new UsageException("dks solve: --depth is required (see --help)");
        int depth = arguments.Int("depth", 0, 1);
        bool hasZeta = arguments.Has("zeta"), hasTau = arguments.Has("tau"), hasEta = arguments.Has("eta");
        if ((hasZeta ? 1 : 0) + (hasTau ? 1 : 0) + (hasEta ? 1 : 0) > 1)
            throw new UsageException("dks solve: give at most one of --zeta (DKS), --tau (TAT) and --eta (TAT, leaky_relu)");
        bool json = arguments.Has("json");
        double zeta = arguments.Double("zeta", DksSolver.DefaultZeta);
        double tau = arguments.Double("tau", TatSolver.DefaultTau);
        double eta = arguments.Double("eta", TatSolver.DefaultEta);
        arguments.RejectUnknown();
        var family = DksActivation.Get(activation).Family;
        if (hasEta && family != ActivationFamily.LeakyRelu)
            throw new UsageException($"dks solve: --eta applies to leaky_relu only; use --tau for TAT with {activation}");
        if (hasTau && family == ActivationFamily.LeakyRelu)
            throw new UsageException("dks solve: TAT for leaky_relu is set by --eta, not --tau");
        if (hasTau && family == ActivationFamily.Relu)
            throw new UsageException("dks solve: TAT cannot transform relu; use leaky_relu with --eta");
        return hasTau ? new(activation, depth, Method.TatSmooth, tau, json)
            : hasEta ? new(activation, depth, Method.TatLeakyRelu, eta, json)
            : new(activation, depth, Method.Dks, zeta, json);
    }

    private static TransformParameters Solve(Request request)
    {
        var activation = DksActivation.Get(request.Activation);
        var network = SubnetworkMaps.PlainChain(request.Depth);
        return request.Method switch
        {
            Method.TatSmooth => TatSolver.SolveSmooth(activation, network, request.Target),
            Method.TatLeakyRelu => TatSolver.SolveLeakyRelu(network, request.Target),
            _ => DksSolver.Solve(activation, network, request.Target),
        };
    }

    private static (string Method, string TargetName) Describe(Method method) => method switch
    {
        Method.TatSmooth => ("TAT", "tau"),
        Method.TatLeakyRelu => ("TAT", "eta"),
        _ => ("DKS", "zeta"),
    };

    private static string FormatText(Request request, TransformParameters p)
    {
        var (method, targetName) = Describe(request.Method);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{method} {request.Activation}, depth {request.Depth}, {targetName} {request.Target.ToString("R", CultureInfo.InvariantCulture)}");
        if (p.NegativeSlope is double s) text.AppendLine(CultureInfo.InvariantCulture, $"negative_slope (s)    {s:R}");
        text.AppendLine(CultureInfo.InvariantCulture, $"input_scale (alpha)   {p.InputScale:R}");
        text.AppendLine(CultureInfo.InvariantCulture, $"input_shift (beta)    {p.InputShift:R}");
        text.AppendLine(CultureInfo.InvariantCulture, $"output_shift (delta)  {p.OutputShift:R}");
        text.Append(CultureInfo.InvariantCulture, $"output_scale (gamma)  {p.OutputScale:R}");
        return text.ToString();
    }

    private static string FormatJson(Request request, TransformParameters p)
    {
        var (method, targetName) = Describe(request.Method);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("activation", request.Activation);
            json.WriteString("method", method);
            json.WriteNumber("depth", request.Depth);
            json.WriteNumber(targetName, request.Target);
            if (p.NegativeSlope is double s) json.WriteNumber("negative_slope", s);
            json.WriteNumber("input_scale", p.InputScale);
            json.WriteNumber("input_shift", p.InputShift);
            json.WriteNumber("output_shift", p.OutputShift);
            json.WriteNumber("output_scale", p.OutputScale);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
