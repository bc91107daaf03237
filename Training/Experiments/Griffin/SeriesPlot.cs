// A self-contained SVG line chart with several named series (one colour each), optional log2 x axis,
// round y ticks and a legend; the Griffin reproduction draws its learning curves, accuracy against length
// and step time against length with it.
using System.Globalization;
using System.Text;
using Engine.Training.Reporting;

namespace Engine.Training.Experiments.Griffin;

public sealed record Series(string Label, IReadOnlyList<(double X, double Y)> Points);

public static class SeriesPlot
{
    private const int Width = 720, Height = 420, Left = 70, Right = 20, Top = 40, Bottom = 50;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

    public static string Lines(string title, string xLabel, string yLabel, IReadOnlyList<Series> series, bool log2X = false)
    {
        var all = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Y)).ToList();
        double Tx(double x) => log2X ? Math.Log2(x) : x;
        double xMin = all.Count == 0 ? 0 : all.Min(p => Tx(p.X)), xMax = all.Count == 0 ? 1 : all.Max(p => Tx(p.X));
        if (!log2X) xMin = Math.Min(0, xMin);
        if (xMax - xMin < 1e-9) xMax = xMin + 1;
        double yMin = all.Count == 0 ? 0 : all.Min(p => p.Y), yMax = all.Count == 0 ? 1 : all.Max(p => p.Y);
        if (yMax - yMin < 1e-9) { yMin -= 0.5; yMax += 0.5; }
        var yTicks = SvgPlot.Ticks(yMin, yMax);
        yMin = Math.Min(yMin, yTicks[0]);
        yMax = Math.Max(yMax, yTicks[^1]);
        double Px(double x) => Left + (Tx(x) - xMin) / (xMax - xMin) * (Width - Left - Right);
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
        var xTicks = log2X
            ? all.Select(p => p.X).Distinct().Order()
            : SvgPlot.Ticks(xMin, xMax).Where(t => t >= xMin && t <= xMax);
        foreach (double t in xTicks)
            svg.Append(Invariant($"<text x=\"{Px(t):F1}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{t:G6}</text>\n"));
        svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        svg.Append(Invariant($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n"));
        svg.Append(Invariant($"<text transform=\"translate(18 {(Top + Height - Bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">{Escape(yLabel)}</text>\n"));
        for (int i = 0; i < series.Count; i++)
            Draw(svg, series[i], Colors[i % Colors.Length], i, Px, Py);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Draw(StringBuilder svg, Series series, string color, int slot, Func<double, double> px, Func<double, double> py)
    {
        var finite = series.Points.Where(p => double.IsFinite(p.Y)).ToList();
        if (finite.Count == 0) return;
        var path = string.Join(" ", finite.Select((p, i) => Invariant($"{(i == 0 ? 'M' : 'L')}{px(p.X):F1},{py(p.Y):F1}")));
        svg.Append(Invariant($"<path d=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\"/>\n"));
        foreach (var p in finite)
            svg.Append(Invariant($"<circle cx=\"{px(p.X):F1}\" cy=\"{py(p.Y):F1}\" r=\"2.5\" fill=\"{color}\"/>\n"));
        double legendY = Top + 14 + slot * 18;
        svg.Append(Invariant($"<line x1=\"{Width - Right - 190}\" x2=\"{Width - Right - 165}\" y1=\"{legendY - 4}\" y2=\"{legendY - 4}\" stroke=\"{color}\" stroke-width=\"2.5\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Width - Right - 158}\" y=\"{legendY}\">{Escape(series.Label)}</text>\n"));
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
