package io.thruster.compat.tests;

import static org.junit.jupiter.api.Assertions.fail;

import io.thruster.compat.harness.Baselines;
import io.thruster.compat.harness.BrokerConf;
import io.thruster.compat.harness.ClientApp;
import io.thruster.compat.harness.Env;
import io.thruster.compat.harness.FlowReport;
import io.thruster.compat.harness.JavaBroker;
import io.thruster.compat.harness.JavaNamesrv;
import io.thruster.compat.harness.ManagedProcess;
import io.thruster.compat.harness.MqAdmin;
import io.thruster.compat.harness.Ports;
import io.thruster.compat.harness.Reaper;
import io.thruster.compat.harness.RmqVersion;
import io.thruster.compat.harness.Server;
import io.thruster.compat.harness.ThrusterBroker;
import io.thruster.compat.harness.ThrusterProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Store hand-over: a broker writes (produce, a group consumes and commits, more produce, a message still parked at
 * delay level 17 = 10 s), is stopped gracefully, and another broker is started on the same store directory with
 * the same file sizes, broker name and port (both with the same Java NameServer). The group must resume from its
 * committed offsets and get exactly the messages it had not consumed (the delayed one once due), a new group must
 * read everything with intact bodies, and {@code mqadmin queryMsgByKey} / {@code queryMsgById} (tool of the same
 * version) must find old and new messages.
 *
 * <p>Java → Java (a restart) is the baseline proving the scenario; Thruster → Java and Java → Thruster (Thruster
 * with {@code thrusterStoreCompat} = the Java broker's version) must pass the same checks with the same
 * observations. The "4.9.8" Java broker is the stock 4.9.7 broker (see FINDINGS.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HandOverTest {
    enum Kind { JAVA, THRUSTER }

    private static final Baselines<Outcome> JAVA = new Baselines<>();

    /** What one hand-over observed; {@link #problems} is empty when every check held. */
    record Outcome(String label, Path dir, FlowReport.Flow produce, FlowReport.Flow consume, Map<String, String> facts,
        Map<String, String> infos, List<String> problems) {
    }

    @AfterAll
    static void stopLeftovers() {
        Reaper.drain();
    }

    static Stream<String> versions() {
        return Env.versions().stream();
    }

    static Server start(Kind k, RmqVersion v, Path dir, String namesrv, int port, Path store) {
        if (k == Kind.JAVA) {
            Map<String, String> conf = new LinkedHashMap<>(BrokerConf.flows());
            conf.put("storePathRootDir", store.toString());
            conf.put("storePathCommitLog", store.resolve("commitlog").toString());
            return JavaBroker.start(v, dir, "broker-a", namesrv, conf, port);
        }
        return ThrusterBroker.broker(dir, "broker-a", namesrv, port, store, v, BrokerConf.flows());
    }

    static int stopKeepingStore(Server s) {
        return s instanceof JavaBroker j ? j.stopKeepingStore() : ((ThrusterBroker) s).stopKeepingStore();
    }

    static FlowReport.Flow driver(RmqVersion v, Path dir, String namesrv, String phase, List<String> problems) {
        try (ManagedProcess p = ClientApp.start(v, dir, Map.of(), "-Xmx192m", "HandOver", namesrv,
            "c" + v.label().replace(".", ""), phase)) {
            Integer code = p.waitFor(Duration.ofSeconds(120));
            FlowReport.Flow f = FlowReport.parse(p.stdoutText()).flow("handover-" + phase);
            if (!f.ok()) {
                problems.add(phase + " phase: " + f.problems() + "\n" + f.describe()
                    + ManagedProcess.tail(p.describe(), 20) + "\n(driver exit " + code + ")");
            }
            return f;
        }
    }

    static Outcome run(RmqVersion v, Kind from, Kind to) {
        String label = from.name().toLowerCase() + "-to-" + to.name().toLowerCase() + "-" + v;
        Path dir = Env.newRunDir("handover-" + label);
        Path store = dir.resolve("store");
        int port = Ports.broker();
        List<String> problems = new ArrayList<>();
        Map<String, String> facts = new LinkedHashMap<>();
        Map<String, String> infos = new LinkedHashMap<>();
        JavaNamesrv ns = JavaNamesrv.start(v, dir.resolve("namesrv"));
        Server[] brokers = new Server[2];
        MqAdmin admin = null;
        try {
            long t0 = System.nanoTime();
            brokers[0] = start(from, v, dir.resolve("1-" + from.name().toLowerCase()), ns.addr(), port, store);
            FlowReport.Flow produce = driver(v, dir.resolve("client-produce"), ns.addr(), "produce", problems);
            long t1 = System.nanoTime();
            int exit = stopKeepingStore(brokers[0]);
            infos.put("first broker stop", (System.nanoTime() - t1) / 1_000_000 + " ms, exit " + exit);
            long t2 = System.nanoTime();
            brokers[1] = start(to, v, dir.resolve("2-" + to.name().toLowerCase()), ns.addr(), port, store);
            infos.put("second broker start", (System.nanoTime() - t2) / 1_000_000 + " ms");
            admin = MqAdmin.session(v, dir.resolve("mqadmin-" + v));
            FlowReport.Flow consume = driver(v, dir.resolve("client-consume"), ns.addr(), "consume", problems);
            String before = produce.infos.get("committed");
            String after = consume.infos.get("committed");
            if (before == null || !before.equals(after)) {
                problems.add("committed offsets per queue changed over the hand-over: " + before + " -> " + after);
            }
            String topic = "HandOver_c" + v.label().replace(".", "");
            for (String key : List.of("ho-a-5", "ho-batch-3", "ho-zip", "ho-b-7", "ho-delayed")) {
                String sent = produce.infos.get("sent." + key);
                MqAdmin.Result r = admin.run(MqAdmin.args("queryMsgByKey", ns.addr(), "-t", topic, "-k", key));
                // "<msgId> <queueId> <offset>" rows; a batch message sent by a 5.3.3 producer shows the batch's
                // UNIQ_KEY (see FINDINGS.md), so the row is recognised by its queue and offset
                String[] f = sent == null ? new String[] {"<not sent>", "", "q-1@-1"} : sent.split(" ");
                String[] qo = f[2].substring(1).split("@");
                // (a delayed message's SendResult offset is the one in SCHEDULE_TOPIC_XXXX: it is found by its id)
                boolean found = java.util.regex.Pattern.compile("(?m)^\\S+\\s+" + qo[0] + "\\s+" + qo[1] + "\\s*$")
                    .matcher(r.stdout()).find() || r.stdout().contains(f[0]);
                facts.put("queryMsgByKey " + key, found ? "found" : "not found");
                // Not compared for the batch message: the Java brokers show the batch's UNIQ_KEY there
                // (apache/rocketmq#9416), Thruster the message's own id (a deliberate deviation, FINDINGS.md).
                if (!key.startsWith("ho-batch")) {
                    facts.put("queryMsgByKey " + key + " lists the sent msgId",
                        Boolean.toString(r.stdout().contains(f[0])));
                }
                if (!found) {
                    problems.add("mqadmin queryMsgByKey -k " + key + " lists neither queue " + qo[0] + " offset "
                        + qo[1] + " nor " + f[0] + ":\n" + r);
                }
            }
            String sentA5 = produce.infos.get("sent.ho-a-5");
            if (sentA5 != null) {
                // the 4.9.8 tool has no -t; the 5.3.3 tool takes it
                MqAdmin.Result r = v == RmqVersion.V4_9_8
                    ? admin.run(MqAdmin.args("queryMsgById", ns.addr(), "-i", sentA5.split(" ")[1]))
                    : admin.run(MqAdmin.args("queryMsgById", ns.addr(), "-t", topic, "-i", sentA5.split(" ")[1]));
                boolean found = r.stdout().contains("ho-a-5");
                facts.put("queryMsgById ho-a-5 (offset id)", found ? "found" : "not found");
                if (!found) {
                    problems.add("mqadmin queryMsgById of ho-a-5's offset message id does not show it:\n" + r);
                }
            }
            infos.put("total", (System.nanoTime() - t0) / 1_000_000 + " ms");
            System.out.println("[compat] hand-over " + label + ": " + infos + ", " + facts.values().stream()
                .filter(x -> x.equals("found")).count() + " mqadmin lookups found, problems: " + problems.size());
            return new Outcome(label, dir, produce, consume, facts, infos, problems);
        } finally {
            if (admin != null) {
                admin.close();
            }
            if (brokers[0] != null && brokers[0].process().isAlive()) {
                brokers[0].process().kill();
            }
            Reaper.submit(label, () -> {
                if (brokers[1] != null) {
                    brokers[1].close();
                }
                ns.close();
                if (!Env.keepRuns()) {
                    JavaBroker.deleteStore(store);
                }
            });
        }
    }

    static Outcome java(RmqVersion v) {
        return JAVA.get(v.label(), () -> run(v, Kind.JAVA, Kind.JAVA));
    }

    static String describe(Outcome o) {
        return "  produce phase:\n" + o.produce().describe() + "  consume phase:\n" + o.consume().describe()
            + "  mqadmin: " + o.facts() + "\n  " + o.infos() + "\n  run dir: " + o.dir() + "\n";
    }

    static void compare(Outcome t, RmqVersion v) {
        Outcome j = java(v);
        StringBuilder msg = new StringBuilder();
        if (!t.problems().isEmpty()) {
            msg.append("  checks failed:\n    ").append(String.join("\n    ", t.problems())).append('\n');
        }
        String d1 = FlowReport.diff("Java→Java " + v, j.produce().facts, "Thruster run", t.produce().facts);
        String d2 = FlowReport.diff("Java→Java " + v, j.consume().facts, "Thruster run", t.consume().facts);
        String d3 = FlowReport.diff("Java→Java " + v, j.facts(), "Thruster run", t.facts());
        if (!(d1 + d2 + d3).isEmpty()) {
            msg.append("  observations that differ from the Java→Java hand-over:\n").append(d1).append(d2).append(d3);
        }
        if (msg.length() > 0) {
            fail("hand-over " + t.label() + ":\n" + msg + (j.problems().isEmpty() ? ""
                : "  (the Java→Java baseline failed too: " + j.problems() + ")\n") + describe(t));
        }
    }

    @Order(1)
    @ParameterizedTest(name = "{0}: Java broker -> Java broker on the same store (baseline)")
    @MethodSource("versions")
    void javaToJava(String version) {
        Outcome o = java(RmqVersion.of(version));
        if (!o.problems().isEmpty()) {
            fail("hand-over " + o.label() + ":\n  " + String.join("\n  ", o.problems()) + "\n" + describe(o));
        }
    }

    @Order(2)
    @ParameterizedTest(name = "{0}: thruster broker -> Java broker {0} on the same store")
    @MethodSource("versions")
    void thrusterToJava(String version) {
        ThrusterProcess.assumeAvailable();
        RmqVersion v = RmqVersion.of(version);
        compare(run(v, Kind.THRUSTER, Kind.JAVA), v);
    }

    @Order(3)
    @ParameterizedTest(name = "{0}: Java broker {0} -> thruster broker on the same store")
    @MethodSource("versions")
    void javaToThruster(String version) {
        ThrusterProcess.assumeAvailable();
        RmqVersion v = RmqVersion.of(version);
        compare(run(v, Kind.JAVA, Kind.THRUSTER), v);
    }
}
