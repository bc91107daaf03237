// A small SVG line chart with several named series (one per arm), for the curves of
// `engine reproduce dks`; axes and round ticks as in Training/Reporting/SvgPlot.
using System.Globalization;
using System.Text;
using Engine.Training.Reporting;

namespace Engine.Training.Dks.Reproduce;

public static class CurveChart
{
    private const int Width = 720, Height = 420, Left = 70, Right = 20, Top = 40, Bottom = 50;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

    public static string Lines(string title, string xLabel, string yLabel, IReadOnlyList<(string Name, IReadOnlyList<(double X, double Y)> Points)> series)
    {
        var all = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        double xMax = all.Count == 0 ? 1 : Math.Max(all.Max(p => p.X), 1e-9);
        double yMin = all.Count == 0 ? 0 : all.Min(p => p.Y), yMax = all.Count == 0 ? 1 : all.Max(p => p.Y);
        if (yMax - yMin < 1e-9) { yMin -= 0.5; yMax += 0.5; }
        var yTicks = SvgPlot.Ticks(yMin, yMax);
        (yMin, yMax) = (Math.Min(yMin, yTicks[0]), Math.Max(yMax, yTicks[^1]));
        double Px(double x) => Left + x / xMax * (Width - Left - Right);
        double Py(double y) => Top + (yMax - y) / (yMax - yMin) * (Height - Top - Bottom);
        var svg = new StringBuilder();
        svg.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(F($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        svg.Append(F($"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n"));
        foreach (double t in yTicks)
        {
            svg.Append(F($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Py(t):F1}\" y2=\"{Py(t):F1}\" stroke=\"#e4e4e4\"/>\n"));
            svg.Append(F($"<text x=\"{Left - 8}\" y=\"{Py(t) + 4:F1}\" text-anchor=\"end\">{t:G4}</text>\n"));
        }
        foreach (double t in SvgPlot.Ticks(0, xMax))
            if (t <= xMax) svg.Append(F($"<text x=\"{Px(t):F1}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{t:G6}</text>\n"));
        svg.Append(F($"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        svg.Append(F($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        svg.Append(F($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n"));
        svg.Append(F($"<text transform=\"translate(18 {(Top + Height - Bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">{Escape(yLabel)}</text>\n"));
        for (int s = 0; s < series.Count; s++)
        {
            string color = Colors[s % Colors.Length];
            var finite = series[s].Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
            if (finite.Count > 0)
            {
                var path = string.Join(" ", finite.Select((p, i) => F($"{(i == 0 ? 'M' : 'L')}{Px(p.X):F1},{Py(p.Y):F1}")));
                svg.Append(F($"<path d=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\"/>\n"));
            }
            double legendY = Top + 14 + s * 18;
            string last = finite.Count > 0 ? finite[^1].Y.ToString("G4", CultureInfo.InvariantCulture) : "n/a";
            svg.Append(F($"<line x1=\"{Width - Right - 210}\" x2=\"{Width - Right - 185}\" y1=\"{legendY - 4}\" y2=\"{legendY - 4}\" stroke=\"{color}\" stroke-width=\"2.5\"/>\n"));
            svg.Append(F($"<text x=\"{Width - Right - 178}\" y=\"{legendY}\">{Escape(series[s].Name)} (last {last})</text>\n"));
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
