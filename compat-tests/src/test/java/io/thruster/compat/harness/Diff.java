package io.thruster.compat.harness;

import java.util.ArrayList;
import java.util.List;

/** Minimal line diff (LCS) for failure messages: "-" = expected (Java), "+" = actual (Thruster). */
public final class Diff {
    private Diff() {
    }

    public static String lines(String expected, String actual) {
        String[] a = expected.split("\n", -1);
        String[] b = actual.split("\n", -1);
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                out.add("  " + a[i]);
                i++;
                j++;
            } else if (j < b.length && (i == a.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add("+ " + b[j]);
                j++;
            } else {
                out.add("- " + a[i]);
                i++;
            }
        }
        return String.join("\n", out);
    }
}
