// The run's metrics as JSON lines (metrics.jsonl), one object per logged step. On resume the lines
// after the checkpoint's step are dropped, so the log always describes one consistent trajectory.
using System.Text.Json;
using Engine.Nn.Checkpoints;

namespace Engine.Training.Reporting;

public sealed record MetricsRow(long Step, double TrainLoss, double? ValidationLoss, double LearningRate, double TokensPerSecond, double Seconds);

public sealed class MetricsLog
{
    private readonly string _path;
    private readonly List<MetricsRow> _rows = [];

    public MetricsLog(string path, long keepUpToStep)
    {
        _path = path;
        if (File.Exists(path))
            foreach (var line in File.ReadLines(path))
                if (Parse(line) is { } row && row.Step <= keepUpToStep) _rows.Add(row);
        Rewrite();
    }

    public IReadOnlyList<MetricsRow> Rows => _rows;

    public void Append(MetricsRow row)
    {
        _rows.Add(row);
        File.AppendAllText(_path, Format(row) + "\n");
    }

    private void Rewrite() =>
        AtomicFile.Write(_path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(string.Concat(_rows.Select(r => Format(r) + "\n")))));

    private static string Format(MetricsRow r)
    {
        var fields = new Dictionary<string, object?>
        {
            ["step"] = r.Step,
            ["train_loss"] = r.TrainLoss,
            ["val_loss"] = r.ValidationLoss,
            ["val_bpb"] = r.ValidationLoss / Math.Log(2),
            ["lr"] = r.LearningRate,
            ["tokens_per_s"] = Math.Round(r.TokensPerSecond, 1),
            ["seconds"] = Math.Round(r.Seconds, 3),
        };
        return JsonSerializer.Serialize(fields);
    }

    private static MetricsRow? Parse(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var o = doc.RootElement;
            double? val = o.TryGetProperty("val_loss", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
            return new MetricsRow(o.GetProperty("step").GetInt64(), o.GetProperty("train_loss").GetDouble(), val,
                o.GetProperty("lr").GetDouble(), o.GetProperty("tokens_per_s").GetDouble(), o.GetProperty("seconds").GetDouble());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
