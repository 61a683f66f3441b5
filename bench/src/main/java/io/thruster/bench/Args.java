package io.thruster.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A minimal {@code -k value} / {@code --key value} / {@code --flag} parser; unknown options are an error. */
final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private Args() {
    }

    /**
     * Parses {@code argv}: every name in {@code valued} takes the next argument as its value, every name in
     * {@code flagNames} takes none. Names are given with their dashes ({@code "-n"}, {@code "--rate"}).
     */
    static Args parse(String tool, String[] argv, List<String> valued, List<String> flagNames, String usage) {
        Args a = new Args();
        for (int i = 0; i < argv.length; i++) {
            String k = argv[i];
            if (k.equals("-h") || k.equals("--help")) {
                System.out.println("usage: " + tool + " " + usage);
                System.exit(0);
            } else if (flagNames.contains(k)) {
                a.flags.add(k);
            } else if (valued.contains(k)) {
                if (i + 1 >= argv.length) {
                    throw usageError(tool, usage, "option " + k + " needs a value");
                }
                a.values.put(k, argv[++i]);
            } else {
                throw usageError(tool, usage, "unknown option " + k);
            }
        }
        return a;
    }

    private static IllegalArgumentException usageError(String tool, String usage, String why) {
        return new IllegalArgumentException(why + "\nusage: " + tool + " " + usage);
    }

    String str(String key, String dflt) {
        return values.getOrDefault(key, dflt);
    }

    String required(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("option " + key + " is required");
        }
        return v;
    }

    int integer(String key, int dflt) {
        String v = values.get(key);
        return v == null ? dflt : Integer.parseInt(v.trim());
    }

    double dbl(String key, double dflt) {
        String v = values.get(key);
        return v == null ? dflt : Double.parseDouble(v.trim());
    }

    boolean flag(String key) {
        return flags.contains(key);
    }
}
