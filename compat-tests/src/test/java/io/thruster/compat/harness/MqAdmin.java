package io.thruster.compat.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Stock mqadmin ({@code org.apache.rocketmq.tools.command.MQAdminStartup}) of one version.
 *
 * <p>Default mode: a session keeps one child JVM running the suite's {@code apps.MqAdminBatch} driver on the
 * version's classpath; each {@link #run} calls the stock {@code MQAdminStartup.main0} in it (what the stock
 * {@code main} does) with captured stdout/stderr. This takes ~50-100 ms per command instead of ~4 s for a fresh
 * JVM. With {@code -Dcompat.mqadmin.fresh=true}, or via {@link #runFresh}, every command is its own JVM running
 * {@code MQAdminStartup} directly. Either way mqadmin exits 0 even when a command failed: judge by the output.
 *
 * <p>Every invocation is appended to DIR/transcript.log.
 */
public final class MqAdmin implements AutoCloseable {
    /** What one mqadmin invocation printed. exit is the process exit code (0 unless arguments were invalid). */
    public record Result(List<String> args, String stdout, String stderr, int exit, long millis) {
        /** stdout + stderr (stderr after a marker line if non-empty). */
        public String combined() {
            return stderr.isEmpty() ? stdout : stdout + (stdout.endsWith("\n") || stdout.isEmpty() ? "" : "\n")
                + "[stderr]\n" + stderr;
        }

        @Override
        public String toString() {
            return "mqadmin " + String.join(" ", args) + " -> exit " + exit + " (" + millis + " ms)\n" + combined();
        }
    }

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    private final RmqVersion version;
    private final Path dir;
    private ManagedProcess driver;
    private Writer driverIn;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private MqAdmin(RmqVersion version, Path dir) {
        this.version = version;
        this.dir = dir;
    }

    /** A session for {@code version}, working in {@code dir} (its home, logs, transcript). */
    public static MqAdmin session(RmqVersion version, Path dir) {
        return new MqAdmin(version, dir);
    }

    public RmqVersion version() {
        return version;
    }

    /** Runs {@code mqadmin args...}; returns what it printed. */
    public synchronized Result run(String... args) {
        Result r = Env.freshMqAdmin() ? runFresh(version, dir.resolve("fresh"), args) : runBatch(args);
        transcript(r);
        return r;
    }

    private Result runBatch(String... args) {
        for (String a : args) {
            if (a.contains("\t") || a.contains("\n")) {
                throw new IllegalArgumentException("argument with TAB/newline not supported: " + a);
            }
        }
        ensureDriver();
        long t0 = System.nanoTime();
        try {
            driverIn.write(String.join("\t", args) + "\n");
            driverIn.flush();
            long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (line == null) {
                    String why = driver.isAlive() ? "timed out after " + COMMAND_TIMEOUT : "driver died";
                    Integer code = driver.isAlive() ? null : driver.waitFor(Duration.ZERO);
                    String desc = driver.describe();
                    stopDriver();
                    return new Result(List.of(args), "", "[harness] mqadmin " + why + "\n" + desc + "\n",
                        code == null ? -1 : code, (System.nanoTime() - t0) / 1_000_000);
                }
                if (line.startsWith("@@RESULT\t")) {
                    String[] f = line.split("\t", -1);
                    Base64.Decoder d = Base64.getDecoder();
                    return new Result(List.of(args), new String(d.decode(f[1]), StandardCharsets.UTF_8),
                        new String(d.decode(f[2]), StandardCharsets.UTF_8), Integer.parseInt(f[4]),
                        Long.parseLong(f[3]));
                }
                // anything else is printed by background threads between commands: keep it in the noise log
                Files.writeString(dir.resolve("driver-noise.log"), line + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            stopDriver();
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void ensureDriver() {
        if (driver != null && driver.isAlive()) {
            return;
        }
        lines.clear();
        List<String> cmd = JavaJvm.command(version, RmqVersion.Role.TOOLS, dir, List.of("-Xmx192m"),
            Map.of("java.security.manager", "allow"), Env.appsClasses().toString(),
            "io.thruster.compat.apps.MqAdminBatch", List.of());
        driver = ManagedProcess.start("mqadmin-" + version, cmd, dir, Map.of(), true)
            .withDefaultGrace(Duration.ofSeconds(5));
        driverIn = new OutputStreamWriter(driver.process().getOutputStream(), StandardCharsets.UTF_8);
        BufferedReader r = new BufferedReader(new InputStreamReader(driver.process().getInputStream(),
            StandardCharsets.UTF_8));
        Thread t = new Thread(() -> {
            try {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // process gone
            }
        }, "mqadmin-" + version + "-reader");
        t.setDaemon(true);
        t.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String first;
            List<String> before = new ArrayList<>();
            do {
                long left = deadline - System.nanoTime();
                first = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (first != null && !first.startsWith("@@READY")) {
                    before.add(first); // JVM warnings etc.
                }
            } while (first != null && !first.startsWith("@@READY"));
            if (first == null) {
                String desc = driver.describe();
                stopDriver();
                throw new IllegalStateException("mqadmin driver did not start; it printed " + before + "\n" + desc);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void stopDriver() {
        if (driver != null) {
            try {
                driverIn.close();
            } catch (IOException ignored) {
                // already gone
            }
            driver.terminate(Duration.ofSeconds(5));
            driver = null;
        }
    }

    /** Runs {@code mqadmin args...} in a fresh JVM ({@code MQAdminStartup} as main class). */
    public static Result runFresh(RmqVersion version, Path dir, String... args) {
        List<String> cmd = JavaJvm.command(version, RmqVersion.Role.TOOLS, dir, List.of("-Xmx192m"), Map.of(), null,
            "org.apache.rocketmq.tools.command.MQAdminStartup", List.of(args));
        long t0 = System.nanoTime();
        try (ManagedProcess p = ManagedProcess.start("mqadmin-" + version, cmd, dir, Map.of(), false)) {
            Integer code = p.waitFor(COMMAND_TIMEOUT);
            String err = p.stderrText();
            if (code == null) {
                p.kill();
                err += "\n[harness] timed out after " + COMMAND_TIMEOUT + "\n";
                code = -1;
            }
            return new Result(List.of(args), p.stdoutText(), err, code, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    private void transcript(Result r) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("transcript.log"), "===== " + r + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        } catch (IOException e) {
            // diagnostics only
        }
    }

    @Override
    public synchronized void close() {
        stopDriver();
    }

    /** Convenience: args list builder. */
    public static String[] args(String command, String namesrv, String... rest) {
        List<String> a = new ArrayList<>();
        a.add(command);
        a.add("-n");
        a.add(namesrv);
        a.addAll(List.of(rest));
        return a.toArray(new String[0]);
    }
}
