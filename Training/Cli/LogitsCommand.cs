// `engine logits`: the logits of a Griffin-family checkpoint for given tokens, as JSON [T, vocab_size],
// for comparing numerically with the reference implementation.
using System.Globalization;
using System.Text;
using Engine.Autograd;
using Engine.Models.Griffin;
using Engine.Tensors;

namespace Engine.Training.Cli;

public static class LogitsCommand
{
    private const string Help = """
        usage: engine logits --checkpoint FILE --config FILE --tokens "5 17 3" [--segment-pos "0 1 2"] [--json]

        Runs a Griffin, Hawk or MQA-transformer checkpoint (official parameter names, safetensors; BF16 is
        widened to float32) on one sequence and prints the logits, one row per token.

        options:
          --checkpoint FILE   model weights in safetensors (required)
          --config FILE       the model's JSON config with the official field names (required)
          --tokens IDS        token ids separated by spaces or commas (required)
          --segment-pos IDS   position of each token in its document (default 0, 1, 2, ...)
          --json              print one JSON object {"shape": [T, V], "logits": [[...], ...]}
        """;

    public static int Run(string[] args)
    {
        var a = new Arguments("logits", args, new HashSet<string> { "help", "json" });
        if (a.Has("help"))
        {
            Console.WriteLine(Help);
            return 0;
        }
        string checkpoint = a.String("checkpoint") ?? throw new UsageException("logits: --checkpoint is required");
        string configPath = a.String("config") ?? throw new UsageException("logits: --config is required");
        long[] tokens = Ids("tokens", a.String("tokens") ?? throw new UsageException("logits: --tokens is required"));
        string? positionsText = a.String("segment-pos");
        long[] positions = positionsText is null ? Enumerable.Range(0, tokens.Length).Select(i => (long)i).ToArray() : Ids("segment-pos", positionsText);
        bool json = a.Has("json");
        a.RejectUnknown();
        if (positions.Length != tokens.Length)
            throw new UsageException($"logits: {tokens.Length} tokens but {positions.Length} segment positions");

        var config = GriffinConfig.Load(configPath);
        var model = new GriffinModel(config, new Generator(0));
        GriffinCheckpoint.Load(model, checkpoint);
        model.Eval();
        NDArray logits;
        using (GradMode.NoGrad())
            logits = model.Forward(new Tensor(NDArray.FromArray(tokens, 1, tokens.Length)), new Tensor(NDArray.FromArray(positions, 1, tokens.Length))).Data.Select(0, 0);
        Console.WriteLine(json ? ToJson(logits) : Table(logits));
        return 0;
    }

    private static long[] Ids(string option, string text)
    {
        var parts = text.Split([' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new UsageException($"logits: --{option} is empty");
        return parts.Select(p => long.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v)
            ? v : throw new UsageException($"logits: --{option} has a non-integer '{p}'")).ToArray();
    }

    private static string ToJson(NDArray logits)
    {
        var sb = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{{\"shape\": [{logits.Dim(0)}, {logits.Dim(1)}], \"logits\": [");
        for (int t = 0; t < logits.Dim(0); t++)
        {
            if (t > 0) sb.Append(", ");
            sb.Append('[').AppendJoin(", ", logits.Select(0, t).ToFloatArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append(']');
        }
        return sb.Append("]}").ToString();
    }

    private static string Table(NDArray logits)
    {
        var sb = new StringBuilder();
        for (int t = 0; t < logits.Dim(0); t++)
        {
            var row = logits.Select(0, t).ToFloatArray();
            int best = Array.IndexOf(row, row.Max());
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"token {t}: argmax {best} ({row[best]:G6}); first values {string.Join(" ", row.Take(5).Select(v => v.ToString("G6", CultureInfo.InvariantCulture)))}"));
        }
        return sb.ToString().TrimEnd();
    }
}
