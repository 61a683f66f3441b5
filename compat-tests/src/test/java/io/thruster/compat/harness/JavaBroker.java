package io.thruster.compat.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The stock org.apache.rocketmq.broker.BrokerStartup of a version as a child JVM (4.9.8 = the 4.9.7 broker, see
 * {@link RmqVersion}): {@code BrokerStartup -c DIR/broker.conf -n NAMESRV}, small heap and small store files.
 * Ready when stdout shows "The broker[NAME, 127.0.0.1:PORT] boot success. serializeType=JSON and name server is ...".
 */
public final class JavaBroker implements Server {
    private final RmqVersion version;
    private final String brokerName;
    private final int port;
    private final Path dir;
    private final ManagedProcess process;
    private final String bootLine;
    private volatile long registrationWaitMillis = -1;

    private JavaBroker(RmqVersion version, String brokerName, int port, Path dir, ManagedProcess process,
        String bootLine) {
        this.version = version;
        this.brokerName = brokerName;
        this.port = port;
        this.dir = dir;
        this.process = process;
        this.bootLine = bootLine;
    }

    /** Starts and waits for the boot line; the process is killed if it does not come up. */
    public static JavaBroker start(RmqVersion v, Path dir, String brokerName, String namesrvAddr) {
        return start(v, dir, brokerName, namesrvAddr, Map.of());
    }

    public static JavaBroker start(RmqVersion v, Path dir, String brokerName, String namesrvAddr,
        Map<String, String> extraConf) {
        return start(v, dir, brokerName, namesrvAddr, extraConf, Ports.broker());
    }

    /**
     * As {@link #start(RmqVersion, Path, String, String, Map)} on a given {@code port} ({@link BrokerConf#base}
     * settings, store in DIR/store unless {@code extraConf} sets storePathRootDir / storePathCommitLog).
     */
    public static JavaBroker start(RmqVersion v, Path dir, String brokerName, String namesrvAddr,
        Map<String, String> extraConf, int port) {
        Map<String, String> conf = BrokerConf.base(brokerName, port, dir.resolve("store"));
        conf.putAll(extraConf);
        Path confFile = BrokerConf.write(dir.resolve("broker.conf"), conf);
        List<String> cmd = JavaJvm.command(v, RmqVersion.Role.BROKER, dir,
            List.of("-Xms256m", "-Xmx256m", "-XX:MaxDirectMemorySize=256m"),
            Map.of("rocketmq.broker.diskSpaceWarningLevelRatio", "0.98"),
            null, "org.apache.rocketmq.broker.BrokerStartup",
            List.of("-c", confFile.toString(), "-n", namesrvAddr));
        ManagedProcess p = ManagedProcess.start("java-broker-" + v + "-" + brokerName, cmd, dir, Map.of(), false)
            .withDefaultGrace(Duration.ofSeconds(30));
        Pattern boot = Pattern.compile("The broker\\[" + Pattern.quote(brokerName) + ", 127\\.0\\.0\\.1:" + port
            + "\\] boot success\\. serializeType=JSON");
        try {
            String line = p.awaitStdoutLine(boot, Duration.ofSeconds(120));
            JavaBroker b = new JavaBroker(v, brokerName, port, dir, p, line);
            // 4.9.x registers before printing the boot line; 5.3.3 may not (its NameServer list is filled
            // asynchronously), and then registers with the periodic task 10 s after start.
            if (namesrvAddr.matches("127\\.0\\.0\\.1:\\d+")) {
                b.registrationWaitMillis = RemotingProbe.awaitRegistered(
                    Integer.parseInt(namesrvAddr.substring(namesrvAddr.indexOf(':') + 1)), b.addr(), Duration.ofSeconds(60));
            }
            RemotingProbe.awaitRuntimeInfo(port, Duration.ofSeconds(30));
            return b;
        } catch (RuntimeException e) {
            p.kill();
            throw e;
        }
    }

    public String brokerName() {
        return brokerName;
    }

    public RmqVersion version() {
        return version;
    }

    public String bootLine() {
        return bootLine;
    }

    /** How long after its boot line the broker appeared in the NameServer's cluster info (ms). */
    public long registrationWaitMillis() {
        return registrationWaitMillis;
    }

    /** SIGKILL: the broker gets no chance to unregister; its sockets are closed by the kernel. */
    public void kill() {
        process.kill();
    }

    @Override
    public String kind() {
        return "java-broker-" + version;
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

    /** Graceful stop (SIGTERM) that leaves the store in place (hand-over); returns the exit code. */
    public int stopKeepingStore() {
        return process.terminate(Duration.ofSeconds(60));
    }

    /** Stops the broker, then deletes its store (unless -Dcompat.keepRuns=true); logs stay. */
    @Override
    public void close() {
        process.close();
        if (!Env.keepRuns()) {
            deleteTree(dir.resolve("store"));
        }
    }

    /** Deletes a store directory (best effort), e.g. one shared by the brokers of a hand-over. */
    public static void deleteStore(Path store) {
        deleteTree(store);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(f -> f.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }

    @Override
    public String toString() {
        return kind() + "[" + brokerName + "]@" + addr();
    }
}
