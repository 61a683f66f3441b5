package io.thruster.compat.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The Thruster release binary as a child process, in its own directory with HOME=DIR/home (so
 * ~/namesrv/kvConfig.json lands there) and ROCKETMQ_HOME=DIR/rocketmq, mirroring {@link JavaNamesrv}'s layout so
 * that masked outputs are comparable.
 *
 * <p>Binary: system property {@code thruster.bin} (default ../target/release/thruster relative to compat-tests).
 * Thruster tests call {@link #assumeAvailable()}: a missing binary skips them, or fails them with
 * {@code -Dthruster.required=true}.
 */
public final class ThrusterProcess implements Server {
    /** Same readiness line as Java's NamesrvStartup. */
    public static final Pattern NAMESRV_BOOT = Pattern.compile("The Name Server boot success\\. serializeType=JSON");

    private final String role;
    private final int port;
    private final Path dir;
    private final ManagedProcess process;
    private final String bootLine;

    private ThrusterProcess(String role, int port, Path dir, ManagedProcess process, String bootLine) {
        this.role = role;
        this.port = port;
        this.dir = dir;
        this.process = process;
        this.bootLine = bootLine;
    }

    public static Path binary() {
        return Paths.get(System.getProperty("thruster.bin", "../target/release/thruster")).toAbsolutePath().normalize();
    }

    public static boolean available() {
        Path b = binary();
        return Files.isRegularFile(b) && Files.isExecutable(b);
    }

    public static boolean required() {
        return Boolean.getBoolean("thruster.required");
    }

    /** Skips the calling test if the binary is missing, or fails it when -Dthruster.required=true. */
    public static void assumeAvailable() {
        if (available()) {
            return;
        }
        String msg = "Thruster binary not found at " + binary() + " (set -Dthruster.bin=...; build with cargo build --release)";
        if (required()) {
            Assertions.fail(msg + " and -Dthruster.required=true");
        }
        Assumptions.abort(msg);
    }

    /**
     * {@code thruster namesrv -c DIR/namesrv.properties} (listenPort=PORT, same file as the Java NameServer gets);
     * waits up to 20 s for the boot line.
     */
    public static ThrusterProcess namesrv(Path dir) {
        return namesrv(dir, null);
    }

    /**
     * As {@link #namesrv(Path)}, mirroring the given Java NameServer version where 4.9.8 and 5.3.3 answer
     * differently ({@code --java-compat}); {@code null} keeps Thruster's default (5.3.3).
     */
    public static ThrusterProcess namesrv(Path dir, RmqVersion mirror) {
        int port = Ports.namesrv();
        Path conf = dir.resolve("namesrv.properties");
        try {
            Files.createDirectories(dir.resolve("home"));
            Files.createDirectories(dir.resolve("rocketmq"));
            Files.writeString(conf, NamesrvConfigFile.text(port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new java.util.ArrayList<>(List.of("namesrv", "-c", conf.toString()));
        if (mirror != null) {
            args.add("--java-compat");
            args.add(mirror.label());
        }
        return start("namesrv", port, dir, args, NAMESRV_BOOT, Duration.ofSeconds(20));
    }

    /** Generic start for later roles (broker / standalone): args after the binary, readiness pattern, timeout. */
    public static ThrusterProcess start(String role, int port, Path dir, List<String> args, Pattern ready,
        Duration timeout) {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(binary().toString());
        cmd.addAll(args);
        Map<String, String> env = new java.util.HashMap<>();
        env.put("HOME", dir.resolve("home").toString());
        env.put("ROCKETMQ_HOME", dir.resolve("rocketmq").toString());
        env.putIfAbsent("RUST_BACKTRACE", "1");
        ManagedProcess p = ManagedProcess.start("thruster-" + role, cmd, dir, env, false)
            .withDefaultGrace(Duration.ofSeconds(10));
        try {
            String line = p.awaitStdoutLine(ready, timeout);
            return new ThrusterProcess(role, port, dir, p, line);
        } catch (RuntimeException e) {
            p.kill();
            throw e;
        }
    }

    public String bootLine() {
        return bootLine;
    }

    @Override
    public String kind() {
        return "thruster-" + role;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public ManagedProcess process() {
        return process;
    }

    @Override
    public String toString() {
        return kind() + "@" + addr();
    }
}
