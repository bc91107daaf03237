// A self-contained SVG line chart with several named series (learning curves of the reproductions in
// Training/Rl/Priors and Training/Rl/Iwpla): round ticks from Reporting.SvgPlot, one colour per series, a legend.
using System.Globalization;
using System.Text;
using Engine.Training.Reporting;

namespace Engine.Training.Rl.Priors;

public sealed record CurveSeries(string Label, IReadOnlyList<(double X, double Y)> Points);

public static class LearningCurvePlot
{
    private const int Width = 720, Height = 420, Left = 70, Right = 20, Top = 40, Bottom = 50;
    private static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

    public static string Render(string title, string xLabel, string yLabel, IReadOnlyList<CurveSeries> series, double? yMinimum = null, double? yMaximum = null)
    {
        var all = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Y)).ToList();
        double xMax = all.Count == 0 ? 1 : Math.Max(1, all.Max(p => p.X));
        double yMin = yMinimum ?? (all.Count == 0 ? 0 : all.Min(p => p.Y));
        double yMax = yMaximum ?? (all.Count == 0 ? 1 : all.Max(p => p.Y));
        if (yMax - yMin < 1e-9) { yMin -= 0.5; yMax += 0.5; }
        var yTicks = SvgPlot.Ticks(yMin, yMax);
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
        foreach (double t in SvgPlot.Ticks(0, xMax))
            if (t <= xMax) svg.Append(Invariant($"<text x=\"{Px(t):F1}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{t:G6}</text>\n"));
        svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        svg.Append(Invariant($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n"));
        svg.Append(Invariant($"<text transform=\"translate(18 {(Top + Height - Bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">{Escape(yLabel)}</text>\n"));
        for (int i = 0; i < series.Count; i++)
        {
            string colour = Colours[i % Colours.Length];
            var finite = series[i].Points.Where(p => double.IsFinite(p.Y)).ToList();
            if (finite.Count > 0)
            {
                var path = string.Join(" ", finite.Select((p, k) => Invariant($"{(k == 0 ? 'M' : 'L')}{Px(p.X):F1},{Py(p.Y):F1}")));
                svg.Append(Invariant($"<path d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.8\"/>\n"));
            }
            double legendY = Top + 14 + i * 18;
            svg.Append(Invariant($"<line x1=\"{Left + 12}\" x2=\"{Left + 37}\" y1=\"{legendY - 4}\" y2=\"{legendY - 4}\" stroke=\"{colour}\" stroke-width=\"2.5\"/>\n"));
            svg.Append(Invariant($"<text x=\"{Left + 44}\" y=\"{legendY}\">{Escape(series[i].Label)}</text>\n"));
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
