// Small self-contained SVG charts for the IRL reproduction: several labelled series of points, drawn as
// lines with markers (sweeps and curves), with error bars when a point carries a standard error.
using System.Globalization;
using System.Text;
using Engine.Training.Reporting;

namespace Engine.Training.Irl.Reproduce;

public sealed record PlotPoint(double X, double Y, double YError = 0, double XError = 0);

public sealed record PlotSeries(string Label, string Color, IReadOnlyList<PlotPoint> Points);

public static class IrlPlots
{
    private const int Width = 720, Height = 440, Left = 70, Right = 230, Top = 40, Bottom = 50;

    public static string Chart(string title, string xLabel, string yLabel, IReadOnlyList<PlotSeries> series)
    {
        var all = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        double xMin = all.Min(p => p.X - p.XError), xMax = all.Max(p => p.X + p.XError);
        double yMin = all.Min(p => p.Y - p.YError), yMax = all.Max(p => p.Y + p.YError);
        if (xMax - xMin < 1e-9) { xMin -= 0.5; xMax += 0.5; }
        if (yMax - yMin < 1e-9) { yMin -= 0.5; yMax += 0.5; }
        var xTicks = SvgPlot.Ticks(xMin, xMax);
        var yTicks = SvgPlot.Ticks(yMin, yMax);
        (xMin, xMax) = (Math.Min(xMin, xTicks[0]), Math.Max(xMax, xTicks[^1]));
        (yMin, yMax) = (Math.Min(yMin, yTicks[0]), Math.Max(yMax, yTicks[^1]));
        double Px(double x) => Left + (x - xMin) / (xMax - xMin) * (Width - Left - Right);
        double Py(double y) => Top + (yMax - y) / (yMax - yMin) * (Height - Top - Bottom);
        var svg = new StringBuilder();
        svg.Append(I($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(I($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        svg.Append(I($"<text x=\"{(Left + Width - Right) / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">{Escape(title)}</text>\n"));
        foreach (double t in yTicks)
        {
            svg.Append(I($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Py(t):F1}\" y2=\"{Py(t):F1}\" stroke=\"#e4e4e4\"/>\n"));
            svg.Append(I($"<text x=\"{Left - 8}\" y=\"{Py(t) + 4:F1}\" text-anchor=\"end\">{t:G4}</text>\n"));
        }
        foreach (double t in xTicks)
            svg.Append(I($"<text x=\"{Px(t):F1}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{t:G4}</text>\n"));
        svg.Append(I($"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        svg.Append(I($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        svg.Append(I($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n"));
        svg.Append(I($"<text transform=\"translate(18 {(Top + Height - Bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">{Escape(yLabel)}</text>\n"));
        for (int k = 0; k < series.Count; k++)
        {
            var s = series[k];
            var points = s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
            if (points.Count > 1)
            {
                string path = string.Join(" ", points.Select((p, i) => I($"{(i == 0 ? 'M' : 'L')}{Px(p.X):F1},{Py(p.Y):F1}")));
                svg.Append(I($"<path d=\"{path}\" fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"1.6\"/>\n"));
            }
            foreach (var p in points)
            {
                if (p.YError > 0)
                    svg.Append(I($"<line x1=\"{Px(p.X):F1}\" x2=\"{Px(p.X):F1}\" y1=\"{Py(p.Y - p.YError):F1}\" y2=\"{Py(p.Y + p.YError):F1}\" stroke=\"{s.Color}\"/>\n"));
                if (p.XError > 0)
                    svg.Append(I($"<line x1=\"{Px(p.X - p.XError):F1}\" x2=\"{Px(p.X + p.XError):F1}\" y1=\"{Py(p.Y):F1}\" y2=\"{Py(p.Y):F1}\" stroke=\"{s.Color}\"/>\n"));
                svg.Append(I($"<circle cx=\"{Px(p.X):F1}\" cy=\"{Py(p.Y):F1}\" r=\"3\" fill=\"{s.Color}\"/>\n"));
            }
            double legendY = Top + 10 + k * 18;
            svg.Append(I($"<line x1=\"{Width - Right + 12}\" x2=\"{Width - Right + 34}\" y1=\"{legendY - 4}\" y2=\"{legendY - 4}\" stroke=\"{s.Color}\" stroke-width=\"2.5\"/>\n"));
            svg.Append(I($"<text x=\"{Width - Right + 40}\" y=\"{legendY}\">{Escape(s.Label)}</text>\n"));
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    public static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
