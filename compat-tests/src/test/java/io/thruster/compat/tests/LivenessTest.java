package io.thruster.compat.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.thruster.compat.harness.Baselines;
import io.thruster.compat.harness.Cluster;
import io.thruster.compat.harness.Diff;
import io.thruster.compat.harness.Env;
import io.thruster.compat.harness.JavaBroker;
import io.thruster.compat.harness.Masker;
import io.thruster.compat.harness.MqAdmin;
import io.thruster.compat.harness.NamesrvSpec;
import io.thruster.compat.harness.RemotingProbe;
import io.thruster.compat.harness.RmqVersion;
import io.thruster.compat.harness.ThrusterProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import io.thruster.compat.harness.Reaper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Test 3, broker liveness. Two stock brokers (broker-a, broker-b) register with the NameServer and get one topic
 * each. broker-a is SIGKILLed: the kernel closes its NameServer connection and the NameServer must drop it at once
 * (Java: channel-close cleanup), so within {@link #KILL_DEADLINE} topicRoute/clusterList no longer show it.
 * broker-b is then stopped with SIGTERM (UNREGISTER_BROKER during its shutdown) and must disappear within
 * {@link #STOP_DEADLINE}. The outputs after each removal must equal the Java NameServer's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LivenessTest {
    static final Duration KILL_DEADLINE = Duration.ofSeconds(10);
    static final Duration STOP_DEADLINE = Duration.ofSeconds(40);
    private static final RmqVersion POLL_TOOL = RmqVersion.V4_9_8; // fastest tool for polling
    private static final List<RmqVersion> TOOLS = List.of(RmqVersion.V4_9_8, RmqVersion.V5_3_3);
    private static final Baselines<Outcome> BASELINES = new Baselines<>();

    /** Masked outputs (label -> text) and removal times. */
    record Outcome(String namesrv, Map<String, String> outputs, long killRemovalMs, long stopRemovalMs, Path dir) {
    }

    @AfterAll
    static void stopLeftovers() {
        Reaper.drain();
    }

    static Stream<String> versions() {
        return Env.versions().stream();
    }

    static Outcome run(NamesrvSpec ns, RmqVersion brokerVersion) {
        Path dir = Env.newRunDir("liveness-broker" + brokerVersion + "-" + ns.label());
        Map<String, String> outputs = new LinkedHashMap<>();
        long killMs;
        long stopMs;
        try (Cluster c = Cluster.start(ns, dir, brokerVersion, List.of("broker-a", "broker-b"), TOOLS)) {
            Masker m = c.masker();
            JavaBroker a = c.broker("broker-a");
            JavaBroker b = c.broker("broker-b");
            for (JavaBroker x : List.of(a, b)) {
                MqAdmin.Result r = c.admin(POLL_TOOL, "updateTopic", "-b", x.addr(), "-t", topicOf(x));
                assertTrue(r.stdout().contains("success"), r.toString());
            }
            record(c, m, outputs, "before", "clusterList");
            record(c, m, outputs, "before", "topicRoute", "-t", "LiveA");
            String before = outputs.get("before | [4.9.8] clusterList");
            assertTrue(before.contains("<BROKER:broker-a>") && before.contains("<BROKER:broker-b>"),
                "both brokers must be listed before the kill:\n" + before);

            a.kill();
            killMs = awaitGone(c, a, KILL_DEADLINE);
            record(c, m, outputs, "after SIGKILL broker-a", "clusterList");
            record(c, m, outputs, "after SIGKILL broker-a", "topicRoute", "-t", "LiveA");
            record(c, m, outputs, "after SIGKILL broker-a", "topicRoute", "-t", "LiveB");

            CompletableFuture<Integer> stopping = CompletableFuture.supplyAsync(
                () -> b.process().terminate(Duration.ofSeconds(60)));
            stopMs = awaitGone(c, b, STOP_DEADLINE);
            stopping.join();
            record(c, m, outputs, "after SIGTERM broker-b", "clusterList");
            record(c, m, outputs, "after SIGTERM broker-b", "topicRoute", "-t", "LiveB");
            record(c, m, outputs, "after SIGTERM broker-b", "topicList");
        }
        Outcome o = new Outcome(ns.label(), outputs, killMs, stopMs, dir);
        StringBuilder sb = new StringBuilder();
        sb.append("namesrv ").append(ns.label()).append(", brokers ").append(brokerVersion)
            .append(": SIGKILL -> removed after ").append(killMs).append(" ms; SIGTERM -> removed after ")
            .append(stopMs).append(" ms\n");
        outputs.forEach((k, v) -> sb.append("===== ").append(k).append('\n').append(v).append('\n'));
        try {
            Files.writeString(dir.resolve("masked-transcript.txt"), sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("[liveness] namesrv " + ns.label() + ", broker " + brokerVersion + ": SIGKILL -> gone in "
            + killMs + " ms, SIGTERM -> gone in " + stopMs + " ms");
        return o;
    }

    private static String topicOf(JavaBroker b) {
        return b.brokerName().equals("broker-a") ? "LiveA" : "LiveB";
    }

    private static void record(Cluster c, Masker m, Map<String, String> outputs, String phase, String cmd,
        String... rest) {
        for (RmqVersion tool : TOOLS) {
            MqAdmin.Result r = c.admin(tool, cmd, rest);
            List<String> args = new ArrayList<>();
            args.add(cmd);
            args.addAll(List.of(rest));
            outputs.put(phase + " | [" + tool + "] " + String.join(" ", args), m.mask(args, r.combined()));
        }
    }

    /**
     * Polls until the NameServer's cluster info no longer lists {@code b}'s address and mqadmin topicRoute reports
     * no route for its topic; returns the time it took. Fails at the deadline with the last answers. (clusterList
     * itself is not used for polling: it also calls every listed broker, and a broker that is shutting down makes
     * it wait 5 s, which would be charged to the NameServer.)
     */
    private static long awaitGone(Cluster c, JavaBroker b, Duration deadline) {
        long t0 = System.nanoTime();
        String info;
        MqAdmin.Result route;
        do {
            info = RemotingProbe.clusterInfo(c.namesrv().port());
            route = c.admin(POLL_TOOL, "topicRoute", "-t", topicOf(b));
            boolean listed = info == null || info.contains("\"" + b.addr() + "\"");
            boolean routed = route.stdout().contains(b.addr());
            if (!listed && !routed && route.stderr().contains("CODE: 17")) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            sleep(50);
        } while (System.nanoTime() - t0 < deadline.toNanos());
        return fail(b + " still known to " + c.namesrv() + " " + deadline.toSeconds() + " s after it went away:\n"
            + "GET_BROKER_CLUSTER_INFO: " + info + "\n" + route);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Outcome baseline(RmqVersion v) {
        NamesrvSpec ref = NamesrvSpec.javaReference(v);
        return BASELINES.get(ref.label() + "/" + v, () -> run(ref, v));
    }

    @Order(1)
    @ParameterizedTest(name = "brokers {0}: Java NameServer drops a SIGKILLed / SIGTERMed broker")
    @MethodSource("versions")
    void javaNamesrv(String version) {
        baseline(RmqVersion.of(version));
    }

    @Order(2)
    @ParameterizedTest(name = "brokers {0}: Thruster NameServer drops them too, same outputs as Java")
    @MethodSource("versions")
    void thrusterNamesrv(String version) {
        ThrusterProcess.assumeAvailable();
        RmqVersion v = RmqVersion.of(version);
        Outcome expected = baseline(v);
        Outcome actual = run(NamesrvSpec.thrusterMirroring(v), v);
        List<String> diffs = new ArrayList<>();
        for (Map.Entry<String, String> e : expected.outputs().entrySet()) {
            String got = actual.outputs().get(e.getKey());
            if (!e.getValue().equals(got)) {
                diffs.add("----- " + e.getKey() + "  (- " + expected.namesrv() + ", + thruster)\n"
                    + Diff.lines(e.getValue(), String.valueOf(got)));
            }
        }
        if (!diffs.isEmpty()) {
            fail(diffs.size() + " outputs differ (Java: SIGKILL " + expected.killRemovalMs() + " ms, SIGTERM "
                + expected.stopRemovalMs() + " ms; Thruster: " + actual.killRemovalMs() + " / "
                + actual.stopRemovalMs() + " ms; transcripts " + expected.dir() + " vs " + actual.dir() + ")\n"
                + String.join("\n", diffs));
        }
    }
}
