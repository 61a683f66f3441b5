package io.thruster.bench;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/** Latency histograms in microseconds and their JSON form. */
final class Stats {
    /** Highest trackable latency: 60 s in µs; larger values are clamped to it. */
    static final long HIGHEST_US = 60_000_000L;

    /** The percentiles of the distribution series written for the chart. */
    static final double[] SERIES = {0, 10, 25, 50, 75, 90, 95, 97.5, 99, 99.5, 99.75, 99.9, 99.95, 99.99, 99.995,
        99.999, 100};

    private Stats() {
    }

    static void record(Histogram h, long micros) {
        h.recordValue(Math.max(0, Math.min(HIGHEST_US, micros)));
    }

    /** {@code {"count":…,"p50":…,"p90":…,"p99":…,"p999":…,"max":…,"mean":…}} in µs. */
    static void summary(Json j, Histogram h) {
        j.beginObject();
        j.field("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            j.endObject();
            return;
        }
        j.field("min", h.getMinValue());
        j.field("p50", h.getValueAtPercentile(50));
        j.field("p90", h.getValueAtPercentile(90));
        j.field("p99", h.getValueAtPercentile(99));
        j.field("p999", h.getValueAtPercentile(99.9));
        j.field("p9999", h.getValueAtPercentile(99.99));
        j.field("max", h.getMaxValue());
        j.field("mean", h.getMean());
        j.endObject();
    }

    /** {@code [[0.0,min],[10.0,v],…,[100.0,max]]} (percentile, µs), compact on one line; empty if no samples. */
    static String series(Histogram h) {
        StringBuilder sb = new StringBuilder("[");
        if (h.getTotalCount() > 0) {
            for (int i = 0; i < SERIES.length; i++) {
                double p = SERIES[i];
                long v = p == 0 ? h.getMinValue() : p == 100 ? h.getMaxValue() : h.getValueAtPercentile(p);
                if (i > 0) {
                    sb.append(", ");
                }
                sb.append(String.format(Locale.ROOT, "[%s, %d]", trim(p), v));
            }
        }
        return sb.append(']').toString();
    }

    private static String trim(double p) {
        return p == Math.rint(p) ? String.format(Locale.ROOT, "%.1f", p) : Double.toString(p);
    }

    /** "p50 0.31 p99 0.92 p99.9 2.10 max 5.00 ms" for the human summary line. */
    static String human(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "no samples";
        }
        return String.format(Locale.ROOT, "p50 %.3f p99 %.3f p99.9 %.3f max %.3f ms",
            h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
            h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
    }
}
