// A small command-line parser: `--name value` options and `--flag` switches, with one clear error
// for anything unknown, missing or malformed.
using System.Globalization;

namespace Engine.Training.Cli;

public sealed class UsageException(string message) : Exception(message);

public sealed class Arguments
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly string _command;

    public Arguments(string command, IEnumerable<string> args, IReadOnlySet<string> switches)
    {
        _command = command;
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string arg = list[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new UsageException($"{command}: unexpected argument '{arg}'");
            string name = arg[2..];
            if (switches.Contains(name)) _values[name] = null;
            else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal)) _values[name] = list[++i];
            else throw new UsageException($"{command}: option --{name} needs a value");
        }
    }

    public bool Has(string name)
    {
        _read.Add(name);
        return _values.ContainsKey(name);
    }

    public string? String(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var v) ? v : null;
    }

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        string? text = String(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new UsageException($"{_command}: --{name} must be an integer in [{min}, {max}], got '{text}'");
        return value;
    }

    public double Double(string name, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        string? text = String(name);
        if (text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value >= min && value <= max))
            throw new UsageException($"{_command}: --{name} must be a number in [{min}, {max}], got '{text}'");
        return value;
    }

    /// <summary>The --device option's name as every command that takes it reads it (train, reproduce): cpu
    /// (the default), cuda or ilgpu-cpu. Read it before RejectUnknown and open it after with Device.Parse,
    /// whose one-line error covers an unknown name and cuda on a machine without a CUDA driver.</summary>
    public string DeviceName() => String("device") ?? "cpu";

    /// <summary>Refuses any --device but cpu with one line naming the command and why it runs on the CPU.</summary>
    public void RequireCpuDevice(string why)
    {
        string name = DeviceName();
        if (name != "cpu") throw new UsageException($"{_command}: --device {name} is not supported: {why}; use --device cpu");
    }

    /// <summary>Call after reading every option: anything not read is a typo or an unsupported option.</summary>
    public void RejectUnknown()
    {
        foreach (var name in _values.Keys)
            if (!_read.Contains(name)) throw new UsageException($"{_command}: unknown option --{name}");
    }

    public static string[] Tail(string[] args) => args.Length > 1 ? args[1..] : [];
}
