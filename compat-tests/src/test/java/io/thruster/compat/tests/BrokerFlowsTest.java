package io.thruster.compat.tests;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.thruster.compat.harness.Baselines;
import io.thruster.compat.harness.BrokerConf;
import io.thruster.compat.harness.ClientApp;
import io.thruster.compat.harness.Env;
import io.thruster.compat.harness.FlowReport;
import io.thruster.compat.harness.JavaBroker;
import io.thruster.compat.harness.JavaNamesrv;
import io.thruster.compat.harness.ManagedProcess;
import io.thruster.compat.harness.Parallel;
import io.thruster.compat.harness.Ports;
import io.thruster.compat.harness.QuickStart;
import io.thruster.compat.harness.Reaper;
import io.thruster.compat.harness.RmqVersion;
import io.thruster.compat.harness.Server;
import io.thruster.compat.harness.ThrusterBroker;
import io.thruster.compat.harness.ThrusterProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The broker flows of stock 4.9.8 and 5.3.3 clients (producer, push/lite-pull/pull consumers, retry and DLQ,
 * delay levels, filters, bad input, the quick-start), first against a Java NameServer + Java broker of each
 * version, then against {@code thruster standalone} configured as that version ({@code thrusterStoreCompat}).
 *
 * <p>One broker per scenario; in it, one driver JVM per client version ({@code apps.Flows}) runs all flows
 * concurrently on their own topics and groups, while the quick-start producers and consumers run alongside. Every
 * (client version, flow) is a test of its own. A Java test passes when the flow's checks hold. A Thruster test
 * passes when its checks hold and its observations equal the Java broker's: FACTs are compared with the Java
 * broker of the same version and client, response CODEs with the Java broker of the client's own version (Thruster
 * answers each client in its version's dialect). The failure message is a table of the differences.
 *
 * <p>{@code -Dcompat.flows=a,b} runs only some flows (and no quick-start unless listed as {@code quickstart}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerFlowsTest {
    static final List<String> FLOWS = List.of("send-sync", "send-async", "send-oneway", "send-batch", "send-orderly",
        "send-compressed", "keys-tags", "auto-create", "bad-input", "push-clustering", "push-restart",
        "consume-from-where", "broadcast", "orderly", "lite-pull-subscribe", "lite-pull-assign", "pull-consumer",
        "retry-dlq", "delay", "fanout", "tags");
    static final String QUICKSTART = "quickstart";
    private static final long DRIVER_DEADLINE_S = 150;
    private static final long QUICKSTART_DELAY_MS = 10_000;

    /**
     * (Java broker, client, flow) combinations the stock Java software cannot do. The Java test is then skipped
     * with the reason (if the flow failed as expected); Thruster may either serve the flow or fail like Java.
     */
    static final Map<String, String> JAVA_INCOMPATIBLE = Map.of(
        "4.9.8/5.3.3/lite-pull-subscribe", "the 5.3.3 DefaultLitePullConsumer pulls with LITE_PULL_MESSAGE (361), which"
            + " the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3): it never receives anything",
        "4.9.8/5.3.3/lite-pull-assign", "the 5.3.3 DefaultLitePullConsumer pulls with LITE_PULL_MESSAGE (361), which"
            + " the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3): it never receives anything");

    static String incompatible(RmqVersion broker, RmqVersion client, String flow) {
        return JAVA_INCOMPATIBLE.get(broker + "/" + client + "/" + flow);
    }
    private static final Baselines<Outcome> JAVA = new Baselines<>();

    /** Everything one scenario observed. */
    record Outcome(String label, RmqVersion version, Path dir, Map<RmqVersion, FlowReport> reports,
        Map<RmqVersion, String> drivers, QuickStart.Result quickStart, long millis) {
    }

    @AfterAll
    static void stopLeftovers() {
        Reaper.drain();
    }

    static List<RmqVersion> versions() {
        return Env.versions().stream().map(RmqVersion::of).toList();
    }

    static List<String> selectedFlows() {
        String s = System.getProperty("compat.flows", "all");
        return s.equals("all") ? FLOWS : Arrays.stream(s.split(",")).map(String::trim).filter(f -> !f.equals(QUICKSTART)).toList();
    }

    static boolean quickStartSelected() {
        String s = System.getProperty("compat.flows", "all");
        return s.equals("all") || Arrays.asList(s.split(",")).contains(QUICKSTART);
    }

    static String clientTag(RmqVersion c) {
        return "c" + c.label().replace(".", "");
    }

    /** Starts the backend, runs the drivers (and quick-start) against it, stops it in the background. */
    static Outcome run(RmqVersion v, boolean thruster) {
        String label = thruster ? "thruster-standalone-" + v : "java-" + v;
        Path dir = Env.newRunDir("flows-" + label);
        long t0 = System.nanoTime();
        List<Server> servers = new ArrayList<>();
        try {
            String namesrv;
            if (thruster) {
                ThrusterBroker b = ThrusterBroker.standalone(dir.resolve("thruster"), "broker-a", Ports.broker(), v,
                    BrokerConf.flows());
                servers.add(b);
                namesrv = b.namesrvAddr();
            } else {
                JavaNamesrv ns = JavaNamesrv.start(v, dir.resolve("namesrv"));
                servers.add(ns);
                namesrv = ns.addr();
                servers.add(0, JavaBroker.start(v, dir.resolve("broker-a"), "broker-a", namesrv, BrokerConf.flows()));
            }
            Map<RmqVersion, FlowReport> reports = new LinkedHashMap<>();
            Map<RmqVersion, String> drivers = new LinkedHashMap<>();
            QuickStart.Result[] qs = {null};
            List<Callable<Object>> tasks = new ArrayList<>();
            String flows = String.join(",", selectedFlows());
            for (RmqVersion c : versions()) {
                if (flows.isEmpty()) {
                    break;
                }
                tasks.add(() -> {
                    try (ManagedProcess p = ClientApp.start(c, dir.resolve("flows-client-" + c), Map.of(), "-Xmx256m",
                        "Flows", namesrv, clientTag(c), "broker-a", flows, Long.toString(DRIVER_DEADLINE_S))) {
                        Integer code = p.waitFor(Duration.ofSeconds(DRIVER_DEADLINE_S + 30));
                        synchronized (reports) {
                            reports.put(c, FlowReport.parse(p.stdoutText()));
                            drivers.put(c, "driver exit " + code + "\n" + p.describe());
                        }
                    }
                    return null;
                });
            }
            if (quickStartSelected()) {
                tasks.add(() -> {
                    // after the drivers' start-up burst: on 2 cores the stock producer's first send (route
                    // lookup, topic creation, 3 s timeout) otherwise times out now and then
                    if (!tasks.isEmpty()) {
                        MessagingTest.sleep(QUICKSTART_DELAY_MS);
                    }
                    return qs[0] = QuickStart.run(namesrv, dir, versions());
                });
            }
            Parallel.all(tasks);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            StringBuilder sum = new StringBuilder("[compat] flows " + label + ": " + ms + " ms;");
            reports.forEach((c, r) -> sum.append(" client ").append(c).append(" ")
                .append(r.flows().values().stream().filter(FlowReport.Flow::ok).count()).append("/")
                .append(selectedFlows().size()).append(" flows ok;"));
            if (qs[0] != null) {
                sum.append(" quick-start ").append(qs[0].problems().isEmpty() ? "ok " : "FAILED ").append(qs[0].infos());
            }
            System.out.println(sum);
            return new Outcome(label, v, dir, reports, drivers, qs[0], ms);
        } finally {
            // broker first (it unregisters), then the NameServer
            Reaper.submit(label, () -> servers.forEach(Server::close));
        }
    }

    static Outcome java(RmqVersion v) {
        return JAVA.get(v.label(), () -> run(v, false));
    }

    // ---------------------------------------------------------------------------------------------------------

    @Order(1)
    @TestFactory
    Stream<DynamicNode> javaBroker() {
        return versions().stream().map(v -> dynamicContainer("Java NameServer + Java broker " + v,
            Stream.of(v).flatMap(x -> javaTests(java(x)))));
    }

    static Stream<DynamicNode> javaTests(Outcome o) {
        List<DynamicNode> tests = new ArrayList<>();
        for (RmqVersion c : o.reports().keySet()) {
            for (String f : selectedFlows()) {
                tests.add(dynamicTest("client " + c + ": " + f, () -> {
                    FlowReport.Flow fl = o.reports().get(c).flow(f);
                    String known = incompatible(o.version(), c, f);
                    if (known != null && !fl.ok()) {
                        Assumptions.abort("known incompatibility of the stock Java software: " + known
                            + "; observed: " + fl.problems());
                    }
                    if (!fl.ok()) {
                        fail("flow " + f + ", client " + c + ", " + o.label() + ":\n  " + String.join("\n  ", fl.problems())
                            + "\n  observations:\n" + fl.describe() + "  run dir: " + o.dir() + "\n"
                            + ManagedProcess.tail(o.drivers().get(c), 30));
                    }
                }));
            }
        }
        if (o.quickStart() != null) {
            tests.add(dynamicTest("quick-start (producers and consumers " + versions() + ", NAMESRV_ADDR)", () -> {
                QuickStart.Result q = o.quickStart();
                if (!q.problems().isEmpty()) {
                    fail("quick-start against " + o.label() + ":\n" + String.join("\n", q.problems()));
                }
            }));
        }
        return tests.stream();
    }

    @Order(2)
    @TestFactory
    Stream<DynamicNode> thrusterStandalone() {
        ThrusterProcess.assumeAvailable();
        return versions().stream().map(v -> dynamicContainer(
            "thruster standalone, thrusterStoreCompat=" + v + " (compared with Java broker " + v + ")",
            Stream.of(v).flatMap(x -> thrusterTests(run(x, true)))));
    }

    static Stream<DynamicNode> thrusterTests(Outcome t) {
        List<DynamicNode> tests = new ArrayList<>();
        for (RmqVersion c : t.reports().keySet()) {
            for (String f : selectedFlows()) {
                tests.add(dynamicTest("client " + c + ": " + f, () -> compareFlow(t, c, f)));
            }
        }
        if (t.quickStart() != null) {
            tests.add(dynamicTest("quick-start against thruster standalone (NAMESRV_ADDR=127.0.0.1:9876)", () -> {
                QuickStart.Result q = t.quickStart();
                Outcome j = java(t.version());
                String diff = j.quickStart() == null ? ""
                    : FlowReport.diff("Java broker " + t.version(), j.quickStart().facts(), "Thruster", q.facts());
                if (!q.problems().isEmpty() || !diff.isEmpty()) {
                    fail("quick-start against " + t.label() + ":\n" + diff + String.join("\n", q.problems()));
                }
            }));
        }
        return tests.stream();
    }

    static void compareFlow(Outcome t, RmqVersion c, String f) {
        Outcome j = java(t.version());
        // response codes: Thruster answers in the dialect of the client's version
        Outcome jc = versions().contains(c) ? java(c) : j;
        FlowReport.Flow tf = t.reports().get(c).flow(f);
        FlowReport.Flow jf = j.reports().containsKey(c) ? j.reports().get(c).flow(f) : null;
        FlowReport.Flow jcf = jc.reports().containsKey(c) ? jc.reports().get(c).flow(f) : jf;
        String known = incompatible(t.version(), c, f);
        if (known != null && (tf.ok() || (jf != null && tf.facts.equals(jf.facts)))) {
            return; // the Java broker cannot do this: Thruster either serves it or fails the same way
        }
        StringBuilder msg = new StringBuilder();
        if (known != null) {
            msg.append("  (the Java broker ").append(t.version()).append(" cannot do this either: ").append(known)
                .append("; Thruster must then work, or fail the same way)\n");
        }
        if (!tf.ok()) {
            msg.append("  on Thruster:\n    ").append(String.join("\n    ", tf.problems())).append('\n');
        }
        if (jf != null) {
            String d = FlowReport.diff("Java broker " + t.version(), withoutDeliberateDeviations(f, jf.facts),
                "Thruster", withoutDeliberateDeviations(f, tf.facts));
            if (!d.isEmpty()) {
                msg.append("  observations that differ from the Java broker ").append(t.version()).append(":\n").append(d);
            }
        }
        if (jcf != null) {
            String d = FlowReport.diff("Java broker " + jc.version(), jcf.codes, "Thruster", tf.codes);
            if (!d.isEmpty()) {
                msg.append("  response codes that differ from the Java broker ").append(jc.version())
                    .append(" (the client's version):\n").append(d);
            }
        }
        if (msg.length() > 0) {
            StringBuilder full = new StringBuilder("flow ").append(f).append(", client ").append(c).append(": ")
                .append(t.label()).append(" vs Java NameServer + broker ").append(t.version()).append('\n').append(msg);
            if (jf != null && !jf.ok()) {
                full.append("  (the Java run of this flow did not pass either: ").append(jf.problems()).append(")\n");
            }
            full.append("  Thruster's observations:\n").append(tf.describe());
            if (jf != null) {
                full.append("  Java's observations:\n").append(jf.describe());
            }
            full.append("  run dirs: ").append(t.dir()).append(" / ").append(j.dir()).append('\n');
            if (!tf.started || tf.endedMillis == null) {
                full.append(ManagedProcess.tail(t.drivers().get(c), 30));
            }
            fail(full.toString());
        }
    }

    /**
     * Facts where Thruster deliberately differs from the Java broker, each with its reason; they are still printed
     * in the observations, but not compared.
     *
     * <ul>
     *   <li>{@code send-batch}: the Java brokers append a 5.3.3 producer's batch-level UNIQ_KEY to every message of
     *       the batch, so every message reads back with the batch's id instead of the msgId its SendResult reported
     *       (apache/rocketmq#9416). Thruster keeps each message's own id: consumers see the ids producers got.</li>
     * </ul>
     */
    static java.util.Map<String, String> withoutDeliberateDeviations(String flow, java.util.Map<String, String> facts) {
        if (!"send-batch".equals(flow)) {
            return facts;
        }
        java.util.Map<String, String> kept = new java.util.LinkedHashMap<>(facts);
        kept.keySet().removeIf(k -> k.endsWith(".viewedDistinctMsgIds") || k.endsWith(".viewedMsgIdIsResultMsgId"));
        return kept;
    }
}
