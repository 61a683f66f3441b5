package io.thruster.compat.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process of the suite. stdout/stderr go to files in its directory (unless piped), it is registered
 * for a JVM shutdown hook that SIGKILLs whatever is still alive, and {@link #close()} stops it (SIGTERM, then
 * SIGKILL after a grace period).
 */
public final class ManagedProcess implements AutoCloseable {
    private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();

    /** pid + start time of every child, so a later run can kill what a crashed run left behind. */
    private static final Path PID_FILE = Paths.get(System.getProperty("compat.run.dir", "target/compat-runs"))
        .toAbsolutePath().resolve("children.pids");

    static {
        killLeftovers();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (ManagedProcess p : LIVE) {
                p.process.destroyForcibly();
            }
        }, "compat-kill-children"));
    }

    /**
     * If an earlier test JVM died without running its shutdown hook (SIGKILL, OOM), its children may still run.
     * Kill exactly those: pids recorded in children.pids whose start time still matches.
     */
    private static void killLeftovers() {
        try {
            if (Files.exists(PID_FILE)) {
                for (String line : Files.readAllLines(PID_FILE)) {
                    String[] f = line.trim().split(" ");
                    if (f.length != 2) {
                        continue;
                    }
                    ProcessHandle.of(Long.parseLong(f[0])).ifPresent(h -> {
                        String started = h.info().startInstant().map(Object::toString).orElse("");
                        if (started.equals(f[1]) && h.isAlive()) {
                            System.err.println("[compat] killing leftover child " + f[0] + " of an earlier run");
                            h.destroyForcibly();
                        }
                    });
                }
                Files.delete(PID_FILE);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("[compat] could not check leftover children: " + e);
        }
    }

    private static synchronized void recordPid(Process p) {
        try {
            Files.createDirectories(PID_FILE.getParent());
            String started = p.toHandle().info().startInstant().map(Object::toString).orElse("?");
            Files.writeString(PID_FILE, p.pid() + " " + started + "\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            // diagnostics only
        }
    }

    private final String name;
    private final Process process;
    private final Path dir;
    private final Path stdout;
    private final Path stderr;
    private final List<String> command;
    private volatile Duration defaultGrace = Duration.ofSeconds(20);

    private ManagedProcess(String name, Process process, Path dir, Path stdout, Path stderr, List<String> command) {
        this.name = name;
        this.process = process;
        this.dir = dir;
        this.stdout = stdout;
        this.stderr = stderr;
        this.command = command;
    }

    /**
     * Starts {@code command} in {@code dir}. If {@code pipeStdout}, stdout stays a pipe ({@link #process()});
     * otherwise it goes to dir/stdout.log. stderr always goes to dir/stderr.log. {@code env} entries with a null
     * value are removed from the inherited environment.
     */
    public static ManagedProcess start(String name, List<String> command, Path dir, Map<String, String> env,
        boolean pipeStdout) {
        try {
            Files.createDirectories(dir);
            Path out = dir.resolve("stdout.log");
            Path err = dir.resolve("stderr.log");
            Files.writeString(dir.resolve("command.txt"), String.join(" ", command) + "\n");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
            // never let the suite's own environment leak RocketMQ settings into a child
            pb.environment().remove("NAMESRV_ADDR");
            pb.environment().remove("ROCKETMQ_HOME");
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            for (Map.Entry<String, String> e : env.entrySet()) {
                if (e.getValue() == null) {
                    pb.environment().remove(e.getKey());
                } else {
                    pb.environment().put(e.getKey(), e.getValue());
                }
            }
            if (pipeStdout) {
                pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
            } else {
                pb.redirectOutput(out.toFile());
            }
            pb.redirectError(err.toFile());
            pb.redirectInput(pipeStdout ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(devNull()));
            Process p = pb.start();
            recordPid(p);
            ManagedProcess mp = new ManagedProcess(name, p, dir, out, err, command);
            LIVE.add(mp);
            p.onExit().thenRun(() -> LIVE.remove(mp));
            return mp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    private static java.io.File devNull() {
        return new java.io.File("/dev/null");
    }

    public String name() {
        return name;
    }

    public Process process() {
        return process;
    }

    public Path dir() {
        return dir;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public ManagedProcess withDefaultGrace(Duration grace) {
        this.defaultGrace = grace;
        return this;
    }

    public String stdoutText() {
        return read(stdout);
    }

    public String stderrText() {
        return read(stderr);
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "<unreadable " + f + ": " + e + ">";
        }
    }

    /**
     * Waits until stdout contains a line matching {@code pattern}; returns that line. Fails early, with the tail
     * of both logs, if the process exits first or the timeout passes.
     */
    public String awaitStdoutLine(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = stdoutText();
            for (String line : text.split("\n")) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return line.trim();
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue()
                    + " before printing /" + pattern + "/\n" + describe());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not print /" + pattern + "/ within " + timeout
                    + "\n" + describe());
            }
            sleep(100);
        }
    }

    /** Waits for exit; returns the exit code, or null if it is still running after {@code timeout}. */
    public Integer waitFor(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL. Returns the exit code (137 etc. if killed). */
    public int terminate(Duration grace) {
        if (process.isAlive()) {
            process.destroy();
            if (waitFor(grace) == null) {
                process.destroyForcibly();
            }
        }
        Integer code = waitFor(Duration.ofSeconds(30));
        return code == null ? -1 : code;
    }

    /** SIGKILL and wait for the process to be gone. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        terminate(defaultGrace);
    }

    /** Name, pid, directory, command and the tails of both logs, for failure messages. */
    public String describe() {
        return "--- " + name + " (pid " + process.pid() + ", dir " + dir + ")\n"
            + "--- command: " + String.join(" ", command) + "\n"
            + "--- stdout (tail):\n" + tail(stdoutText(), 40) + "\n--- stderr (tail):\n" + tail(stderrText(), 40);
    }

    public static String tail(String text, int lines) {
        String[] all = text.split("\n");
        List<String> out = new ArrayList<>();
        for (int i = Math.max(0, all.length - lines); i < all.length; i++) {
            out.add(all[i]);
        }
        return String.join("\n", out);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
