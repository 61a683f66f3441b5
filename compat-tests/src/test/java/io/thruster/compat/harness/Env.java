package io.thruster.compat.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/** Settings of the suite (system properties, set by the pom; defaults work when run from compat-tests/). */
public final class Env {
    private static final String SESSION =
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + ProcessHandle.current().pid();
    private static final AtomicInteger RUN_SEQ = new AtomicInteger();

    private Env() {
    }

    /** Directory holding cp-&lt;version&gt;.txt (compat-tests/target). */
    public static Path cpDir() {
        return Paths.get(System.getProperty("compat.cp.dir", "target")).toAbsolutePath();
    }

    /** Compiled client apps (compat-tests/target/classes). */
    public static Path appsClasses() {
        return Paths.get(System.getProperty("compat.apps.classes", "target/classes")).toAbsolutePath();
    }

    public static Path javaExe() {
        return Paths.get(System.getProperty("java.home"), "bin", "java");
    }

    /** Versions the parameterised tests run over (-Dcompat.versions=4.9.8,5.3.3). */
    public static List<String> versions() {
        return Arrays.stream(System.getProperty("compat.versions", "4.9.8,5.3.3").split(","))
            .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toList());
    }

    /** Keep broker stores after a run (logs are always kept under target/compat-runs). */
    public static boolean keepRuns() {
        return Boolean.getBoolean("compat.keepRuns");
    }

    /** Run every mqadmin command in a fresh JVM instead of the batch driver (slow, for cross-checking). */
    public static boolean freshMqAdmin() {
        return Boolean.getBoolean("compat.mqadmin.fresh");
    }

    /** Java NameServer version the Thruster run is compared with: "same" (= broker version), or a version. */
    public static String refNamesrv() {
        return System.getProperty("compat.refNamesrv", "same");
    }

    /** A fresh, empty directory under target/compat-runs/&lt;session&gt;/ for one scenario. */
    public static Path newRunDir(String name) {
        Path root = Paths.get(System.getProperty("compat.run.dir", "target/compat-runs")).toAbsolutePath();
        Path dir = root.resolve(SESSION).resolve(String.format("%02d-%s", RUN_SEQ.incrementAndGet(),
            name.replaceAll("[^A-Za-z0-9._-]", "_")));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
