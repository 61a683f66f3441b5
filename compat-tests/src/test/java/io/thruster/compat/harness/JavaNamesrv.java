package io.thruster.compat.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The stock org.apache.rocketmq.namesrv.NamesrvStartup of a version, as a child JVM:
 * {@code NamesrvStartup -c DIR/namesrv.properties} (listenPort=PORT), home DIR/home, rocketmq home DIR/rocketmq.
 * Ready when stdout shows "The Name Server boot success. serializeType=JSON" (5.3.3 appends ", address 0.0.0.0:PORT").
 */
public final class JavaNamesrv implements Server {
    public static final Pattern BOOT = Pattern.compile("The Name Server boot success\\. serializeType=JSON");

    private final RmqVersion version;
    private final int port;
    private final Path dir;
    private final ManagedProcess process;
    private final String bootLine;

    private JavaNamesrv(RmqVersion version, int port, Path dir, ManagedProcess process, String bootLine) {
        this.version = version;
        this.port = port;
        this.dir = dir;
        this.process = process;
        this.bootLine = bootLine;
    }

    public static JavaNamesrv start(RmqVersion v, Path dir) {
        int port = Ports.namesrv();
        Path conf = dir.resolve("namesrv.properties");
        try {
            Files.createDirectories(dir);
            Files.writeString(conf, NamesrvConfigFile.text(port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = JavaJvm.command(v, RmqVersion.Role.NAMESRV, dir, List.of("-Xms64m", "-Xmx128m"), Map.of(),
            null, "org.apache.rocketmq.namesrv.NamesrvStartup", List.of("-c", conf.toString()));
        ManagedProcess p = ManagedProcess.start("java-namesrv-" + v, cmd, dir, Map.of(), false)
            .withDefaultGrace(Duration.ofSeconds(10));
        try {
            String line = p.awaitStdoutLine(BOOT, Duration.ofSeconds(60));
            return new JavaNamesrv(v, port, dir, p, line);
        } catch (RuntimeException e) {
            p.kill();
            throw e;
        }
    }

    public RmqVersion version() {
        return version;
    }

    public String bootLine() {
        return bootLine;
    }

    @Override
    public String kind() {
        return "java-namesrv-" + version;
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
