package io.thruster.bench;

import com.alibaba.fastjson.JSON;
import com.alibaba.fastjson.JSONArray;
import com.alibaba.fastjson.JSONObject;
import com.alibaba.fastjson.parser.Feature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * Draws the comparison PNG from the orchestrator's results file with plain Java2D:
 * {@code java -Djava.awt.headless=true -cp … io.thruster.bench.Chart results.json out.png}.
 *
 * <p>Input: {@code {"title": …, "brokers": [{"name": …, "throughput": {key: msgs_per_s, …},
 * "send_latency": [[percentile, µs], …], "e2e_latency": [[percentile, µs], …]}, …]}} (every field but
 * {@code name} optional). Left panel: latency by percentile on the HdrHistogram log axis (solid = send,
 * dashed = produce→consume); right panel: grouped throughput bars, one group per throughput key.
 */
public final class Chart {
    private static final int W = 1400;
    private static final int H = 640;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};
    private static final Color GRID = new Color(0xe3e3e3);
    private static final Color AXIS = new Color(0x444444);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 22);
    private static final Font PANEL = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    /** One broker's data: name, colour, (x = log10(1/(1-p)), y = ms) series, throughput values. */
    private record Broker(String name, Color color, double[][] send, double[][] e2e, JSONObject throughput) {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length != 2) {
            System.err.println("usage: Chart results.json out.png");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        // OrderedField: throughput groups appear in file order.
        JSONObject root = JSON.parseObject(Files.readString(Path.of(argv[0])), Feature.OrderedField);
        BufferedImage img = render(root);
        if (!ImageIO.write(img, "png", new File(argv[1]))) {
            throw new IllegalStateException("no PNG writer");
        }
    }

    static BufferedImage render(JSONObject root) {
        JSONArray arr = root.getJSONArray("brokers");
        List<Broker> brokers = new ArrayList<>();
        for (int i = 0; arr != null && i < arr.size(); i++) {
            JSONObject b = arr.getJSONObject(i);
            brokers.add(new Broker(b.getString("name"), PALETTE[i % PALETTE.length], series(b.getJSONArray("send_latency")),
                series(b.getJSONArray("e2e_latency")), b.getJSONObject("throughput")));
        }
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(TITLE);
        centered(g, root.getString("title") == null ? "" : root.getString("title"), W / 2, 36);

        latencyPanel(g, brokers, root.getString("latency_note"), 90, 90, 640, 470);
        throughputPanel(g, brokers, 850, 90, 510, 470);
        g.dispose();
        return img;
    }

    /** [[percentile, µs], …] → sorted [x, ms] where p = 100 is marked with x = +∞ (placed by the panel). */
    private static double[][] series(JSONArray a) {
        if (a == null) {
            return new double[0][];
        }
        List<double[]> pts = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JSONArray p = a.getJSONArray(i);
            double pct = p.getDoubleValue(0);
            double ms = p.getDoubleValue(1) / 1000.0;
            pts.add(new double[] {pct >= 100 ? Double.POSITIVE_INFINITY : Math.log10(100.0 / (100.0 - pct)), ms});
        }
        pts.sort((u, v) -> Double.compare(u[0], v[0]));
        return pts.toArray(new double[0][]);
    }

    // ---------------------------------------------------------------- latency panel

    private static final String DEFAULT_NOTE = "solid: send (ack − intended send time)    dashed: produce → consume";

    private static void latencyPanel(Graphics2D g, List<Broker> brokers, String note, int px, int py, int pw,
        int ph) {
        g.setFont(PANEL);
        g.setColor(Color.BLACK);
        centered(g, "latency by percentile", px + pw / 2, py - 28);
        g.setFont(SMALL);
        g.setColor(AXIS);
        centered(g, note == null ? DEFAULT_NOTE : note, px + pw / 2, py - 10);

        double xFinite = 0;
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        boolean anyMax = false;
        for (Broker b : brokers) {
            for (double[][] s : List.of(b.send, b.e2e)) {
                for (double[] p : s) {
                    if (Double.isInfinite(p[0])) {
                        anyMax = true;
                    } else {
                        xFinite = Math.max(xFinite, p[0]);
                    }
                    if (p[1] > 0) {
                        yMin = Math.min(yMin, p[1]);
                    }
                    yMax = Math.max(yMax, p[1]);
                }
            }
        }
        int decades = Math.max(1, (int) Math.ceil(xFinite - 1e-9));
        // 100 % ("max") gets its own slot right of the last finite decade.
        double xMax = anyMax ? decades + 0.75 : decades;
        double xMaxPos = xMax;
        if (yMax <= 0) {
            yMax = 1;
            yMin = 0.1;
        }
        boolean logY = yMax / Math.max(yMin, 1e-9) > 100;
        Axis y = logY ? Axis.log(yMin, yMax) : Axis.linear(0, yMax);

        // Grid and y labels; on a log axis of ≤ 4 decades also 2× and 5× (lighter grid).
        g.setFont(LABEL);
        if (logY && y.ticks.size() <= 5) {
            for (double t : y.ticks) {
                for (double m : new double[] {2, 5}) {
                    double v = t * m;
                    if (v >= y.hi) {
                        continue;
                    }
                    gridLine(g, y, v, fmtMs(v), new Color(0xf0f0f0), new Color(0x888888), px, py, pw, ph);
                }
            }
        }
        for (double t : y.ticks) {
            gridLine(g, y, t, fmtMs(t), GRID, AXIS, px, py, pw, ph);
        }
        // x ticks: 0 %, 90 %, 99 %, … and "max".
        String[] names = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%", "99.99999%"};
        for (int d = 0; d <= decades && d < names.length; d++) {
            int xx = px + (int) Math.round(d / xMax * pw);
            g.setColor(GRID);
            g.drawLine(xx, py, xx, py + ph);
            g.setColor(AXIS);
            centered(g, names[d], xx, py + ph + 20);
        }
        if (anyMax) {
            int xx = px + pw;
            g.setColor(AXIS);
            centered(g, "max", xx, py + ph + 20);
        }
        g.setColor(AXIS);
        g.drawRect(px, py, pw, ph);
        centered(g, "percentile", px + pw / 2, py + ph + 44);
        Graphics2D gr = (Graphics2D) g.create();
        gr.rotate(-Math.PI / 2);
        centered(gr, "latency (ms" + (logY ? ", log scale)" : ")"), -(py + ph / 2), px - 62);
        gr.dispose();

        // Lines.
        Stroke solid = new BasicStroke(2.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
        Stroke dashed = new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {9f, 6f}, 0f);
        Graphics2D clip = (Graphics2D) g.create();
        clip.clipRect(px - 4, py - 4, pw + 8, ph + 8);
        for (Broker b : brokers) {
            drawSeries(clip, b.e2e, b.color, dashed, xMaxPos, y, px, py, pw, ph, false);
            drawSeries(clip, b.send, b.color, solid, xMaxPos, y, px, py, pw, ph, true);
        }
        clip.dispose();

        // Legend, top left inside the plot.
        List<String> labels = new ArrayList<>();
        List<Color> colors = new ArrayList<>();
        for (Broker b : brokers) {
            labels.add(b.name);
            colors.add(b.color);
        }
        legend(g, labels, colors, px + 12, py + 12);
    }

    private static void drawSeries(Graphics2D g, double[][] s, Color c, Stroke stroke, double xMax, Axis y, int px,
        int py, int pw, int ph, boolean dots) {
        if (s.length == 0) {
            return;
        }
        Path2D path = new Path2D.Double();
        double[][] pts = new double[s.length][2];
        for (int i = 0; i < s.length; i++) {
            double x = Double.isInfinite(s[i][0]) ? xMax : s[i][0];
            pts[i][0] = px + x / xMax * pw;
            pts[i][1] = py + ph - y.frac(s[i][1]) * ph;
            if (i == 0) {
                path.moveTo(pts[i][0], pts[i][1]);
            } else {
                path.lineTo(pts[i][0], pts[i][1]);
            }
        }
        g.setColor(c);
        g.setStroke(stroke);
        g.draw(path);
        if (dots) {
            for (double[] p : pts) {
                g.fillOval((int) Math.round(p[0]) - 3, (int) Math.round(p[1]) - 3, 7, 7);
            }
        }
    }

    // ---------------------------------------------------------------- throughput panel

    private static void throughputPanel(Graphics2D g, List<Broker> brokers, int px, int py, int pw, int ph) {
        g.setFont(PANEL);
        g.setColor(Color.BLACK);
        centered(g, "throughput (msg/s)", px + pw / 2, py - 28);

        Set<String> keys = new LinkedHashSet<>();
        double max = 0;
        for (Broker b : brokers) {
            if (b.throughput != null) {
                for (String k : b.throughput.keySet()) {
                    keys.add(k);
                    max = Math.max(max, b.throughput.getDoubleValue(k));
                }
            }
        }
        Axis y = Axis.linear(0, max <= 0 ? 1 : max * 1.45); // headroom: the legend sits top right
        g.setFont(LABEL);
        for (double t : y.ticks) {
            gridLine(g, y, t, fmtCount(t), GRID, AXIS, px, py, pw, ph);
        }
        g.setColor(AXIS);
        g.drawLine(px, py + ph, px + pw, py + ph);
        g.drawLine(px, py, px, py + ph);

        int groups = Math.max(1, keys.size());
        double groupW = (double) pw / groups;
        int n = Math.max(1, brokers.size());
        double barW = Math.min(90, groupW * 0.8 / n);
        int gi = 0;
        for (String k : keys) {
            double gx = px + gi * groupW + (groupW - barW * n) / 2;
            for (int bi = 0; bi < brokers.size(); bi++) {
                Broker b = brokers.get(bi);
                if (b.throughput == null || !b.throughput.containsKey(k)) {
                    continue;
                }
                double v = b.throughput.getDoubleValue(k);
                int h = (int) Math.round(y.frac(v) * ph);
                int x = (int) Math.round(gx + bi * barW);
                g.setColor(b.color);
                g.fillRect(x + 2, py + ph - h, (int) Math.round(barW) - 4, h);
                g.setColor(Color.BLACK);
                g.setFont(SMALL);
                centered(g, fmtCount(v), x + (int) Math.round(barW / 2), py + ph - h - 6);
            }
            g.setColor(AXIS);
            g.setFont(LABEL);
            centered(g, k, (int) Math.round(px + gi * groupW + groupW / 2), py + ph + 20);
            gi++;
        }
        List<String> labels = new ArrayList<>();
        List<Color> colors = new ArrayList<>();
        for (Broker b : brokers) {
            labels.add(b.name);
            colors.add(b.color);
        }
        legendRight(g, labels, colors, px + pw - 10, py + 10);
    }

    // ---------------------------------------------------------------- helpers

    /** A value axis: ticks and the value → [0, 1] mapping. */
    private record Axis(double lo, double hi, boolean log, List<Double> ticks) {
        static Axis linear(double lo, double hi) {
            double step = niceStep((hi - lo) / 6);
            double top = Math.ceil(hi / step) * step;
            List<Double> t = new ArrayList<>();
            for (double v = lo; v <= top + step / 2; v += step) {
                t.add(v);
            }
            return new Axis(lo, top, false, t);
        }

        static Axis log(double lo, double hi) {
            double a = Math.floor(Math.log10(lo));
            double b = Math.ceil(Math.log10(hi));
            List<Double> t = new ArrayList<>();
            for (double e = a; e <= b; e++) {
                t.add(Math.pow(10, e));
            }
            return new Axis(Math.pow(10, a), Math.pow(10, b), true, t);
        }

        double frac(double v) {
            if (log) {
                double c = Math.max(v, lo);
                return (Math.log10(c) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
            }
            return (v - lo) / (hi - lo);
        }
    }

    private static double niceStep(double raw) {
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double r = raw / mag;
        double nice = r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10;
        return nice * mag;
    }

    private static String fmtMs(double ms) {
        if (ms == 0) {
            return "0";
        }
        if (ms >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", ms);
        }
        if (ms >= 1) {
            return ms == Math.rint(ms) ? String.format(Locale.ROOT, "%.0f", ms) : String.format(Locale.ROOT, "%.1f", ms);
        }
        String s = String.format(Locale.ROOT, "%.3f", ms);
        return s.replaceAll("0+$", "");
    }

    private static String fmtCount(double v) {
        if (v >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    /** A horizontal grid line at {@code v} on the y axis, labelled left of the panel. */
    private static void gridLine(Graphics2D g, Axis y, double v, String label, Color line, Color text, int px, int py,
        int pw, int ph) {
        int yy = py + ph - (int) Math.round(y.frac(v) * ph);
        g.setColor(line);
        g.drawLine(px, yy, px + pw, yy);
        g.setColor(text);
        right(g, label, px - 8, yy + 5);
    }

    private static void legend(Graphics2D g, List<String> labels, List<Color> colors, int x, int y) {
        g.setFont(LABEL);
        FontMetrics fm = g.getFontMetrics();
        int w = 0;
        for (String l : labels) {
            w = Math.max(w, fm.stringWidth(l));
        }
        int rowH = 22;
        int boxW = w + 48;
        int boxH = labels.size() * rowH + 10;
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(x, y, boxW, boxH);
        g.setColor(GRID.darker());
        g.drawRect(x, y, boxW, boxH);
        for (int i = 0; i < labels.size(); i++) {
            int yy = y + 16 + i * rowH;
            g.setColor(colors.get(i));
            g.setStroke(new BasicStroke(3f));
            g.drawLine(x + 10, yy, x + 34, yy);
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
            g.drawString(labels.get(i), x + 40, yy + 5);
        }
    }

    private static void legendRight(Graphics2D g, List<String> labels, List<Color> colors, int rightX, int y) {
        g.setFont(LABEL);
        FontMetrics fm = g.getFontMetrics();
        int w = 0;
        for (String l : labels) {
            w = Math.max(w, fm.stringWidth(l));
        }
        int boxW = w + 40;
        int rowH = 22;
        int x = rightX - boxW;
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(x, y, boxW, labels.size() * rowH + 10);
        g.setColor(GRID.darker());
        g.drawRect(x, y, boxW, labels.size() * rowH + 10);
        for (int i = 0; i < labels.size(); i++) {
            int yy = y + 16 + i * rowH;
            g.setColor(colors.get(i));
            g.fillRect(x + 10, yy - 7, 16, 14);
            g.setColor(Color.BLACK);
            g.drawString(labels.get(i), x + 32, yy + 5);
        }
    }

    private static void centered(Graphics2D g, String s, int cx, int baseline) {
        g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, baseline);
    }

    private static void right(Graphics2D g, String s, int rx, int baseline) {
        g.drawString(s, rx - g.getFontMetrics().stringWidth(s), baseline);
    }
}
