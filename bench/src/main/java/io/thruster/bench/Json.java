package io.thruster.bench;

import java.util.Locale;

/** A tiny JSON writer (objects, arrays, numbers, strings); enough for the result files, no library needed. */
final class Json {
    private final StringBuilder sb = new StringBuilder();
    /** Whether the next value at the current nesting level needs a leading comma. */
    private final java.util.ArrayDeque<boolean[]> levels = new java.util.ArrayDeque<>();
    private int depth;

    Json beginObject() {
        comma();
        sb.append('{');
        open();
        return this;
    }

    Json endObject() {
        close('}');
        return this;
    }

    Json beginArray() {
        comma();
        sb.append('[');
        open();
        return this;
    }

    Json endArray() {
        close(']');
        return this;
    }

    /** Writes {@code "name":}; the value call that follows must not add a comma. */
    Json name(String name) {
        comma();
        string(name);
        sb.append(':');
        levels.peek()[0] = false;
        return this;
    }

    Json value(String s) {
        comma();
        if (s == null) {
            sb.append("null");
        } else {
            string(s);
        }
        return this;
    }

    Json value(long v) {
        comma();
        sb.append(v);
        return this;
    }

    Json value(double v) {
        comma();
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            sb.append("null");
        } else {
            sb.append(String.format(Locale.ROOT, "%.3f", v));
        }
        return this;
    }

    Json value(boolean v) {
        comma();
        sb.append(v);
        return this;
    }

    /** Writes already-encoded JSON text as one value (used for compact number arrays). */
    Json raw(String json) {
        comma();
        sb.append(json);
        return this;
    }

    Json nullValue() {
        comma();
        sb.append("null");
        return this;
    }

    Json field(String name, String v) {
        return name(name).value(v);
    }

    Json field(String name, long v) {
        return name(name).value(v);
    }

    Json field(String name, double v) {
        return name(name).value(v);
    }

    Json field(String name, boolean v) {
        return name(name).value(v);
    }

    private void open() {
        depth++;
        levels.push(new boolean[] {false});
        sb.append('\n').append("  ".repeat(depth));
    }

    private void close(char c) {
        boolean empty = !levels.pop()[0];
        depth--;
        if (empty) {
            sb.setLength(sb.length() - 1 - 2 * (depth + 1));
            sb.append(c);
        } else {
            sb.append('\n').append("  ".repeat(depth)).append(c);
        }
        if (!levels.isEmpty()) {
            levels.peek()[0] = true;
        }
    }

    private void comma() {
        boolean[] top = levels.peek();
        if (top == null) {
            return;
        }
        if (top[0]) {
            sb.append(",\n").append("  ".repeat(depth));
        }
        top[0] = true;
    }

    private void string(String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    @Override
    public String toString() {
        return sb.toString() + "\n";
    }
}
