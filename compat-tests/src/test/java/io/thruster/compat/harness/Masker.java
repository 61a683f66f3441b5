package io.thruster.compat.harness;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Normalises tool output so that runs against different server processes compare equal when they behave the
 * same: known addresses/ports/directories become placeholders, values that legitimately differ between two runs
 * (timestamps, disk ratios, uptime-derived numbers) are masked, JVM/logging noise and stack frames (line numbers
 * of the tool itself) are dropped, and whitespace runs are collapsed (column padding follows value widths).
 */
public final class Masker {
    /** Lines that are JVM or logging noise, not tool output. */
    private static final List<Pattern> NOISE = List.of(
        Pattern.compile("^RocketMQLog:"),
        Pattern.compile("^SLF4J:"),
        Pattern.compile("\\|-(INFO|WARN|ERROR) in "),
        Pattern.compile("^WARNING: "),
        Pattern.compile("^(OpenJDK|Java HotSpot)\\(TM\\)? 64-Bit Server VM warning"),
        Pattern.compile("^OpenJDK 64-Bit Server VM warning"),
        Pattern.compile("^log4j:"));
    private static final Pattern STACK_FRAME = Pattern.compile("^\\s+at \\S|^\\s*\\.\\.\\. \\d+ more\\s*$");
    private static final Pattern DATE_TIME =
        Pattern.compile("\\d{4}-\\d{2}-\\d{2}[ T#]\\d{2}:\\d{2}:\\d{2}([,.:]\\d{1,3})?");
    private static final Pattern MILLIS = Pattern.compile("(?<![\\d.])1[5-9]\\d{11}(?![\\d.])");
    private static final Pattern ADDR = Pattern.compile("(?<![\\d.])\\d{1,3}(\\.\\d{1,3}){3}:\\d{1,5}(?!\\d)");
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.])-?\\d+(\\.\\d+)?(?![\\d.])");

    /** Exact strings to replace, applied longest first. */
    private final Map<String, String> literals = new LinkedHashMap<>();
    /** Numbers (ports) to replace when they stand alone. */
    private final Map<String, String> numbers = new LinkedHashMap<>();

    public Masker literal(String value, String placeholder) {
        if (value != null && !value.isEmpty()) {
            literals.put(value, placeholder);
        }
        return this;
    }

    /** Replaces 127.0.0.1:PORT by {@code <name>} and a standalone PORT by {@code <name_PORT>}. */
    public Masker server(Server s, String name) {
        return endpoint(s.port(), name);
    }

    /** As {@link #server} for a loopback endpoint known only by its port (e.g. thruster standalone's NameServer). */
    public Masker endpoint(int port, String name) {
        literal("127.0.0.1:" + port, "<" + name + ">");
        literal("0.0.0.0:" + port, "<" + name + "_ANY>");
        numbers.put(Integer.toString(port), "<" + name + "_PORT>");
        return this;
    }

    /** Masks the output of {@code mqadmin args...}. */
    public String mask(List<String> args, String text) {
        String cmd = args.isEmpty() ? "" : args.get(0);
        String t = text.replace("\r\n", "\n");
        List<Map.Entry<String, String>> lits = new ArrayList<>(literals.entrySet());
        lits.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
        for (Map.Entry<String, String> e : lits) {
            t = t.replace(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : numbers.entrySet()) {
            t = t.replaceAll("(?<![\\d.:])" + Pattern.quote(e.getKey()) + "(?![\\d.])", Matcher.quoteReplacement(e.getValue()));
        }
        t = DATE_TIME.matcher(t).replaceAll("<TIME>");
        t = MILLIS.matcher(t).replaceAll("<MILLIS>");
        t = ADDR.matcher(t).replaceAll("<ADDR>");
        List<String> lines = new ArrayList<>();
        for (String line : t.split("\n", -1)) {
            if (NOISE.stream().anyMatch(p -> p.matcher(line).find()) || STACK_FRAME.matcher(line).find()) {
                continue;
            }
            String l = line;
            if (cmd.equalsIgnoreCase("clusterList")) {
                // everything right of the broker address is the broker's own runtime metrics (TPS, queue sizes and
                // waits, timer progress, #Hour from the oldest message (-1 => huge), #SPACE disk ratio): not the
                // NameServer's business and time-dependent
                int at = Math.max(l.indexOf("<BROKER:"), l.indexOf("<ADDR>"));
                if (at >= 0) {
                    int end = l.indexOf('>', at) + 1;
                    l = l.substring(0, end) + NUMBER.matcher(l.substring(end)).replaceAll("<N>");
                }
            }
            l = l.replaceAll("[ \\t]+", " ").stripTrailing();
            lines.add(l);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (cmd.equalsIgnoreCase("topicList") || cmd.equalsIgnoreCase("getNamesrvConfig")) {
            // set-like output; its order is the client's hash order and may follow the server's insertion order
            sortBody(lines);
        }
        return String.join("\n", lines);
    }

    /** Sorts lines, keeping a leading header/banner line (starting with '#' or '=') in place. */
    private static void sortBody(List<String> lines) {
        int from = 0;
        while (from < lines.size() && (lines.get(from).startsWith("#") || lines.get(from).startsWith("="))) {
            from++;
        }
        lines.subList(from, lines.size()).sort(Comparator.naturalOrder());
    }
}
