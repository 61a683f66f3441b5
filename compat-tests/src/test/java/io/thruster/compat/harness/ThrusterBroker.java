package io.thruster.compat.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Thruster broker as a child process, configured with the same {@link BrokerConf} as the Java brokers plus
 * {@code thrusterStoreCompat=<version>} (which Java broker's conventions its store and config files follow):
 * {@code thruster broker -c DIR/broker.conf -n NAMESRV}, or {@code thruster standalone -c DIR/broker.conf}
 * (NameServer on 9876 + broker in one process). HOME=DIR/home, ROCKETMQ_HOME=DIR/rocketmq, as for
 * {@link ThrusterProcess}. Ready after the Java boot line(s) and once the NameServer lists it.
 */
public final class ThrusterBroker implements Server {
    /** The NameServer port of {@code thruster standalone} (Java's default, not configurable). */
    public static final int STANDALONE_NAMESRV_PORT = 9876;

    private final String brokerName;
    private final int port;
    private final Path dir;
    private final ThrusterProcess process;
    private final RmqVersion flavor;
    private final boolean standalone;

    private ThrusterBroker(String brokerName, int port, Path dir, ThrusterProcess process, RmqVersion flavor,
        boolean standalone) {
        this.brokerName = brokerName;
        this.port = port;
        this.dir = dir;
        this.process = process;
        this.flavor = flavor;
        this.standalone = standalone;
    }

    /** {@code thruster broker}: registers with {@code namesrvAddr}; store in {@code storeDir}. */
    public static ThrusterBroker broker(Path dir, String brokerName, String namesrvAddr, int port, Path storeDir,
        RmqVersion flavor, Map<String, String> extraConf) {
        Path conf = writeConf(dir, brokerName, port, storeDir, flavor, extraConf);
        List<String> args = new ArrayList<>(List.of("broker", "-c", conf.toString(), "-n", namesrvAddr));
        ThrusterProcess p = ThrusterProcess.start("broker", port, dir, args, bootLine(brokerName, port),
            Duration.ofSeconds(30));
        ThrusterBroker b = new ThrusterBroker(brokerName, port, dir, p, flavor, false);
        awaitRegistered(b, namesrvAddr);
        return b;
    }

    /** {@code thruster standalone}: NameServer on 9876 (must be free) and the broker on {@code port}. */
    public static ThrusterBroker standalone(Path dir, String brokerName, int port, RmqVersion flavor,
        Map<String, String> extraConf) {
        // the standalone of a previous scenario may still be stopping in the background (or another suite's run)
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!free(STANDALONE_NAMESRV_PORT) && System.nanoTime() < deadline) {
            ManagedProcess.sleep(200);
        }
        if (!free(STANDALONE_NAMESRV_PORT)) {
            throw new IllegalStateException("port " + STANDALONE_NAMESRV_PORT + " is in use: thruster standalone"
                + " needs it for its NameServer (is another standalone / NameServer running?)");
        }
        Path conf = writeConf(dir, brokerName, port, dir.resolve("store"), flavor, extraConf);
        List<String> args = new ArrayList<>(List.of("standalone", "-c", conf.toString()));
        ThrusterProcess p = ThrusterProcess.start("standalone", port, dir, args, bootLine(brokerName, port),
            Duration.ofSeconds(30));
        ThrusterBroker b = new ThrusterBroker(brokerName, port, dir, p, flavor, true);
        try {
            p.process().awaitStdoutLine(ThrusterProcess.NAMESRV_BOOT, Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            p.process().kill();
            throw e;
        }
        awaitRegistered(b, "127.0.0.1:" + STANDALONE_NAMESRV_PORT);
        return b;
    }

    private static Path writeConf(Path dir, String brokerName, int port, Path storeDir, RmqVersion flavor,
        Map<String, String> extraConf) {
        Map<String, String> conf = BrokerConf.base(brokerName, port, storeDir);
        conf.putAll(extraConf);
        conf.put("thrusterStoreCompat", flavor.label());
        return BrokerConf.write(dir.resolve("broker.conf"), conf);
    }

    private static Pattern bootLine(String brokerName, int port) {
        return Pattern.compile("The broker\\[" + Pattern.quote(brokerName) + ", 127\\.0\\.0\\.1:" + port
            + "\\] boot success\\. serializeType=JSON");
    }

    private static void awaitRegistered(ThrusterBroker b, String namesrvAddr) {
        try {
            RemotingProbe.awaitRegistered(Integer.parseInt(namesrvAddr.substring(namesrvAddr.indexOf(':') + 1)),
                b.addr(), Duration.ofSeconds(20));
        } catch (RuntimeException e) {
            b.process.process().kill();
            throw new IllegalStateException(e.getMessage() + "\n" + b.process.process().describe(), e);
        }
    }

    static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("0.0.0.0", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String namesrvAddr() {
        if (!standalone) {
            throw new IllegalStateException("not a standalone process");
        }
        return "127.0.0.1:" + STANDALONE_NAMESRV_PORT;
    }

    public String brokerName() {
        return brokerName;
    }

    public RmqVersion flavor() {
        return flavor;
    }

    /** Graceful stop (SIGTERM) that leaves the store in place; returns the exit code. */
    public int stopKeepingStore() {
        return process.process().terminate(Duration.ofSeconds(30));
    }

    @Override
    public String kind() {
        return (standalone ? "thruster-standalone-" : "thruster-broker-") + flavor;
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
        return process.process();
    }

    /** Stops it, then deletes DIR/store (unless -Dcompat.keepRuns=true). */
    @Override
    public void close() {
        process.process().close();
        if (!Env.keepRuns()) {
            JavaBroker.deleteTree(dir.resolve("store"));
        }
    }

    @Override
    public String toString() {
        return kind() + "[" + brokerName + "]@" + addr();
    }
}
