package io.thruster.compat.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a flow driver ({@code apps.Flows}, {@code apps.HandOver}) printed, per flow: "@@ flow TYPE payload" lines
 * (START, CHECK-OK, CHECK-FAIL, FACT, CODE, INFO, ERROR, TIMEOUT, END).
 */
public final class FlowReport {
    private static final Pattern LINE = Pattern.compile("^@@ (\\S+) (\\S+) ?(.*)$");

    /** One flow's observations. */
    public static final class Flow {
        public final String name;
        public boolean started;
        public Long endedMillis;
        public final List<String> passed = new ArrayList<>();
        public final List<String> failed = new ArrayList<>();
        public final Map<String, String> facts = new LinkedHashMap<>();
        public final Map<String, String> codes = new LinkedHashMap<>();
        public final Map<String, String> infos = new LinkedHashMap<>();
        public final List<String> errors = new ArrayList<>();

        Flow(String name) {
            this.name = name;
        }

        /** Started, ended, no error, no failed check. */
        public boolean ok() {
            return started && endedMillis != null && errors.isEmpty() && failed.isEmpty();
        }

        /** Problems of this flow on its own (empty if ok). */
        public List<String> problems() {
            List<String> p = new ArrayList<>();
            if (!started) {
                p.add("flow did not run (no START line)");
            } else if (endedMillis == null) {
                p.add("flow did not finish");
            }
            errors.forEach(e -> p.add("error: " + e));
            failed.forEach(f -> p.add("check failed: " + f));
            return p;
        }

        /** Every observation, for failure messages. */
        public String describe() {
            StringBuilder b = new StringBuilder();
            passed.forEach(x -> b.append("    ok    ").append(x).append('\n'));
            failed.forEach(x -> b.append("    FAIL  ").append(x).append('\n'));
            errors.forEach(x -> b.append("    ERROR ").append(x).append('\n'));
            facts.forEach((k, v) -> b.append("    fact  ").append(k).append(" = ").append(v).append('\n'));
            codes.forEach((k, v) -> b.append("    code  ").append(k).append(" = ").append(v).append('\n'));
            infos.forEach((k, v) -> b.append("    info  ").append(k).append(" = ").append(v).append('\n'));
            if (endedMillis != null) {
                b.append("    (").append(endedMillis).append(" ms)\n");
            }
            return b.toString();
        }
    }

    private final Map<String, Flow> flows = new LinkedHashMap<>();

    public static FlowReport parse(String stdout) {
        FlowReport r = new FlowReport();
        for (String line : stdout.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            Flow f = r.flows.computeIfAbsent(m.group(1), Flow::new);
            String payload = m.group(3);
            switch (m.group(2)) {
                case "START" -> f.started = true;
                case "END" -> f.endedMillis = Long.parseLong(payload.trim());
                case "CHECK-OK" -> f.passed.add(payload);
                case "CHECK-FAIL" -> f.failed.add(payload);
                case "ERROR" -> f.errors.add(payload);
                case "TIMEOUT" -> f.errors.add("timeout: " + payload);
                case "FACT" -> put(f.facts, payload);
                case "CODE" -> put(f.codes, payload);
                case "INFO" -> put(f.infos, payload);
                default -> f.errors.add("unknown line type: " + line);
            }
        }
        return r;
    }

    private static void put(Map<String, String> m, String payload) {
        int eq = payload.indexOf('=');
        if (eq < 0) {
            m.put(payload, "");
        } else {
            m.put(payload.substring(0, eq), payload.substring(eq + 1));
        }
    }

    public Flow flow(String name) {
        return flows.getOrDefault(name, new Flow(name));
    }

    public Map<String, Flow> flows() {
        return flows;
    }

    /**
     * Differences of two maps of observations as a table ("key | expected | actual"), empty when equal. Keys
     * missing on one side show as "<none>".
     */
    public static String diff(String expectedLabel, Map<String, String> expected, String actualLabel,
        Map<String, String> actual) {
        TreeSet<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        List<String[]> rows = new ArrayList<>();
        for (String k : keys) {
            String e = expected.getOrDefault(k, "<none>");
            String a = actual.getOrDefault(k, "<none>");
            if (!e.equals(a)) {
                rows.add(new String[] {k, e, a});
            }
        }
        if (rows.isEmpty()) {
            return "";
        }
        int w0 = "observation".length();
        int w1 = expectedLabel.length();
        for (String[] r : rows) {
            w0 = Math.max(w0, r[0].length());
            w1 = Math.max(w1, Math.min(r[1].length(), 70));
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format("    %-" + w0 + "s | %-" + w1 + "s | %s%n", "observation", expectedLabel, actualLabel));
        for (String[] r : rows) {
            b.append(String.format("    %-" + w0 + "s | %-" + w1 + "s | %s%n", r[0], r[1], r[2]));
        }
        return b.toString();
    }
}
