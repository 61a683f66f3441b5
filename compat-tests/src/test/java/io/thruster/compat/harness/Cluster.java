package io.thruster.compat.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * One scenario's processes: a NameServer (Java or Thruster) plus stock Java brokers registered with it, and
 * mqadmin sessions. Closing stops mqadmin, then the brokers (in parallel, gracefully), then the NameServer.
 */
public final class Cluster implements AutoCloseable {
    private final NamesrvSpec spec;
    private final Path dir;
    private final Server namesrv;
    private final List<JavaBroker> brokers;
    private final Map<RmqVersion, MqAdmin> admins = new EnumMap<>(RmqVersion.class);

    private Cluster(NamesrvSpec spec, Path dir, Server namesrv, List<JavaBroker> brokers) {
        this.spec = spec;
        this.dir = dir;
        this.namesrv = namesrv;
        this.brokers = brokers;
    }

    /**
     * Starts the NameServer, then (in parallel) one broker of {@code brokerVersion} per name, all in
     * {@code dir}. Also starts the mqadmin drivers of {@code toolVersions} in parallel with the brokers.
     */
    public static Cluster start(NamesrvSpec spec, Path dir, RmqVersion brokerVersion, List<String> brokerNames,
        List<RmqVersion> toolVersions) {
        Server ns = spec.start(dir.resolve("namesrv"));
        Cluster c = new Cluster(spec, dir, ns, new ArrayList<>());
        try {
            List<Callable<Object>> tasks = new ArrayList<>();
            for (String name : brokerNames) {
                tasks.add(() -> JavaBroker.start(brokerVersion, dir.resolve(name), name, ns.addr()));
            }
            for (RmqVersion t : toolVersions) {
                MqAdmin a = c.mqadmin(t);
                tasks.add(() -> a.run("help", "topicList"));  // warms the driver JVM up
            }
            Parallel.allCollecting(tasks, c::adopt);
            synchronized (c.brokers) {
                c.brokers.sort(java.util.Comparator.comparing(JavaBroker::brokerName));
            }
            return c;
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    private void adopt(Object o) {
        if (o instanceof JavaBroker b) {
            synchronized (brokers) {
                if (!brokers.contains(b)) {
                    brokers.add(b);
                }
            }
        }
    }

    public NamesrvSpec spec() {
        return spec;
    }

    public Path dir() {
        return dir;
    }

    public Server namesrv() {
        return namesrv;
    }

    public List<JavaBroker> brokers() {
        return brokers;
    }

    public JavaBroker broker(String name) {
        return brokers.stream().filter(b -> b.brokerName().equals(name)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no broker " + name));
    }

    /** The mqadmin session of {@code v} for this cluster (created on first use, closed with the cluster). */
    public synchronized MqAdmin mqadmin(RmqVersion v) {
        return admins.computeIfAbsent(v, x -> MqAdmin.session(x, dir.resolve("mqadmin-" + x)));
    }

    /** Runs {@code mqadmin <command> -n <this NameServer> rest...} with the tool of version {@code v}. */
    public MqAdmin.Result admin(RmqVersion v, String command, String... rest) {
        return mqadmin(v).run(MqAdmin.args(command, namesrv.addr(), rest));
    }

    /** Placeholders: run dir, NameServer address/port, each broker's address/port. */
    public Masker masker() {
        Masker m = new Masker().literal(dir.toString(), "<RUN>").server(namesrv, "NAMESRV");
        for (JavaBroker b : brokers) {
            m.server(b, "BROKER:" + b.brokerName());
        }
        return m;
    }

    /** Stops everything now: mqadmin drivers and brokers (in parallel, gracefully), then the NameServer. */
    public void stop() {
        List<AutoCloseable> first = new ArrayList<>(admins.values());
        first.addAll(brokers);
        try {
            Parallel.closeAll(first.toArray(new AutoCloseable[0]));
        } finally {
            namesrv.close();
        }
    }

    /**
     * Kills the mqadmin drivers now and hands the graceful stop of brokers and NameServer to the {@link Reaper}
     * (test classes drain it in {@code @AfterAll}).
     */
    @Override
    public void close() {
        for (MqAdmin a : admins.values()) {
            a.close();
        }
        Reaper.submit(toString(), this::stop);
    }

    @Override
    public String toString() {
        return "cluster[" + namesrv + ", " + brokers + "]";
    }
}
