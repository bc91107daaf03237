// A self-contained SVG line chart of the training and validation loss curves: axes with round tick
// values, a legend, and the final values, readable in any browser.
using System.Globalization;
using System.Text;

namespace Engine.Training.Reporting;

public static class SvgPlot
{
    private const int Width = 720, Height = 420, Left = 70, Right = 20, Top = 40, Bottom = 50;

    public static string LossCurves(string title, IReadOnlyList<(double X, double Y)> train, IReadOnlyList<(double X, double Y)> validation)
    {
        var all = train.Concat(validation).Where(p => double.IsFinite(p.Y)).ToList();
        double xMax = all.Count == 0 ? 1 : Math.Max(1, all.Max(p => p.X));
        double yMin = all.Count == 0 ? 0 : all.Min(p => p.Y), yMax = all.Count == 0 ? 1 : all.Max(p => p.Y);
        if (yMax - yMin < 1e-9) { yMin -= 0.5; yMax += 0.5; }
        var yTicks = Ticks(yMin, yMax);
        yMin = Math.Min(yMin, yTicks[0]);
        yMax = Math.Max(yMax, yTicks[^1]);
        double Px(double x) => Left + x / xMax * (Width - Left - Right);
        double Py(double y) => Top + (yMax - y) / (yMax - yMin) * (Height - Top - Bottom);
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n"));
        foreach (double t in yTicks)
        {
            svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Py(t):F1}\" y2=\"{Py(t):F1}\" stroke=\"#e4e4e4\"/>\n"));
            svg.Append(Invariant($"<text x=\"{Left - 8}\" y=\"{Py(t) + 4:F1}\" text-anchor=\"end\">{t:G4}</text>\n"));
        }
        foreach (double t in Ticks(0, xMax))
        {
            if (t > xMax) continue;
            svg.Append(Invariant($"<text x=\"{Px(t):F1}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{t:G6}</text>\n"));
        }
        svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        svg.Append(Invariant($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">step</text>\n"));
        svg.Append(Invariant($"<text transform=\"translate(18 {(Top + Height - Bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">loss (nats per byte)</text>\n"));
        Series(svg, train, "#1f77b4", "train", 0, Px, Py);
        Series(svg, validation, "#d62728", "validation", 1, Px, Py);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Series(StringBuilder svg, IReadOnlyList<(double X, double Y)> points, string color, string label, int slot, Func<double, double> px, Func<double, double> py)
    {
        var finite = points.Where(p => double.IsFinite(p.Y)).ToList();
        if (finite.Count == 0) return;
        var path = string.Join(" ", finite.Select((p, i) => Invariant($"{(i == 0 ? 'M' : 'L')}{px(p.X):F1},{py(p.Y):F1}")));
        svg.Append(Invariant($"<path d=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\"/>\n"));
        if (finite.Count == 1) svg.Append(Invariant($"<circle cx=\"{px(finite[0].X):F1}\" cy=\"{py(finite[0].Y):F1}\" r=\"3\" fill=\"{color}\"/>\n"));
        double legendY = Top + 14 + slot * 18;
        svg.Append(Invariant($"<line x1=\"{Width - Right - 190}\" x2=\"{Width - Right - 165}\" y1=\"{legendY - 4}\" y2=\"{legendY - 4}\" stroke=\"{color}\" stroke-width=\"2.5\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Width - Right - 158}\" y=\"{legendY}\">{label} (last {finite[^1].Y:F3})</text>\n"));
    }

    /// <summary>About five round tick values (1, 2 or 5 times a power of ten) covering [low, high].</summary>
    public static double[] Ticks(double low, double high)
    {
        double raw = (high - low) / 5;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        double first = Math.Floor(low / step) * step;
        var ticks = new List<double>();
        for (double t = first; t <= high + step * 0.999; t += step) ticks.Add(Math.Round(t / step) * step);
        return ticks.ToArray();
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
