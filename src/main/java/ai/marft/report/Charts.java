package ai.marft.report;

import org.knowm.xchart.ChartEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Line charts drawn by XChart and exported as SVG (XChart's ChartEncoder, which writes SVG through
 * VectorGraphics2D), returned as an {@code <svg>} element to inline in a page: no XML prolog, no
 * external references.
 */
public final class Charts {
    public static final int WIDTH = 560, HEIGHT = 300;
    /**
     * Points drawn per series at most (raw: 150 buckets' low and high; smoothed: 150): the encoder writes
     * each segment as its own SVG element, so this bounds a long run's page; the plot is 500 px wide.
     */
    static final int MAX_POINTS = 300, MAX_SMOOTH_POINTS = 150;
    /** Tableau 10, the palette matplotlib and TensorBoard users know. */
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    static {
        System.setProperty("java.awt.headless", "true"); // charts are drawn off screen, also where a display exists
    }

    /** One line: its name in the legend, x and y (NaN points are left out), optional band around it. */
    public record Line(String name, double[] x, double[] y, double[] bandLow, double[] bandHigh) {
        public Line(String name, double[] x, double[] y) {
            this(name, x, y, null, null);
        }
    }

    private Charts() {}

    public static Color color(int i) {
        return PALETTE[i % PALETTE.length];
    }

    /**
     * A chart of {@code lines}: each drawn raw (faint) and EMA-smoothed with {@code smoothing}
     * (solid; 0 draws the raw line solid only), bands filled translucent.
     */
    public static String svg(String title, String xTitle, List<Line> lines, double smoothing) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).build();
        style(chart);
        int i = 0;
        for (Line l : lines) {
            Color c = color(i++);
            if (l.bandLow() != null) addBand(chart, l, c);
            double[][] raw = finite(l.x(), l.y());
            if (raw[0].length == 0) continue;
            if (smoothing > 0 && raw[0].length > 1) {
                double[][] shown = Downsample.minMax(raw[0], raw[1], MAX_POINTS);
                XYSeries r = chart.addSeries(l.name() + " (raw)", shown[0], shown[1]);
                r.setMarker(SeriesMarkers.NONE);
                r.setLineColor(alpha(c, 90));
                r.setLineStyle(new BasicStroke(1f));
                r.setShowInLegend(false);
                double[][] smooth = Downsample.mean(raw[0], Ema.smooth(raw[1], smoothing), MAX_SMOOTH_POINTS);
                XYSeries s = chart.addSeries(l.name(), smooth[0], smooth[1]);
                s.setMarker(SeriesMarkers.NONE);
                s.setLineColor(c);
                s.setLineStyle(new BasicStroke(2f));
            } else {
                double[][] shown = Downsample.minMax(raw[0], raw[1], MAX_POINTS);
                XYSeries s = chart.addSeries(l.name(), shown[0], shown[1]);
                s.setMarker(shown[0].length <= 30 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE); // few points: each one seen
                s.setMarkerColor(c);
                s.setLineColor(c);
                s.setLineStyle(new BasicStroke(2f));
            }
        }
        flatRange(chart);
        return encode(chart);
    }

    /**
     * A constant series (episodes per iteration, steps skipped) gets a visible y range around its value:
     * left to itself XChart zooms into the last bits of float error of the smoothed line.
     */
    private static void flatRange(XYChart chart) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (XYSeries s : chart.getSeriesCollection())
            for (double v : s.getYData()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        double[] range = paddedFlatRange(lo, hi);
        if (range != null) chart.getStyler().setYAxisMin(range[0]).setYAxisMax(range[1]);
    }

    /** For data from lo to hi: null when that range is wide enough to draw, else lo − 10% … hi + 10% (±1 around 0). */
    static double[] paddedFlatRange(double lo, double hi) {
        if (!(hi >= lo) || hi - lo > 1e-9 * Math.max(1, Math.abs(hi))) return null;
        double pad = Math.abs(hi) > 0 ? 0.1 * Math.abs(hi) : 1;
        return new double[]{lo - pad, hi + pad};
    }

    /** The band as one closed polygon: the upper edge left to right, then the lower edge back. */
    private static void addBand(XYChart chart, Line l, Color c) {
        List<double[]> pts = new ArrayList<>();
        for (int k = 0; k < l.x().length; k++)
            if (Double.isFinite(l.bandLow()[k]) && Double.isFinite(l.bandHigh()[k])) pts.add(new double[]{l.x()[k], l.bandLow()[k], l.bandHigh()[k]});
        if (pts.size() < 2) return;
        int n = pts.size();
        double[] x = new double[2 * n], y = new double[2 * n];
        for (int k = 0; k < n; k++) {
            x[k] = pts.get(k)[0];
            y[k] = pts.get(k)[2];
            x[2 * n - 1 - k] = pts.get(k)[0];
            y[2 * n - 1 - k] = pts.get(k)[1];
        }
        XYSeries b = chart.addSeries(l.name() + " band", x, y);
        b.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        b.setMarker(SeriesMarkers.NONE);
        b.setFillColor(alpha(c, 50));
        b.setLineColor(alpha(c, 0));
        b.setShowInLegend(false);
    }

    private static Color alpha(Color c, int a) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), a);
    }

    private static double[][] finite(double[] x, double[] y) {
        int n = 0;
        for (int k = 0; k < y.length; k++) if (Double.isFinite(y[k])) n++;
        double[] fx = new double[n], fy = new double[n];
        for (int k = 0, j = 0; k < y.length; k++)
            if (Double.isFinite(y[k])) {
                fx[j] = x[k];
                fy[j++] = y[k];
            }
        return new double[][]{fx, fy};
    }

    private static void style(XYChart chart) {
        var s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE).setPlotBackgroundColor(Color.WHITE).setPlotBorderVisible(false)
                .setLegendPosition(Styler.LegendPosition.InsideNE).setLegendBackgroundColor(new Color(255, 255, 255, 200))
                .setLegendBorderColor(new Color(0xdddddd)).setChartTitleBoxVisible(false).setChartPadding(8);
        s.setPlotGridLinesColor(new Color(0xeeeeee)).setAxisTickLabelsColor(new Color(0x444444));
        s.setPlotGridLinesStroke(new BasicStroke(1f)); // solid: the encoder writes every dash of a dashed line as a shape
        s.setXAxisDecimalPattern("#,##0");
    }

    private static String encode(XYChart chart) {
        String svg;
        try {
            svg = new String(ChartEncoder.getBytes(chart, "svg"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("drawing chart " + chart.getTitle(), e);
        }
        int start = svg.indexOf("<svg");
        if (start < 0) throw new IllegalStateException("the SVG encoder wrote no <svg> element for " + chart.getTitle());
        return roundPathData(svg.substring(start)); // drops the XML prolog and DOCTYPE: not allowed inside HTML
    }

    private static final Pattern PATH_DATA = Pattern.compile(" d=\"([^\"]*)\""), LONG_DECIMAL = Pattern.compile("(\\d\\.\\d)\\d+");

    /**
     * Path coordinates to 0.1 px. XChart draws every label as glyph outlines, which the encoder
     * writes with up to 9 decimals: half of each chart's bytes and no visible difference.
     */
    static String roundPathData(String svg) {
        return PATH_DATA.matcher(svg).replaceAll(m -> Matcher.quoteReplacement(" d=\"" + LONG_DECIMAL.matcher(m.group(1)).replaceAll("$1") + "\""));
    }
}
