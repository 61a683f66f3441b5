package io.thruster.compat.tests;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.thruster.compat.harness.Baselines;
import io.thruster.compat.harness.BrokerConf;
import io.thruster.compat.harness.ClientApp;
import io.thruster.compat.harness.FlowReport;
import io.thruster.compat.harness.JavaBroker;
import io.thruster.compat.harness.JavaNamesrv;
import io.thruster.compat.harness.ManagedProcess;
import io.thruster.compat.harness.Parallel;
import io.thruster.compat.harness.Ports;
import io.thruster.compat.harness.Reaper;
import io.thruster.compat.harness.RmqVersion;
import io.thruster.compat.harness.Server;
import io.thruster.compat.harness.ThrusterBroker;
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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The broker's admin request codes that no mqadmin command sends, driven through the stock {@code DefaultMQAdminExt}
 * (and {@code MQClientAPIImpl} / raw {@code invokeSync} where the admin ext has no method) of the 4.9.8 and the
 * 5.3.3 tools: 314 CLONE_GROUP_OFFSET, 303 QUERY_CONSUME_TIME_SPAN, 328 GET_ALL_PRODUCER_INFO, 343 / 345 (5.3.3
 * tools), 308 QUERY_CORRECTION_OFFSET, 223 INVOKE_BROKER_TO_GET_CONSUMER_STATUS, 307 / 309 (running info, consume
 * directly), 18 / 225 / 351 / 352 (config lists and read-backs, 5.3.3 tools), 353 group read-forbidden, 401 / 402
 * message request mode, 43 / 45 (all consumer / delay offsets), 315 VIEW_BROKER_STATS_DATA, 317
 * GET_BROKER_CONSUME_STATS, 208 / 202 consume / topic stats.
 *
 * <p>Per broker version: a Java NameServer + Java broker (checks must hold: proves they assert real behaviour),
 * then {@code thruster standalone} as that version; in each, one {@code apps.AdminApiFlows} driver per client
 * version runs concurrently (own topics and groups). Each (client, flow) is a test. On Thruster, the checks must
 * hold and the FACTs must equal the Java broker's (same version, same client), except the entries of
 * {@link #KNOWN_DIFFERENCES} — a ratchet: a listed entry that now matches fails too.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminApiTest {
    static final List<String> FLOWS = List.of("setup", "producer-info", "consumer-status", "consumer-running-info",
        "consume-directly", "consume-time-span", "consume-stats", "topic-stats", "clone-group-offset",
        "correction-offset", "all-consumer-offset", "topics-by-consumer", "subscription-by-consumer", "config-lists",
        "group-read-forbidden", "message-request-mode", "all-delay-offset", "broker-consume-stats", "broker-stats",
        "create-topic");
    private static final long DRIVER_DEADLINE_S = 100;
    private static final Baselines<Outcome> JAVA = new Baselines<>();

    /**
     * Observations where Thruster differs from the Java broker: key {@code <broker>/<client>/<flow>/<fact>} (a FACT
     * that differs) or {@code <broker>/<client>/<flow>/check: <text>} (a check that fails on Thruster only), value
     * the reason. Must be exactly what the current binary still gets wrong (a matching entry fails the test).
     */
    static final Map<String, String> KNOWN_DIFFERENCES = new TreeMap<>();

    static void known(String key, String reason) {
        KNOWN_DIFFERENCES.put(key, reason);
    }

    static {
        // Each entry is deliberate (308 never deletes offsets; the 4.9.8 flavour serves the 5.x codes a 5.3.3
        // client sends) or follows from one (FINDINGS.md "AdminApiTest"); the failure message of
        // thrusterStandalone prints the entries matching the current binary.
        known("4.9.8/4.9.8/all-consumer-offset/this driver's entries (no retry topics)",
            "follows from correction-offset: the Java broker deleted GA_low's offsets during QUERY_CORRECTION_OFFSET (308) with filterGroups, Thruster kept them");
        known("4.9.8/4.9.8/broker-consume-stats/this driver's groups isOrder:false",
            "GA_low: the Java broker deleted its offsets during QUERY_CORRECTION_OFFSET (308) with filterGroups, Thruster kept them");
        known("4.9.8/4.9.8/correction-offset/GA_low offsets after the filtered query",
            "QUERY_CORRECTION_OFFSET (308) with filterGroups: Java's ConsumerOffsetManager.queryMinOffsetInAllGroup removes the filtered groups' entries (all topics) from the live offset table (iterator.remove on offsetTable.keySet()); Thruster keeps them (deliberate: a query must not lose data)");
        known("4.9.8/4.9.8/message-request-mode/code",
            "Thruster as 4.9.8 serves the 5.x request codes 401 / 402 (SET / GET_ALL_MESSAGE_REQUEST_MODE) a raw request sends here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/4.9.8/message-request-mode/json keys",
            "Thruster as 4.9.8 serves the 5.x request codes 401 / 402 (SET / GET_ALL_MESSAGE_REQUEST_MODE) a raw request sends here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/4.9.8/message-request-mode/mentions GA_pop",
            "Thruster as 4.9.8 serves the 5.x request codes 401 / 402 (SET / GET_ALL_MESSAGE_REQUEST_MODE) a raw request sends here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/4.9.8/message-request-mode/remark",
            "Thruster as 4.9.8 serves the 5.x request codes 401 / 402 (SET / GET_ALL_MESSAGE_REQUEST_MODE) a raw request sends here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/all-consumer-offset/this driver's entries (no retry topics)",
            "follows from correction-offset: the Java broker deleted GA_low's offsets during QUERY_CORRECTION_OFFSET (308) with filterGroups, Thruster kept them");
        known("4.9.8/5.3.3/broker-consume-stats/this driver's groups isOrder:false",
            "GA_low: the Java broker deleted its offsets during QUERY_CORRECTION_OFFSET (308) with filterGroups, Thruster kept them; SL1/SL2/NoSuch (and GA_pop): Thruster as 4.9.8 served 225/352/401, which created them; the 4.9.7 broker answered 3");
        known("4.9.8/5.3.3/broker-consume-stats/this driver's groups isOrder:true",
            "GA_low: the Java broker deleted its offsets during QUERY_CORRECTION_OFFSET (308) with filterGroups, Thruster kept them; SL1/SL2/NoSuch (and GA_pop): Thruster as 4.9.8 served 225/352/401, which created them; the 4.9.7 broker answered 3");
        known("4.9.8/5.3.3/config-lists/create groups",
            "Thruster as 4.9.8 serves the 5.x request codes 18 / 225 / 351 / 352 (config lists, GET_TOPIC_CONFIG, GET_SUBSCRIPTIONGROUP_CONFIG; the 201 read-back is null on Java because 225 failed) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/config-lists/create topics",
            "Thruster as 4.9.8 serves the 5.x request codes 18 / 225 / 351 / 352 (config lists, GET_TOPIC_CONFIG, GET_SUBSCRIPTIONGROUP_CONFIG; the 201 read-back is null on Java because 225 failed) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/config-lists/group SL1 (201)",
            "Thruster as 4.9.8 serves the 5.x request codes 18 / 225 / 351 / 352 (config lists, GET_TOPIC_CONFIG, GET_SUBSCRIPTIONGROUP_CONFIG; the 201 read-back is null on Java because 225 failed) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/config-lists/group SL1 (352)",
            "Thruster as 4.9.8 serves the 5.x request codes 18 / 225 / 351 / 352 (config lists, GET_TOPIC_CONFIG, GET_SUBSCRIPTIONGROUP_CONFIG; the 201 read-back is null on Java because 225 failed) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/config-lists/group SL2 (201)",
            "Thruster as 4.9.8 serves the 5.x request codes 18 / 225 / 351 / 352 (config lists, GET_TOPIC_CONFIG, GET_SUBSCRIPTIONGROUP_CONFIG; the 201 read-back is null on Java because 225 failed) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/config-lists/group SL2 (352)",
            "Thruster as 4.9.8 serves the 5.x request codes 18 / 225 / 351 / 352 (config lists, GET_TOPIC_CONFIG, GET_SUBSCRIPTIONGROUP_CONFIG; the 201 read-back is null on Java because 225 failed) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/config-lists/topic AL1",
            "Thruster as 4.9.8 serves the 5.x request codes 18 / 225 / 351 / 352 (config lists, GET_TOPIC_CONFIG, GET_SUBSCRIPTIONGROUP_CONFIG; the 201 read-back is null on Java because 225 failed) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/config-lists/topic AL2",
            "Thruster as 4.9.8 serves the 5.x request codes 18 / 225 / 351 / 352 (config lists, GET_TOPIC_CONFIG, GET_SUBSCRIPTIONGROUP_CONFIG; the 201 read-back is null on Java because 225 failed) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/config-lists/unknown group (352)",
            "Thruster as 4.9.8 serves the 5.x request codes 18 / 225 / 351 / 352 (config lists, GET_TOPIC_CONFIG, GET_SUBSCRIPTIONGROUP_CONFIG; the 201 read-back is null on Java because 225 failed) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/config-lists/unknown topic",
            "Thruster as 4.9.8 serves the 5.x request codes 18 / 225 / 351 / 352 (config lists, GET_TOPIC_CONFIG, GET_SUBSCRIPTIONGROUP_CONFIG; the 201 read-back is null on Java because 225 failed) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/consume-stats/examineConsumeStats",
            "Thruster as 4.9.8 serves the 5.x request code 351 (GET_TOPIC_CONFIG: the 5.3.3 examineConsumeStats reads the topic config first) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/consume-stats/offsets (broker/consumer)",
            "Thruster as 4.9.8 serves the 5.x request code 351 (GET_TOPIC_CONFIG: the 5.3.3 examineConsumeStats reads the topic config first) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/consume-stats/topics (no retry topic)",
            "Thruster as 4.9.8 serves the 5.x request code 351 (GET_TOPIC_CONFIG: the 5.3.3 examineConsumeStats reads the topic config first) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/consume-stats/totalDiff",
            "Thruster as 4.9.8 serves the 5.x request code 351 (GET_TOPIC_CONFIG: the 5.3.3 examineConsumeStats reads the topic config first) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/consume-stats/unknown group",
            "Thruster as 4.9.8 serves the 5.x request code 351 (GET_TOPIC_CONFIG: the 5.3.3 examineConsumeStats reads the topic config first) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/consume-stats/with topic",
            "Thruster as 4.9.8 serves the 5.x request code 351 (GET_TOPIC_CONFIG: the 5.3.3 examineConsumeStats reads the topic config first) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/correction-offset/GA_low offsets after the filtered query",
            "QUERY_CORRECTION_OFFSET (308) with filterGroups: Java's ConsumerOffsetManager.queryMinOffsetInAllGroup removes the filtered groups' entries (all topics) from the live offset table (iterator.remove on offsetTable.keySet()); Thruster keeps them (deliberate: a query must not lose data)");
        known("4.9.8/5.3.3/group-read-forbidden/step 0 readable:null",
            "Thruster as 4.9.8 serves the 5.x request code 353 (UPDATE_AND_GET_GROUP_FORBIDDEN) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/group-read-forbidden/step 1 readable:false",
            "Thruster as 4.9.8 serves the 5.x request code 353 (UPDATE_AND_GET_GROUP_FORBIDDEN) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/group-read-forbidden/step 2 readable:null",
            "Thruster as 4.9.8 serves the 5.x request code 353 (UPDATE_AND_GET_GROUP_FORBIDDEN) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/group-read-forbidden/step 3 readable:true",
            "Thruster as 4.9.8 serves the 5.x request code 353 (UPDATE_AND_GET_GROUP_FORBIDDEN) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/group-read-forbidden/step 4 readable:null",
            "Thruster as 4.9.8 serves the 5.x request code 353 (UPDATE_AND_GET_GROUP_FORBIDDEN) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/message-request-mode/code",
            "Thruster as 4.9.8 serves the 5.x request codes 401 / 402 (SET / GET_ALL_MESSAGE_REQUEST_MODE) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3); and 401 then refuses the unknown group with 26 where a 5.3.3 broker creates it");
        known("4.9.8/5.3.3/message-request-mode/entries of AA",
            "Thruster as 4.9.8 serves the 5.x request codes 401 / 402 (SET / GET_ALL_MESSAGE_REQUEST_MODE) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3); and 401 then refuses the unknown group with 26 where a 5.3.3 broker creates it");
        known("4.9.8/5.3.3/message-request-mode/json keys",
            "Thruster as 4.9.8 serves the 5.x request codes 401 / 402 (SET / GET_ALL_MESSAGE_REQUEST_MODE) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3); and 401 then refuses the unknown group with 26 where a 5.3.3 broker creates it");
        known("4.9.8/5.3.3/message-request-mode/remark",
            "Thruster as 4.9.8 serves the 5.x request codes 401 / 402 (SET / GET_ALL_MESSAGE_REQUEST_MODE) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3); and 401 then refuses the unknown group with 26 where a 5.3.3 broker creates it");
        known("4.9.8/5.3.3/message-request-mode/set POP for GA_pop",
            "Thruster as 4.9.8 serves the 5.x request codes 401 / 402 (SET / GET_ALL_MESSAGE_REQUEST_MODE) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3); and 401 then refuses the unknown group with 26 where a 5.3.3 broker creates it");
        known("4.9.8/5.3.3/subscription-by-consumer/GA/AA",
            "Thruster as 4.9.8 serves the 5.x request code 345 (QUERY_SUBSCRIPTION_BY_CONSUMER) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/subscription-by-consumer/GA/AD (not subscribed)",
            "Thruster as 4.9.8 serves the 5.x request code 345 (QUERY_SUBSCRIPTION_BY_CONSUMER) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/subscription-by-consumer/unknown group",
            "Thruster as 4.9.8 serves the 5.x request code 345 (QUERY_SUBSCRIPTION_BY_CONSUMER) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/topic-stats/AA min-max",
            "Thruster as 4.9.8 serves the 5.x request code 351 (GET_TOPIC_CONFIG: the 5.3.3 examineTopicStats reads the topic config first) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/topic-stats/AD min-max",
            "Thruster as 4.9.8 serves the 5.x request code 351 (GET_TOPIC_CONFIG: the 5.3.3 examineTopicStats reads the topic config first) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/topic-stats/examineTopicStats AA",
            "Thruster as 4.9.8 serves the 5.x request code 351 (GET_TOPIC_CONFIG: the 5.3.3 examineTopicStats reads the topic config first) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/topic-stats/examineTopicStats AD",
            "Thruster as 4.9.8 serves the 5.x request code 351 (GET_TOPIC_CONFIG: the 5.3.3 examineTopicStats reads the topic config first) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("4.9.8/5.3.3/topics-by-consumer/GA",
            "Thruster as 4.9.8 serves the 5.x request code 343 (QUERY_TOPICS_BY_CONSUMER) the 5.3.3 tools send here, which the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED (3)");
        known("5.3.3/4.9.8/all-consumer-offset/this driver's entries (no retry topics)",
            "follows from correction-offset: the Java broker deleted GA_low's offsets during QUERY_CORRECTION_OFFSET (308) with filterGroups, Thruster kept them");
        known("5.3.3/4.9.8/broker-consume-stats/this driver's groups isOrder:false",
            "GA_low: the Java broker deleted its offsets during QUERY_CORRECTION_OFFSET (308) with filterGroups, Thruster kept them");
        known("5.3.3/4.9.8/correction-offset/GA_low offsets after the filtered query",
            "QUERY_CORRECTION_OFFSET (308) with filterGroups: Java's ConsumerOffsetManager.queryMinOffsetInAllGroup removes the filtered groups' entries (all topics) from the live offset table (iterator.remove on offsetTable.keySet()); Thruster keeps them (deliberate: a query must not lose data)");
        known("5.3.3/5.3.3/all-consumer-offset/this driver's entries (no retry topics)",
            "follows from correction-offset: the Java broker deleted GA_low's offsets during QUERY_CORRECTION_OFFSET (308) with filterGroups, Thruster kept them");
        known("5.3.3/5.3.3/broker-consume-stats/this driver's groups isOrder:false",
            "GA_low: the Java broker deleted its offsets during QUERY_CORRECTION_OFFSET (308) with filterGroups, Thruster kept them");
        known("5.3.3/5.3.3/correction-offset/GA_low offsets after the filtered query",
            "QUERY_CORRECTION_OFFSET (308) with filterGroups: Java's ConsumerOffsetManager.queryMinOffsetInAllGroup removes the filtered groups' entries (all topics) from the live offset table (iterator.remove on offsetTable.keySet()); Thruster keeps them (deliberate: a query must not lose data)");
    }

    record Outcome(String label, RmqVersion version, Path dir, Map<RmqVersion, FlowReport> reports,
        Map<RmqVersion, String> drivers, long millis) {
    }

    @AfterAll
    static void stopLeftovers() {
        Reaper.drain();
    }

    static List<RmqVersion> versions() {
        return BrokerFlowsTest.versions();
    }

    static Outcome run(RmqVersion v, boolean thruster) {
        String label = thruster ? "thruster-standalone-" + v : "java-" + v;
        Path dir = io.thruster.compat.harness.Env.newRunDir("admin-api-" + label);
        long t0 = System.nanoTime();
        List<Server> servers = new ArrayList<>();
        try {
            String namesrv;
            int port = Ports.broker();
            if (thruster) {
                ThrusterBroker b = ThrusterBroker.standalone(dir.resolve("thruster"), "broker-a", port, v, BrokerConf.flows());
                servers.add(b);
                namesrv = b.namesrvAddr();
            } else {
                JavaNamesrv ns = JavaNamesrv.start(v, dir.resolve("namesrv"));
                servers.add(ns);
                namesrv = ns.addr();
                servers.add(0, JavaBroker.start(v, dir.resolve("broker-a"), "broker-a", namesrv, BrokerConf.flows()));
                port = servers.get(0).port();
            }
            String brokerAddr = "127.0.0.1:" + port;
            Map<RmqVersion, FlowReport> reports = new LinkedHashMap<>();
            Map<RmqVersion, String> drivers = new LinkedHashMap<>();
            List<Callable<Object>> tasks = new ArrayList<>();
            for (RmqVersion c : versions()) {
                tasks.add(() -> {
                    try (ManagedProcess p = ClientApp.start(c, dir.resolve("admin-api-client-" + c), Map.of(), "-Xmx256m",
                        "AdminApiFlows", namesrv, BrokerFlowsTest.clientTag(c), "broker-a", brokerAddr,
                        Long.toString(DRIVER_DEADLINE_S))) {
                        Integer code = p.waitFor(Duration.ofSeconds(DRIVER_DEADLINE_S + 30));
                        synchronized (reports) {
                            reports.put(c, FlowReport.parse(p.stdoutText()));
                            drivers.put(c, "driver exit " + code + "\n" + p.describe());
                        }
                    }
                    return null;
                });
            }
            Parallel.all(tasks);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            StringBuilder sum = new StringBuilder("[compat] admin-api " + label + ": " + ms + " ms;");
            reports.forEach((c, r) -> sum.append(" client ").append(c).append(" ")
                .append(r.flows().values().stream().filter(FlowReport.Flow::ok).count()).append("/")
                .append(FLOWS.size()).append(" flows ok;"));
            System.out.println(sum);
            writeTranscript(dir, reports);
            return new Outcome(label, v, dir, reports, drivers, ms);
        } finally {
            Reaper.submit(label, () -> servers.forEach(Server::close));
        }
    }

    /** Every check and FACT of the run, per client and flow, for reading without re-running. */
    static void writeTranscript(Path dir, Map<RmqVersion, FlowReport> reports) {
        StringBuilder b = new StringBuilder();
        reports.forEach((c, r) -> FLOWS.forEach(f -> {
            b.append("== client ").append(c).append(": ").append(f).append('\n').append(r.flow(f).describe());
        }));
        try {
            Files.writeString(dir.resolve("observations.txt"), b.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Outcome java(RmqVersion v) {
        return JAVA.get(v.label(), () -> run(v, false));
    }

    @Order(1)
    @TestFactory
    Stream<DynamicNode> javaBroker() {
        return versions().stream().map(v -> dynamicContainer("Java NameServer + Java broker " + v,
            Stream.of(v).flatMap(x -> javaTests(java(x)))));
    }

    static Stream<DynamicNode> javaTests(Outcome o) {
        List<DynamicNode> tests = new ArrayList<>();
        for (RmqVersion c : o.reports().keySet()) {
            for (String f : FLOWS) {
                tests.add(dynamicTest("client " + c + ": " + f, () -> {
                    FlowReport.Flow fl = o.reports().get(c).flow(f);
                    if (!fl.ok()) {
                        fail("flow " + f + ", client " + c + ", " + o.label() + ":\n  " + String.join("\n  ", fl.problems())
                            + "\n  observations:\n" + fl.describe() + "  run dir: " + o.dir() + "\n"
                            + ManagedProcess.tail(o.drivers().get(c), 30));
                    }
                }));
            }
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
            for (String f : FLOWS) {
                tests.add(dynamicTest("client " + c + ": " + f, () -> compare(t, c, f)));
            }
        }
        return tests.stream();
    }

    static void compare(Outcome t, RmqVersion c, String f) {
        Outcome j = java(t.version());
        FlowReport.Flow tf = t.reports().get(c).flow(f);
        FlowReport.Flow jf = j.reports().get(c).flow(f);
        String prefix = t.version() + "/" + c + "/" + f + "/";
        List<String> unexpected = new ArrayList<>();
        List<String> nowEqual = new ArrayList<>();
        StringBuilder suggested = new StringBuilder();
        TreeSet<String> keys = new TreeSet<>(jf.facts.keySet());
        keys.addAll(tf.facts.keySet());
        for (String k : keys) {
            String jv = jf.facts.getOrDefault(k, "<none>");
            String tv = tf.facts.getOrDefault(k, "<none>");
            String reason = KNOWN_DIFFERENCES.get(prefix + k);
            if (!jv.equals(tv)) {
                suggest(suggested, prefix + k, "Java: " + jv + " | Thruster: " + tv);
                if (reason == null) {
                    unexpected.add(String.format("    %s%n      Java:     %s%n      Thruster: %s", k, jv, tv));
                }
            } else if (reason != null) {
                nowEqual.add(prefix + k + "   (was: " + reason + ")");
            }
        }
        List<String> problems = new ArrayList<>();
        if (!tf.started || tf.endedMillis == null) {
            problems.addAll(tf.problems());
        }
        tf.errors.forEach(e -> problems.add("error: " + e));
        for (String failed : tf.failed) {
            String key = prefix + "check: " + failed;
            suggest(suggested, key, "check fails on Thruster");
            if (!KNOWN_DIFFERENCES.containsKey(key)) {
                problems.add("check failed: " + failed);
            }
        }
        KNOWN_DIFFERENCES.keySet().stream().filter(k -> k.startsWith(prefix + "check: "))
            .filter(k -> !tf.failed.contains(k.substring((prefix + "check: ").length())))
            .forEach(k -> nowEqual.add(k + "   (was: " + KNOWN_DIFFERENCES.get(k) + ")"));
        if (!unexpected.isEmpty() || !nowEqual.isEmpty() || !problems.isEmpty()) {
            fail("flow " + f + ", client " + c + ": " + t.label() + " vs Java NameServer + broker " + t.version() + "\n"
                + (problems.isEmpty() ? "" : "  on Thruster:\n    " + String.join("\n    ", problems) + "\n")
                + (unexpected.isEmpty() ? "" : "  FACTs that differ (not in KNOWN_DIFFERENCES):\n"
                    + String.join("\n", unexpected) + "\n")
                + (nowEqual.isEmpty() ? "" : "  listed in KNOWN_DIFFERENCES but now equal (remove them):\n    "
                    + String.join("\n    ", nowEqual) + "\n")
                + "  KNOWN_DIFFERENCES matching this run:\n" + suggested
                + "  Thruster's observations:\n" + tf.describe() + "  Java's observations:\n" + jf.describe()
                + "  run dirs: " + t.dir() + " / " + j.dir() + "\n"
                + (tf.endedMillis == null ? ManagedProcess.tail(t.drivers().get(c), 30) : ""));
        }
    }

    private static void suggest(StringBuilder b, String key, String why) {
        String w = why.length() > 300 ? why.substring(0, 300) + "…" : why;
        b.append("        known(\"").append(key.replace("\\", "\\\\").replace("\"", "\\\"")).append("\",\n            \"")
            .append(w.replace("\\", "\\\\").replace("\"", "\\\"")).append("\");\n");
    }
}
