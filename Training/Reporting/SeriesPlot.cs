// A self-contained SVG line chart with several named series, optional log axes (base 10, or 2 for sequence
// lengths), fixed y ranges and dashed lines, for the reproductions (objective gaps, skills against samples,
// DKS curves, Griffin's tasks and step times, behaviour-prior and IWPLA learning curves).
// SvgPlot draws only the two loss curves of language-model training; this is its multi-series sibling.
using System.Globalization;
using System.Text;

namespace Engine.Training.Reporting;

/// <summary>One named line; without a colour it takes the palette entry of its position.</summary>
public sealed record PlotSeries(string Label, IReadOnlyList<(double X, double Y)> Points, string? Color = null, bool Dashed = false);

public static class SeriesPlot
{
    private const int Width = 760, Height = 460, Left = 80, Right = 250, Top = 40, Bottom = 50;

    public static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

    public static string Render(string title, string xLabel, string yLabel, IReadOnlyList<PlotSeries> series, bool logX = false, bool logY = false,
        int logBase = 10, double? yMinimum = null, double? yMaximum = null)
    {
        double Tx(double x) => logX ? Math.Log(x, logBase) : x;
        double Ty(double y) => logY ? Math.Log(y, logBase) : y;
        bool Usable(double x, double y) => double.IsFinite(x) && double.IsFinite(y) && (!logX || x > 0) && (!logY || y > 0);
        var all = series.SelectMany(s => s.Points).Where(p => Usable(p.X, p.Y)).Select(p => (X: Tx(p.X), Y: Ty(p.Y))).ToList();
        double xMin = all.Count == 0 ? 0 : all.Min(p => p.X), xMax = all.Count == 0 ? 1 : all.Max(p => p.X);
        double yMin = yMinimum is { } low ? Ty(low) : all.Count == 0 ? 0 : all.Min(p => p.Y);
        double yMax = yMaximum is { } high ? Ty(high) : all.Count == 0 ? 1 : all.Max(p => p.Y);
        if (xMax - xMin < 1e-12) { xMin -= 0.5; xMax += 0.5; }
        if (yMax - yMin < 1e-12) { yMin -= 0.5; yMax += 0.5; }
        var xTicks = logX ? DecadeTicks(xMin, xMax) : SvgPlot.Ticks(xMin, xMax);
        var yTicks = logY ? DecadeTicks(yMin, yMax) : SvgPlot.Ticks(yMin, yMax);
        xMin = Math.Min(xMin, xTicks[0]); xMax = Math.Max(xMax, xTicks[^1]);
        yMin = Math.Min(yMin, yTicks[0]); yMax = Math.Max(yMax, yTicks[^1]);
        double Px(double x) => Left + (x - xMin) / (xMax - xMin) * (Width - Left - Right);
        double Py(double y) => Top + (yMax - y) / (yMax - yMin) * (Height - Top - Bottom);
        string Label(double t, bool log) => !log ? t.ToString("G4", CultureInfo.InvariantCulture)
            : logBase == 10 ? Invariant($"1e{t:0}") : Math.Pow(logBase, t).ToString("G6", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        svg.Append(Invariant($"<text x=\"{(Left + Width - Right) / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n"));
        foreach (double t in yTicks)
        {
            svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Py(t):F1}\" y2=\"{Py(t):F1}\" stroke=\"#e4e4e4\"/>\n"));
            svg.Append(Invariant($"<text x=\"{Left - 8}\" y=\"{Py(t) + 4:F1}\" text-anchor=\"end\">{Label(t, logY)}</text>\n"));
        }
        foreach (double t in xTicks)
        {
            svg.Append(Invariant($"<line x1=\"{Px(t):F1}\" x2=\"{Px(t):F1}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"#f0f0f0\"/>\n"));
            svg.Append(Invariant($"<text x=\"{Px(t):F1}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{Label(t, logX)}</text>\n"));
        }
        svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        svg.Append(Invariant($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n"));
        svg.Append(Invariant($"<text transform=\"translate(18 {(Top + Height - Bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">{Escape(yLabel)}</text>\n"));
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            string color = s.Color ?? Palette[i % Palette.Length];
            var points = s.Points.Where(p => Usable(p.X, p.Y)).ToList();
            double legendY = Top + 10 + i * 18;
            string dash = s.Dashed ? " stroke-dasharray=\"6 4\"" : "";
            svg.Append(Invariant($"<line x1=\"{Width - Right + 12}\" x2=\"{Width - Right + 38}\" y1=\"{legendY - 4}\" y2=\"{legendY - 4}\" stroke=\"{color}\" stroke-width=\"2.5\"{dash}/>\n"));
            svg.Append(Invariant($"<text x=\"{Width - Right + 44}\" y=\"{legendY}\">{Escape(s.Label)}</text>\n"));
            if (points.Count == 0) continue;
            var path = string.Join(" ", points.Select((p, j) => Invariant($"{(j == 0 ? 'M' : 'L')}{Px(Tx(p.X)):F1},{Py(Ty(p.Y)):F1}")));
            svg.Append(Invariant($"<path d=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\"{dash}/>\n"));
            if (points.Count == 1) svg.Append(Invariant($"<circle cx=\"{Px(Tx(points[0].X)):F1}\" cy=\"{Py(Ty(points[0].Y)):F1}\" r=\"3\" fill=\"{color}\"/>\n"));
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    // Whole powers of ten covering [low, high] (in log10 units).
    private static double[] DecadeTicks(double low, double high)
    {
        var ticks = new List<double>();
        for (double t = Math.Floor(low); t <= Math.Ceiling(high); t++) ticks.Add(t);
        if (ticks.Count == 1) ticks.Add(ticks[0] + 1);
        return ticks.ToArray();
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
