package io.thruster.compat.tests;

import static org.junit.jupiter.api.Assertions.fail;

import io.thruster.compat.harness.Baselines;
import io.thruster.compat.harness.Cluster;
import io.thruster.compat.harness.Diff;
import io.thruster.compat.harness.Env;
import io.thruster.compat.harness.Masker;
import io.thruster.compat.harness.MqAdmin;
import io.thruster.compat.harness.NamesrvSpec;
import io.thruster.compat.harness.RmqVersion;
import io.thruster.compat.harness.ThrusterProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import io.thruster.compat.harness.Reaper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Test 1, mqadmin parity. Scenario: a NameServer + one stock Java broker "broker-a" registered with it; then a
 * fixed sequence of mqadmin commands, each run with the stock mqadmin of BOTH 4.9.8 and 5.3.3. The transcript
 * against the Java NameServer must meet the expectations written next to each step (so the scenario provably
 * exercises real behaviour); the transcript against Thruster's NameServer, after masking, must equal the Java
 * one line for line.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MqAdminParityTest {
    private static final List<RmqVersion> TOOLS = List.of(RmqVersion.V4_9_8, RmqVersion.V5_3_3);
    private static final Baselines<Transcript> BASELINES = new Baselines<>();

    /** One mqadmin command of the scenario (without -n) and what its output must / must not contain (masked). */
    record Step(List<String> args, List<String> mustContain, List<String> mustNotContain) {
        static Step of(String... args) {
            return new Step(List.of(args), List.of(), List.of());
        }

        Step contains(String... s) {
            List<String> l = new ArrayList<>(mustContain);
            l.addAll(List.of(s));
            return new Step(args, l, mustNotContain);
        }

        Step lacks(String... s) {
            List<String> l = new ArrayList<>(mustNotContain);
            l.addAll(List.of(s));
            return new Step(args, mustContain, l);
        }
    }

    /** Step output of one tool version. */
    record Entry(int step, RmqVersion tool, List<String> args, String masked, MqAdmin.Result raw) {
        String label() {
            return String.format("step %2d [mqadmin %s] %s", step, tool, String.join(" ", args));
        }
    }

    record Transcript(String namesrv, RmqVersion broker, List<Entry> entries, Path dir) {
    }

    @AfterAll
    static void stopLeftovers() {
        Reaper.drain();
    }

    static Stream<String> versions() {
        return Env.versions().stream();
    }

    /** The scenario. Placeholders: BROKER:broker-a = the broker's address, NAMESRV = the NameServer's. */
    static List<Step> steps(String brokerAddr) {
        String route = "\"brokerName\":\"broker-a\"";
        return List.of(
            Step.of("updateTopic", "-b", brokerAddr, "-t", "TopicTest")
                .contains("create topic to <BROKER:broker-a> success.", "topicName=TopicTest"),
            Step.of("topicRoute", "-t", "TopicTest")
                .contains(route, "<BROKER:broker-a>", "\"perm\":6", "\"readQueueNums\":8", "\"cluster\":\"DefaultCluster\"")
                .lacks("orderTopicConf", "Exception"),
            Step.of("topicRoute", "-t", "TopicTest", "-l")
                .contains("DefaultCluster", "broker-a"),
            Step.of("topicList")
                .contains("TopicTest", "TBW102", "DefaultCluster", "broker-a").lacks("Exception"),
            Step.of("topicList", "-c")
                .contains("DefaultCluster TopicTest").lacks("Exception"),
            // (the 4.9.8 tool prints an NPE for a 5.3.3 broker: it lacks the misspelt getTransferedTps key)
            Step.of("clusterList")
                .contains("DefaultCluster broker-a 0 <BROKER:broker-a>"),
            Step.of("topicClusterList", "-t", "TopicTest")
                .contains("DefaultCluster").lacks("Exception"),
            Step.of("updateKvConfig", "-s", "ns", "-k", "k", "-v", "v")
                .contains("create or update kv config to namespace success."),
            Step.of("deleteKvConfig", "-s", "ns", "-k", "k")
                .contains("delete kv config from namespace success."),
            Step.of("updateOrderConf", "-t", "TopicTest", "-v", "broker-a:4", "-m", "put")
                .contains("update orderConf success. topic=[TopicTest], orderConf=[broker-a:4]"),
            Step.of("updateOrderConf", "-t", "TopicTest", "-m", "get")
                .contains("get orderConf success. topic=[TopicTest], orderConf=[broker-a:4]"),
            Step.of("getNamesrvConfig")
                .contains("============<NAMESRV>============", "orderMessageEnable = false", "listenPort = <NAMESRV_PORT>",
                    "kvConfigPath = <RUN>/namesrv/home/namesrv/kvConfig.json"),
            Step.of("updateNamesrvConfig", "-k", "orderMessageEnable", "-v", "true")
                .contains("update name server config success![<NAMESRV>]", "orderMessageEnable : true"),
            Step.of("getNamesrvConfig")
                .contains("orderMessageEnable = true"),
            Step.of("topicRoute", "-t", "TopicTest")
                .contains("\"orderTopicConf\":\"broker-a:4\"", route),
            Step.of("updateOrderConf", "-t", "TopicTest", "-m", "delete")
                .contains("delete orderConf success. topic=[TopicTest]"),
            Step.of("updateOrderConf", "-t", "TopicTest", "-m", "get")
                .contains("CODE: 22 DESC: No config item, Namespace: ORDER_TOPIC_CONFIG Key: TopicTest"),
            Step.of("topicRoute", "-t", "TopicTest")
                .lacks("orderTopicConf"),
            Step.of("wipeWritePerm", "-b", "broker-a")
                .contains("wipe write perm of broker[broker-a] in name server[<NAMESRV>] OK"),
            Step.of("topicRoute", "-t", "TopicTest")
                .contains("\"perm\":4"),
            Step.of("addWritePerm", "-b", "broker-a")
                .contains("add write perm of broker[broker-a] in name server[<NAMESRV>] OK"),
            Step.of("topicRoute", "-t", "TopicTest")
                .contains("\"perm\":6"),
            Step.of("allocateMQ", "-t", "TopicTest", "-i", "ip1,ip2")
                .contains("{\"result\":{", "\"ip1\":[", "\"ip2\":[", "\"queueId\":7"),
            Step.of("deleteTopic", "-t", "TopicTest", "-c", "DefaultCluster")
                .contains("delete topic [TopicTest] from cluster [DefaultCluster] success.",
                    "delete topic [TopicTest] from NameServer success."),
            Step.of("topicRoute", "-t", "TopicTest")
                .contains("CODE: 17 DESC: No topic route info in name server for the topic: TopicTest"),
            Step.of("topicList")
                .contains("TBW102").lacks("TopicTest"),
            Step.of("allocateMQ", "-t", "TopicTest", "-i", "ip1,ip2")
                .contains("CODE: 17").lacks("\"ip1\""),
            Step.of("topicClusterList", "-t", "TopicTest")
                .contains("CODE: 17"));
    }

    static Transcript run(NamesrvSpec ns, RmqVersion brokerVersion) {
        Path dir = Env.newRunDir("mqadmin-parity-broker" + brokerVersion + "-" + ns.label());
        List<Entry> entries = new ArrayList<>();
        try (Cluster c = Cluster.start(ns, dir, brokerVersion, List.of("broker-a"), TOOLS)) {
            Masker masker = c.masker();
            List<Step> steps = steps(c.broker("broker-a").addr());
            for (int i = 0; i < steps.size(); i++) {
                Step s = steps.get(i);
                for (RmqVersion tool : TOOLS) {
                    MqAdmin.Result r = c.admin(tool, s.args().get(0), s.args().subList(1, s.args().size())
                        .toArray(new String[0]));
                    List<String> full = new ArrayList<>();
                    for (String a : s.args()) {
                        full.add(a.equals(c.broker("broker-a").addr()) ? "<BROKER:broker-a>" : a);
                    }
                    String masked = "[exit " + r.exit() + "]\n" + masker.mask(full, r.combined());
                    entries.add(new Entry(i + 1, tool, full, masked, r));
                }
            }
        }
        Transcript t = new Transcript(ns.label(), brokerVersion, entries, dir);
        write(t, dir.resolve("masked-transcript.txt"));
        return t;
    }

    static void write(Transcript t, Path file) {
        StringBuilder sb = new StringBuilder();
        for (Entry e : t.entries()) {
            sb.append("===== ").append(e.label()).append('\n').append(e.masked()).append('\n');
        }
        try {
            Files.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Expectation failures of a transcript (empty = all steps printed what they must). */
    static List<String> unmetExpectations(Transcript t) {
        List<Step> steps = steps("unused");
        List<String> problems = new ArrayList<>();
        for (Entry e : t.entries()) {
            Step s = steps.get(e.step() - 1);
            for (String must : s.mustContain()) {
                if (!e.masked().contains(must)) {
                    problems.add(e.label() + ": expected output to contain «" + must + "»");
                }
            }
            for (String not : s.mustNotContain()) {
                if (e.masked().contains(not)) {
                    problems.add(e.label() + ": expected output NOT to contain «" + not + "»");
                }
            }
            if (e.raw().exit() != 0) {
                problems.add(e.label() + ": exit code " + e.raw().exit());
            }
        }
        return problems;
    }

    private static Transcript baseline(RmqVersion brokerVersion) {
        NamesrvSpec ref = NamesrvSpec.javaReference(brokerVersion);
        return BASELINES.get(ref.label() + "/" + brokerVersion, () -> {
            Transcript t = run(ref, brokerVersion);
            List<String> problems = unmetExpectations(t);
            if (!problems.isEmpty()) {
                fail("Java NameServer transcript does not meet the scenario's expectations ("
                    + t.dir().resolve("masked-transcript.txt") + "):\n" + String.join("\n", problems));
            }
            return t;
        });
    }

    @Order(1)
    @ParameterizedTest(name = "broker {0}: Java NameServer meets expectations")
    @MethodSource("versions")
    void javaNamesrv(String version) {
        baseline(RmqVersion.of(version));
    }

    @Order(2)
    @ParameterizedTest(name = "broker {0}: Thruster NameServer output == Java NameServer output")
    @MethodSource("versions")
    void thrusterNamesrv(String version) {
        ThrusterProcess.assumeAvailable();
        RmqVersion v = RmqVersion.of(version);
        Transcript expected = baseline(v);
        Transcript actual = run(NamesrvSpec.thrusterMirroring(v), v);
        List<String> diffs = new ArrayList<>();
        for (int i = 0; i < expected.entries().size(); i++) {
            Entry e = expected.entries().get(i);
            Entry a = actual.entries().get(i);
            if (!e.masked().equals(a.masked())) {
                diffs.add("----- " + e.label() + "  (- " + expected.namesrv() + ", + thruster)\n"
                    + Diff.lines(e.masked(), a.masked()));
            }
        }
        if (!diffs.isEmpty()) {
            fail(diffs.size() + " of " + expected.entries().size() + " mqadmin outputs differ (transcripts: "
                + expected.dir().resolve("masked-transcript.txt") + " vs "
                + actual.dir().resolve("masked-transcript.txt") + ")\n" + String.join("\n", diffs));
        }
    }
}
