// Progress output: an updating bar (step, loss, tokens per second, ETA) on a terminal, and plain log
// lines when the output is redirected to a file or a pipe.
using System.Globalization;

namespace Engine.Training.Reporting;

public sealed class Progress(TextWriter output, bool interactive, int logEvery)
{
    private bool _barShown;

    public static Progress ForConsole(int logEvery) => new(Console.Out, !Console.IsOutputRedirected, logEvery);

    public void Step(long step, long totalSteps, double loss, double tokensPerSecond, TimeSpan eta)
    {
        string stats = string.Create(CultureInfo.InvariantCulture,
            $"step {step}/{totalSteps}  loss {loss:F4}  {tokensPerSecond:F0} tok/s  ETA {Format(eta)}");
        if (interactive)
        {
            const int width = 24;
            int filled = (int)Math.Clamp((double)step / totalSteps * width, 0, width);
            output.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {stats}   ");
            _barShown = true;
        }
        else if (step % logEvery == 0 || step == totalSteps) output.WriteLine(stats);
    }

    /// <summary>A line that must stay visible (evaluation, checkpoint), printed above the bar.</summary>
    public void Line(string text)
    {
        if (_barShown)
        {
            output.WriteLine();
            _barShown = false;
        }
        output.WriteLine(text);
    }

    public void Done()
    {
        if (_barShown) output.WriteLine();
        _barShown = false;
    }

    public static string Format(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : $"{t.Minutes}m{t.Seconds:D2}s";
}
