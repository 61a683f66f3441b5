package io.thruster.compat.tests;

import static org.junit.jupiter.api.Assertions.fail;

import io.thruster.compat.harness.ClientApp;
import io.thruster.compat.harness.Diff;
import io.thruster.compat.harness.Env;
import io.thruster.compat.harness.JavaBroker;
import io.thruster.compat.harness.JavaNamesrv;
import io.thruster.compat.harness.ManagedProcess;
import io.thruster.compat.harness.Masker;
import io.thruster.compat.harness.MqAdmin;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broker-side mqadmin parity. Scenario per broker version: a NameServer + broker {@code broker-a} (Java: the stock
 * NameServer and broker of that version; Thruster: {@code thruster standalone} with {@code thrusterStoreCompat}),
 * topic TopicTest with 8 queues, 17 messages sent to fixed queues by a live producer (PG_ADMIN) and consumed by a
 * live push consumer (GID_ADMIN, {@code TagA || TagB}) of the broker's client version ({@code apps.AdminClients}),
 * a second group GID_OTHER made by updateSubGroup only. Then every broker-side mqadmin command, each with the
 * stock 4.9.8 and 5.3.3 tools (a command only one tool has runs with that tool only).
 *
 * <p>The Java transcript must meet each step's expectations (written against the real Java brokers); the Thruster
 * transcript, masked, must equal the Java one of the same version, except for the steps listed in
 * {@link #KNOWN_DIFFERENCES} — which must differ (a ratchet: a listed step that now matches fails the test too, so
 * the list is always exactly what Thruster still lacks).
 *
 * <p>Not run: {@code startMonitoring} (loops forever: a push consumer plus a 60 s task, prints nothing) and
 * {@code clusterRT} ({@code while (true)} with {@code sleep(interval)}: no option ends it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerAdminParityTest {
    static final List<RmqVersion> TOOLS = List.of(RmqVersion.V4_9_8, RmqVersion.V5_3_3);
    static final String TOPIC = "TopicTest";
    static final int QUEUES = 8;
    static final int COUNT = 16;

    /** How a step's masked output is further reduced before comparing. */
    enum Norm {
        /** as masked */
        NONE,
        /** {@code key = value}, {@code key: value}, {@code "key":value} lines keep the key only (per-process values) */
        KEYS,
        /** as KEYS, but the values of {@link #STABLE_CONFIG_KEYS} are kept */
        CONFIG
    }

    /** Broker config keys whose value is the same for two runs of the same broker (set by the scenario). */
    static final List<String> STABLE_CONFIG_KEYS = List.of("brokerClusterName", "brokerName", "brokerId", "brokerRole",
        "flushDiskType", "autoCreateTopicEnable", "autoCreateSubscriptionGroup", "mappedFileSizeCommitLog",
        "mappedFileSizeConsumeQueue", "maxHashSlotNum", "maxIndexNum", "transactionCheckInterval", "maxMessageSize",
        "fileReservedTime", "brokerPermission", "defaultTopicQueueNums", "listenPort", "brokerIP1", "namesrvAddr");

    /**
     * One mqadmin command. {@code template}: arguments without -n; placeholders {BROKER} (broker address), {T}
     * (tool tag 498 / 533), {RUN} (run dir), {OFFSET_ID:i} / {UNIQ_ID:i} (ids of the scenario's message i),
     * {CLIENT_ID} (the clients' id). {@code only}: the tool version that has this command (null = both).
     */
    static final String SCOPE_SEP = "\u0000";

    record Step(List<String> template, RmqVersion only, List<String> mustContain, List<String> mustNotContain,
        Norm norm, String dumpDir, List<String[]> masks) {
        static Step of(String... args) {
            return new Step(List.of(args), null, List.of(), List.of(), Norm.NONE, null, List.of());
        }

        Step only(RmqVersion v) {
            return new Step(template, v, mustContain, mustNotContain, norm, dumpDir, masks);
        }

        Step contains(String... s) {
            List<String> l = new ArrayList<>(mustContain);
            l.addAll(List.of(s));
            return new Step(template, only, l, mustNotContain, norm, dumpDir, masks);
        }

        /** Must contain, for the scopes in {@code scope} ("b5.3.3", "t4.9.8", "b4.9.8/t5.3.3", "a|b": any of). */
        Step containsIf(String scope, String... s) {
            List<String> l = new ArrayList<>(mustContain);
            for (String x : s) {
                l.add(scope + SCOPE_SEP + x);
            }
            return new Step(template, only, l, mustNotContain, norm, dumpDir, masks);
        }

        Step lacksIf(String scope, String... s) {
            List<String> l = new ArrayList<>(mustNotContain);
            for (String x : s) {
                l.add(scope + SCOPE_SEP + x);
            }
            return new Step(template, only, mustContain, l, norm, dumpDir, masks);
        }

        Step lacks(String... s) {
            List<String> l = new ArrayList<>(mustNotContain);
            l.addAll(List.of(s));
            return new Step(template, only, mustContain, l, norm, dumpDir, masks);
        }

        Step norm(Norm n) {
            return new Step(template, only, mustContain, mustNotContain, n, dumpDir, masks);
        }

        /** After the command, append every file under this (template) directory to the output. */
        Step dump(String dir) {
            return new Step(template, only, mustContain, mustNotContain, norm, dir, masks);
        }

        /** Replace {@code regex} by {@code replacement} in this step's masked output (per-run values). */
        Step mask(String regex, String replacement) {
            List<String[]> l = new ArrayList<>(masks);
            l.add(new String[] {regex, replacement});
            return new Step(template, only, mustContain, mustNotContain, norm, dumpDir, l);
        }

        String text() {
            return String.join(" ", template);
        }
    }

    /** One (step, tool) output. key = "tool/step text[#n]", unique in the scenario. */
    record Entry(int step, RmqVersion tool, String key, String label, String masked, MqAdmin.Result raw) {
    }

    record Transcript(String label, RmqVersion version, List<Entry> entries, Path dir, List<String> notes,
        long millis) {
    }

    // ---------------------------------------------------------------------------------------------------------
    // The scenario

    /** Before the clients start. */
    static List<Step> setupSteps() {
        return List.of(
            Step.of("updateTopic", "-c", "DefaultCluster", "-t", TOPIC, "-r", "8", "-w", "8")
                .contains("create topic to <BROKER:broker-a> success.", "readQueueNums=8", "writeQueueNums=8"),
            // the route must show the 8 queues at once (the broker re-registers on updateTopic)
            Step.of("topicRoute", "-t", TOPIC)
                .contains("\"readQueueNums\":8", "\"writeQueueNums\":8", "\"perm\":6", "<BROKER:broker-a>"),
            Step.of("updateTopic", "-b", "{BROKER}", "-t", "AdminSend", "-r", "4", "-w", "4")
                .contains("create topic to <BROKER:broker-a> success.", "topicName=AdminSend"),
            // the consumer's retry topic up front (as an operator may do; otherwise the broker creates it at the
            // group's first heartbeat and the client only pulls it after its periodic rebalance, ~20 s later)
            Step.of("updateTopic", "-c", "DefaultCluster", "-t", "%RETRY%GID_ADMIN", "-r", "1", "-w", "1")
                .contains("create topic to <BROKER:broker-a> success.", "topicName=%RETRY%GID_ADMIN"),
            Step.of("updateSubGroup", "-c", "DefaultCluster", "-g", "GID_OTHER")
                .contains("create subscription group to <BROKER:broker-a> success.", "groupName=GID_OTHER"));
    }

    /** With the clients running and GID_ADMIN caught up. Scopes: b = broker version, t = tool version. */
    static List<Step> steps() {
        final String b4 = "b4.9.8";
        final String b5 = "b5.3.3";
        final String t4 = "t4.9.8";
        final String t5 = "t5.3.3";
        final String notSupported351 = "CODE: 3 DESC: request type 351 not supported";
        List<Step> s = new ArrayList<>();
        // ---- topics
        s.add(Step.of("topicRoute", "-t", TOPIC, "-l").contains("DefaultCluster broker-a {0=<BROKER:broker-a>} 8 8 6",
            "Total: 1 8 8"));
        // the 5.3.3 tool also asks GET_TOPIC_CONFIG (351), which the 4.9.7 broker does not know
        s.add(Step.of("topicStatus", "-t", TOPIC)
            .containsIf(b5 + "|" + t4, "#Broker Name #QID #Min Offset #Max Offset #Last Updated", "broker-a 0 0 3 <TIME>",
                "broker-a 7 0 2 <TIME>")
            .containsIf(b5 + "/" + t5, "Topic Put TPS: 0.0")
            .containsIf(b4 + "/" + t5, notSupported351));
        s.add(Step.of("topicStatus", "-t", "NoSuchTopic").contains("CODE: 17 DESC: No topic route info in name server"));
        s.add(Step.of("topicClusterList", "-t", TOPIC).contains("DefaultCluster").lacks("Exception"));
        s.add(Step.of("topicList").contains(TOPIC, "AdminSend", "%RETRY%GID_ADMIN", "broker-a", "TBW102"));
        // the 5.3.3 broker names the topic itself as a consumer group of it (see FINDINGS.md)
        s.add(Step.of("topicList", "-c").contains("DefaultCluster TopicTest GID_ADMIN", "DefaultCluster AdminSend")
            .containsIf(b5, "DefaultCluster TopicTest TopicTest").lacksIf(b4, "DefaultCluster TopicTest TopicTest"));
        s.add(Step.of("updateTopic", "-b", "{BROKER}", "-t", "bad~topic")
            .containsIf(b4, "CODE: 1 DESC: The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$")
            .containsIf(b5, "CODE: 29 DESC: The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"));
        // perm out of range: both brokers take 9 (--X) and 8 (---); only the 5.3.3 tool refuses, client-side
        // (client Validators.checkTopicConfig: MQClientException 16)
        s.add(Step.of("updateTopic", "-b", "{BROKER}", "-t", "PermTopic", "-p", "9")
            .containsIf(t4, "create topic to <BROKER:broker-a> success.", "perm=--X")
            .containsIf(t5, "CODE: 16 DESC: topicPermission value: 9 is invalid."));
        s.add(Step.of("updateTopic", "-b", "{BROKER}", "-t", "PermTopic{T}", "-r", "2", "-w", "2")
            .contains("create topic to <BROKER:broker-a> success.", "readQueueNums=2, writeQueueNums=2, perm=RW-"));
        s.add(Step.of("updateTopicPerm", "-b", "{BROKER}", "-t", "PermTopic{T}", "-p", "4")
            .contains("update topic perm from 6 to 4 in <BROKER:broker-a> success.", "perm=R--"));
        s.add(Step.of("updateTopicPerm", "-c", "DefaultCluster", "-t", "PermTopic{T}", "-p", "6")
            .contains("update topic perm from 4 to 6 in <BROKER:broker-a> success."));
        s.add(Step.of("updateTopicPerm", "-b", "{BROKER}", "-t", "PermTopic{T}", "-p", "6")
            .contains("new perm equals to the old one!"));
        s.add(Step.of("updateTopicPerm", "-b", "{BROKER}", "-t", "PermTopic{T}", "-p", "8")
            .containsIf(t4, "update topic perm from 6 to 8 in <BROKER:broker-a> success.", "perm=---")
            .containsIf(t5, "CODE: 16 DESC: topicPermission value: 8 is invalid."));
        s.add(Step.of("updateTopicPerm", "-b", "{BROKER}", "-t", "NoSuchTopic", "-p", "6").contains("CODE: 17"));
        s.add(Step.of("topicRoute", "-t", "PermTopic{T}").contains("\"readQueueNums\":2")
            .containsIf(t4, "\"perm\":8").containsIf(t5, "\"perm\":6"));
        s.add(Step.of("allocateMQ", "-t", TOPIC, "-i", "ip1,ip2").contains("\"ip1\":[", "\"queueId\":7"));
        // ---- broker status and config (per-process values: keys only)
        s.add(Step.of("brokerStatus", "-b", "{BROKER}").norm(Norm.KEYS)
            .contains("brokerVersionDesc : <V>", "putTps : <V>", "msgPutTotalTodayNow : <V>", "bootTimestamp : <V>")
            .containsIf(b5, "getTransferredTps : <V>").containsIf(b4, "getTransferedTps : <V>"));
        s.add(Step.of("brokerStatus", "-c", "DefaultCluster").norm(Norm.KEYS)
            .contains("<BROKER:broker-a> brokerVersionDesc : <V>"));
        // the 4.9.8 tool prints an NPE for a 5.3.3 broker: it lacks the misspelt getTransferedTps key
        s.add(Step.of("clusterList").contains("DefaultCluster broker-a 0 <BROKER:broker-a>")
            .containsIf(b4, "V4_9_<7|8>").containsIf(b5, "V5_3_3")
            .containsIf(b5 + "/" + t4, "because \"getTransferedTps\" is null"));
        s.add(Step.of("clusterList", "-m").mask("(?m)^(?!#)(\\S+ \\S+)( \\S+)+$", "$1 <FIGURES>")
            .contains("DefaultCluster broker-a <FIGURES>"));
        s.add(Step.of("getBrokerConfig", "-b", "{BROKER}").norm(Norm.CONFIG)
            .contains("============<BROKER:broker-a>============", "brokerName = broker-a", "storePathRootDir = <V>"));
        s.add(Step.of("getBrokerConfig", "-c", "DefaultCluster").norm(Norm.CONFIG)
            .contains("============Master: <BROKER:broker-a>============", "brokerName = broker-a"));
        s.add(Step.of("updateBrokerConfig", "-b", "{BROKER}", "-k", "maxMessageSize", "-v", "4194305")
            .contains("update broker config success, <BROKER:broker-a>"));
        s.add(Step.of("updateBrokerConfig", "-c", "DefaultCluster", "-k", "fileReservedTime", "-v", "71")
            .contains("update broker config success, <BROKER:broker-a>"));
        // a black-listed key: 5.3.3 refuses configBlackList (and brokerConfigPath); the 4.9.7 broker has no list
        s.add(Step.of("updateBrokerConfig", "-b", "{BROKER}", "-k", "configBlackList", "-v", "x")
            .containsIf(b4, "update broker config success, <BROKER:broker-a>")
            .containsIf(b5, "CODE: 16 DESC: Can not update config in black list. BROKER: <BROKER:broker-a>"));
        s.add(Step.of("getBrokerConfig", "-b", "{BROKER}").norm(Norm.CONFIG)
            .contains("maxMessageSize = 4194305", "fileReservedTime = 71"));
        // ---- messages
        s.add(Step.of("queryMsgById", "-i", "{OFFSET_ID:3}").only(RmqVersion.V4_9_8)
            .contains("OffsetID: <OFFSET_ID:3>", "Keys: [KEY-3 ADMIN]", "Queue ID: 3", "UNIQ_KEY=<UNIQ_ID:3>",
                "MessageTrack [consumerGroup=GID_ADMIN, trackType=CONSUMED, exceptionDesc=null]"));
        s.add(Step.of("queryMsgById", "-t", TOPIC, "-i", "{OFFSET_ID:3}").only(RmqVersion.V5_3_3)
            .contains("OffsetID: <OFFSET_ID:3>", "Keys: [KEY-3 ADMIN]", "UNIQ_KEY=<UNIQ_ID:3>")
            // (the 5.3.3 tool's track needs GET_TOPIC_CONFIG: UNKNOWN on the 4.9.7 broker)
            .containsIf(b5, "MessageTrack [consumerGroup=GID_ADMIN, trackType=CONSUMED, exceptionDesc=null]")
            .containsIf(b4, "MessageTrack [consumerGroup=GID_ADMIN, trackType=UNKNOWN, exceptionDesc=null]"));
        s.add(Step.of("queryMsgById", "-t", TOPIC, "-i", "{OFFSET_ID:16}").only(RmqVersion.V5_3_3)
            .contains("Tags: [TagC]").containsIf(b5, "trackType=CONSUMED_BUT_FILTERED"));
        s.add(Step.of("queryMsgById", "-t", TOPIC, "-i", "{UNIQ_ID:5}").only(RmqVersion.V5_3_3)
            .contains("OffsetID: <OFFSET_ID:5>", "Keys: [KEY-5 ADMIN]"));
        s.add(Step.of("queryMsgByKey", "-t", TOPIC, "-k", "KEY-3").contains("#Message ID #QID #Offset", "<UNIQ_ID:3> 3 0"));
        s.add(Step.of("queryMsgByKey", "-t", TOPIC, "-k", "ADMIN").contains("<UNIQ_ID:16> 0 0", "<UNIQ_ID:0> 0 1", "<UNIQ_ID:15> 7 1"));
        s.add(Step.of("queryMsgByKey", "-t", TOPIC, "-k", "NO_SUCH_KEY")
            .contains("CODE: 208 DESC: query message by key finished, but no message."));
        s.add(Step.of("queryMsgByUniqueKey", "-t", TOPIC, "-i", "{UNIQ_ID:4}")
            .contains("Keys: [KEY-4 ADMIN]", "Queue ID: 4").containsIf(b5 + "|" + t4, "trackType=CONSUMED"));
        s.add(Step.of("queryMsgByUniqueKey", "-t", TOPIC, "-i", "0A0A0A0A000000000000000000000000")
            .contains("CODE: 208 DESC: query message by key finished, but no message."));
        s.add(Step.of("queryMsgByOffset", "-t", TOPIC, "-b", "broker-a", "-i", "3", "-o", "1")
            .contains("OffsetID: <OFFSET_ID:11>", "Keys: [KEY-11 ADMIN]", "MIN_OFFSET=0", "MAX_OFFSET=2"));
        s.add(Step.of("printMsg", "-t", TOPIC)
            .contains("minOffset=0, maxOffset=3, MessageQueue [topic=TopicTest, brokerName=broker-a, queueId=0]",
                "MSGID: <UNIQ_ID:15> MessageExt [brokerName=broker-a, queueId=7", "BODY: admin-body-15"));
        s.add(Step.of("printMsg", "-t", TOPIC, "-s", "TagC", "-d", "false")
            .contains("no matched msg. status=NO_MATCHED_MSG, offset=2", "NOT PRINT BODY"));
        s.add(Step.of("printMsgByQueue", "-t", TOPIC, "-a", "broker-a", "-i", "0", "-p", "true", "-d", "true",
            "-f", "true").contains("BODY: admin-body-8", "Tag: TagA Count: 2", "Tag: TagC Count: 1"));
        s.add(Step.of("queryCq", "-t", TOPIC, "-q", "0", "-i", "0", "-c", "3", "-b", "{BROKER}")
            .contains("max: 3, min: 0", "ConsumeQueueData{physicOffset=0,"));
        // (sendMessage and consumeMessage keep their client in a field: the stock tool can run each only once per
        // JVM, so the batch driver runs them once per tool)
        s.add(Step.of("sendMessage", "-t", "AdminSend", "-p", "hello-{T}", "-k", "SK{T}", "-c", "TagS", "-b", "broker-a",
            "-i", "1").contains("#Broker Name #QID #Send Result #MsgId", "broker-a 1 SEND_OK <MSGID>"));
        s.add(Step.of("checkMsgSendRT", "-t", "AdminSend", "-a", "3", "-s", "64")
            .mask("(?m)^(broker-a \\d+ \\w+) \\d+$", "$1 <RT>").mask("Avg RT: [\\d.]+", "Avg RT: <RT>")
            .contains("broker-a 2 true <RT>", "Avg RT: <RT>"));
        s.add(Step.of("sendMsgStatus", "-b", "broker-a", "-s", "64", "-c", "2")
            .mask("rt=\\d+ms", "rt=<RT>ms")
            .contains("sendStatus=SEND_OK", "messageQueue=MessageQueue [topic=broker-a, brokerName=broker-a, queueId=0]"));
        s.add(Step.of("consumeMessage", "-t", TOPIC, "-b", "broker-a", "-i", "1", "-o", "0", "-c", "2")
            .contains("Consume ok", "MSGID: <UNIQ_ID:9>", "print msg finished. status=NO_NEW_MSG, offset=2"));
        // ---- producers and consumers
        s.add(Step.of("producerConnection", "-g", "PG_ADMIN", "-t", TOPIC)
            .containsIf(b4, "0001 <CLIENT_IP>@admin-clients <ADDR> JAVA V4_9_8")
            .containsIf(b5, "0001 <CLIENT_IP>@admin-clients <ADDR> JAVA V5_3_3"));
        s.add(Step.of("producerConnection", "-g", "NO_SUCH_GROUP", "-t", TOPIC)
            .contains("CODE: 1 DESC: the producer group[NO_SUCH_GROUP] not exist BROKER: <BROKER:broker-a>"));
        s.add(Step.of("consumerConnection", "-g", "GID_ADMIN")
            .contains("<CLIENT_IP>@admin-clients <ADDR> JAVA", "%RETRY%GID_ADMIN *", "TopicTest TagA || TagB",
                "ConsumeType: CONSUME_PASSIVELY", "MessageModel: CLUSTERING", "ConsumeFromWhere: CONSUME_FROM_FIRST_OFFSET"));
        s.add(Step.of("consumerConnection", "-g", "GID_ADMIN", "-b", "{BROKER}").contains("TopicTest TagA || TagB"));
        s.add(Step.of("consumerConnection", "-g", "NO_SUCH_GROUP")
            .contains("CODE: 17 DESC: No topic route info in name server for the topic: %RETRY%NO_SUCH_GROUP"));
        s.add(Step.of("consumerProgress", "-g", "GID_ADMIN")
            .containsIf(b5 + "|" + t4, "TopicTest broker-a 0 3 3 0", "Diff Total: 0")
            .containsIf(b5 + "|" + t4, "%RETRY%GID_ADMIN broker-a 0 0 0 0")
            .containsIf(b4 + "/" + t5, notSupported351));
        s.add(Step.of("consumerProgress", "-g", "GID_ADMIN", "-s", "true")
            .containsIf(b5 + "|" + t4, "TopicTest broker-a 0 3 3 <CLIENT_IP> 0")
            .containsIf(b4 + "/" + t5, notSupported351));
        s.add(Step.of("consumerProgress").contains("#Group #Count #Version #Type #Model #TPS #Diff Total",
            "TOOLS_CONSUMER 0 OFFLINE 0 0").containsIf(b4, "GID_ADMIN 1 V4_9_8 PUSH CLUSTERING <TPS> 0")
            .containsIf(b5, "GID_ADMIN 1 V5_3_3 PUSH CLUSTERING <TPS> 0"));
        s.add(Step.of("consumerProgress", "-g", "GID_OTHER")
            .contains("CODE: 17 DESC: No topic route info in name server for the topic: %RETRY%GID_OTHER"));
        s.add(Step.of("consumerProgress", "-g", "NO_SUCH_GROUP").contains("CODE: 17"));
        s.add(Step.of("consumerStatus", "-g", "GID_ADMIN")
            .contains("#Index #ClientId #Version #ConsumerRunningInfoFile", "Same subscription in the same group of consumer",
                "Rebalance OK"));
        s.add(Step.of("consumerStatus", "-g", "GID_ADMIN", "-i", "{CLIENT_ID}")
            .mask("@[0-9a-f]{4,8}\\b", "@<HASH>").mask("Lambda\\$\\d+/0x[0-9a-f]+", "Lambda<ID>")
            .mask("consumeTimestamp : \\d+", "consumeTimestamp : <TIME>")
            .mask("(?m)^(\\S+)( \\d+\\.\\d+){5} (\\d+)$", "$1 <FIGURES> $3")
            .contains("#Consumer Properties#", "consumerGroup : GID_ADMIN", "#Consumer Subscription#",
                "TopicTest broker-a 0 3", "#Consumer RT&TPS#"));
        s.add(Step.of("brokerConsumeStats", "-b", "{BROKER}")
            .contains("#Topic #Group #Broker Name #QID #Broker Offset #Consumer Offset #Diff #LastTime",
                "TopicTest GID_ADMIN broker-a 0 3 3 0 <TIME>", "Diff Total: 0"));
        s.add(Step.of("getConsumerConfig", "-g", "GID_OTHER").contains("DefaultCluster:broker-a", "groupName = GID_OTHER",
            "retryQueueNums = 1"));
        s.add(Step.of("getConsumerConfig", "-g", "NO_SUCH_GROUP").lacks("groupName"));
        s.add(Step.of("statsAll").contains("#Topic #Consumer Group #Accumulation #InTPS #OutTPS #InMsg24Hour #OutMsg24Hour",
            "TopicTest GID_ADMIN 0 <FIGURES>", "AdminSend 0 <FIGURES> NO_CONSUMER"));
        s.add(Step.of("statsAll", "-t", TOPIC).contains("TopicTest GID_ADMIN 0 <FIGURES>"));
        // ---- offsets (GID_OTHER never had a consumer: no %RETRY% route, so the 5.3.3 tool's -t form shows it)
        s.add(Step.of("cloneGroupOffset", "-s", "GID_ADMIN", "-d", "GID_OTHER", "-t", TOPIC)
            .containsIf(b5 + "|" + t4,
                "clone group offset success. srcGroup[GID_ADMIN], destGroup=[GID_OTHER], topic[TopicTest]")
            .containsIf(b4 + "/" + t5, notSupported351));
        s.add(Step.of("consumerProgress", "-g", "GID_OTHER", "-t", TOPIC).only(RmqVersion.V5_3_3)
            .containsIf(b5, "TopicTest broker-a 0 3 3 0").containsIf(b4, notSupported351));
        s.add(Step.of("brokerConsumeStats", "-b", "{BROKER}").contains("TopicTest GID_OTHER broker-a 0 3 3 0",
            "TopicTest GID_ADMIN broker-a 0 3 3 0"));
        // an offline group: the 5.3.3 broker resets it itself; the 4.9.7 broker answers CONSUMER_NOT_ONLINE and the
        // tools fall back to their own per-queue reset (each version its own table)
        s.add(Step.of("resetOffsetByTime", "-g", "GID_OTHER", "-t", TOPIC, "-s", "0")
            .containsIf(b5, "#brokerName #queueId #offset", "broker-a 0 0", "broker-a 7 0")
            .containsIf(b4 + "/" + t4, "#brokerName #queueId #brokerOffset #consumerOffset #timestampOffset #rollbackOffset")
            .containsIf(b4 + "/" + t5, "#brokerName #queueId #brokerOffset #consumerOffset #timestampOffset #resetOffset"));
        // (rows only for queues whose consumer offset points after a message: lastTimestamp > 0)
        s.add(Step.of("brokerConsumeStats", "-b", "{BROKER}").contains("TopicTest GID_ADMIN broker-a 0 3 3 0")
            .lacks("GID_OTHER"));
        s.add(Step.of("skipAccumulatedMessage", "-g", "GID_OTHER", "-t", TOPIC)
            .containsIf(b5, "#brokerName #queueId #offset", "broker-a 0 3")
            .containsIf(b4, "#brokerName #queueId #brokerOffset #consumerOffset #timestampOffset #rollbackOffset"));
        // the live group: relayed to the consumer. "now": the 4.9.8 tool sends -1 (max offsets); the 5.3.3 tool
        // sends the current time, which the 4.9.7 broker resolves to the LAST message (offset max-1, the consumer
        // then consumes it again) and 5.3.3 to the max offset. skipAccumulatedMessage right after restores max.
        s.add(Step.of("resetOffsetByTime", "-g", "GID_ADMIN", "-t", TOPIC, "-s", "now")
            .contains("#brokerName #queueId #offset")
            .containsIf(b5 + "|" + t4, "broker-a 0 3", "broker-a 7 2")
            .containsIf(b4 + "/" + t5, "broker-a 0 2", "broker-a 7 1"));
        s.add(Step.of("skipAccumulatedMessage", "-g", "GID_ADMIN", "-t", TOPIC)
            .contains("#brokerName #queueId #offset", "broker-a 0 3", "broker-a 7 2"));
        // ---- NameServer side (the standalone's own NameServer)
        s.add(Step.of("updateKvConfig", "-s", "ns", "-k", "k", "-v", "v")
            .contains("create or update kv config to namespace success."));
        s.add(Step.of("deleteKvConfig", "-s", "ns", "-k", "k").contains("delete kv config from namespace success."));
        s.add(Step.of("updateOrderConf", "-t", TOPIC, "-m", "put", "-v", "broker-a:8")
            .contains("update orderConf success. topic=[TopicTest], orderConf=[broker-a:8]"));
        s.add(Step.of("updateOrderConf", "-t", TOPIC, "-m", "get")
            .contains("get orderConf success. topic=[TopicTest], orderConf=[broker-a:8]"));
        s.add(Step.of("updateOrderConf", "-t", TOPIC, "-m", "delete").contains("delete orderConf success. topic=[TopicTest]"));
        s.add(Step.of("getNamesrvConfig").norm(Norm.KEYS).contains("============<NAMESRV>============",
            "kvConfigPath = <V>", "orderMessageEnable = <V>"));
        s.add(Step.of("updateNamesrvConfig", "-k", "orderMessageEnable", "-v", "false")
            .contains("update name server config success![<NAMESRV>]", "orderMessageEnable : false"));
        // ---- store maintenance
        s.add(Step.of("cleanExpiredCQ", "-b", "{BROKER}").contains("success"));
        s.add(Step.of("cleanExpiredCQ", "-c", "DefaultCluster").contains("success"));
        s.add(Step.of("cleanUnusedTopic", "-b", "{BROKER}").contains("success"));
        s.add(Step.of("cleanUnusedTopic", "-c", "DefaultCluster").contains("success"));
        s.add(Step.of("deleteExpiredCommitLog", "-b", "{BROKER}").contains("success"));
        s.add(Step.of("deleteExpiredCommitLog", "-c", "DefaultCluster").contains("success"));
        s.add(Step.of("resetMasterFlushOffset", "-b", "{BROKER}", "-o", "0").only(RmqVersion.V5_3_3)
            .containsIf(b5, "reset master flush offset to 0 success"));
        // ---- export (the written files are appended to the output)
        s.add(Step.of("exportMetadata", "-c", "DefaultCluster", "-f", "{RUN}/export-{T}/metadata")
            .dump("{RUN}/export-{T}/metadata").contains("/metadata.json success", "\"topicConfigTable\":{",
                "\"subscriptionGroupTable\":{", "\"topicName\":\"TopicTest\""));
        s.add(Step.of("exportMetadata", "-b", "{BROKER}", "-g", "-f", "{RUN}/export-{T}/groups")
            .dump("{RUN}/export-{T}/groups").contains("subscriptionGroup.json success", "\"groupName\":\"GID_OTHER\""));
        // (the 4.9.8 tool against 5.3.3 and the 5.3.3 tool against 4.9.7: NPE on the other version's runtime keys)
        s.add(Step.of("exportConfigs", "-c", "DefaultCluster", "-f", "{RUN}/export-{T}/configs").norm(Norm.KEYS)
            .dump("{RUN}/export-{T}/configs").containsIf(b4 + "|" + t5, "configs.json success", "\"brokerConfigs\":{"));
        s.add(Step.of("exportMetrics", "-c", "DefaultCluster", "-f", "{RUN}/export-{T}/metrics").norm(Norm.KEYS)
            .dump("{RUN}/export-{T}/metrics").containsIf(b4 + "/" + t4 + "|" + b5 + "/" + t5, "metrics.json success",
                "\"evaluateReport\":{"));
        // ---- ACL, as a broker with ACL off answers (4.9.8 tool: ACL 1.0; 5.3.3 tool: Auth 2.0)
        s.add(Step.of("updateAclConfig", "-b", "{BROKER}", "-a", "RocketMQ", "-s", "12345678").only(RmqVersion.V4_9_8)
            .containsIf(b4, "CODE: 209 DESC: Cannot invoke").containsIf(b5, "CODE: 3 DESC: request type 50 not supported"));
        s.add(Step.of("deleteAclConfig", "-b", "{BROKER}", "-a", "RocketMQ").only(RmqVersion.V4_9_8)
            .containsIf(b4, "CODE: 210 DESC: Cannot invoke").containsIf(b5, "CODE: 3 DESC: request type 51 not supported"));
        s.add(Step.of("deleteAccessConfig", "-c", "DefaultCluster", "-a", "RocketMQ").only(RmqVersion.V4_9_8)
            .containsIf(b4, "CODE: 210").containsIf(b5, "request type 51 not supported"));
        // (the 4.9.7 broker never answers GET_BROKER_CLUSTER_ACL_INFO with ACL off: the tool times out after 5 s)
        s.add(Step.of("clusterAclConfigVersion", "-c", "DefaultCluster").only(RmqVersion.V4_9_8)
            .contains("#Cluster Name #Broker Name #Broker Addr #AclFilePath #AclConfigVersionNum #AclLastUpdateTime")
            .containsIf(b4, "RemotingTimeoutException: wait response on the channel <<BROKER:broker-a>> timeout")
            .containsIf(b5, "CODE: 3 DESC: request type 52 not supported"));
        s.add(Step.of("updateGlobalWhiteAddr", "-b", "{BROKER}", "-g", "10.10.*.*").only(RmqVersion.V4_9_8)
            .containsIf(b4, "CODE: 211 DESC: Cannot invoke").containsIf(b5, "request type 53 not supported"));
        s.add(Step.of("getAccessConfigSubCommand", "-b", "{BROKER}")
            .contains("The sub command getAccessConfigSubCommand not exist."));
        s.add(Step.of("createUser", "-b", "{BROKER}", "-u", "admin1", "-p", "pw1").only(RmqVersion.V5_3_3)
            .containsIf(b5, "CODE: 1 DESC: An system error occurred, please try again later.")
            .containsIf(b4, "request type 3001 not supported"));
        s.add(Step.of("listUser", "-b", "{BROKER}").only(RmqVersion.V5_3_3).contains("CODE: "));
        s.add(Step.of("getUser", "-b", "{BROKER}", "-u", "admin1").only(RmqVersion.V5_3_3).contains("CODE: "));
        s.add(Step.of("createAcl", "-b", "{BROKER}", "-s", "User:admin1", "-r", "Topic:*", "-a", "Pub", "-d", "Allow")
            .only(RmqVersion.V5_3_3).contains("CODE: "));
        s.add(Step.of("listAcl", "-b", "{BROKER}").only(RmqVersion.V5_3_3).contains("CODE: "));
        // ---- destructive, on their own topics and groups
        s.add(Step.of("updateSubGroup", "-b", "{BROKER}", "-g", "GID_DEL{T}")
            .contains("create subscription group to <BROKER:broker-a> success."));
        s.add(Step.of("deleteSubGroup", "-b", "{BROKER}", "-g", "GID_DEL{T}")
            .contains("delete subscription group [GID_DEL", "] from broker [<BROKER:broker-a>] success."));
        s.add(Step.of("updateSubGroup", "-c", "DefaultCluster", "-g", "GID_DELC{T}")
            .contains("create subscription group to <BROKER:broker-a> success."));
        s.add(Step.of("deleteSubGroup", "-c", "DefaultCluster", "-g", "GID_DELC{T}", "-r", "true")
            .contains("] from broker [<BROKER:broker-a>] in cluster [DefaultCluster] success.")
            .containsIf(t4, "delete topic [%RETRY%GID_DELC498] from NameServer success."));
        s.add(Step.of("deleteSubGroup", "-b", "{BROKER}", "-g", "NO_SUCH_GROUP")
            .contains("delete subscription group [NO_SUCH_GROUP] from broker [<BROKER:broker-a>] success."));
        s.add(Step.of("getConsumerConfig", "-g", "GID_DEL{T}").lacks("groupName"));
        s.add(Step.of("updateTopic", "-c", "DefaultCluster", "-t", "DelTopic{T}", "-r", "2", "-w", "2")
            .contains("create topic to <BROKER:broker-a> success."));
        s.add(Step.of("deleteTopic", "-c", "DefaultCluster", "-t", "DelTopic{T}")
            .contains("from cluster [DefaultCluster] success.", "from NameServer success."));
        s.add(Step.of("topicRoute", "-t", "DelTopic{T}").contains("CODE: 17"));
        s.add(Step.of("deleteTopic", "-c", "DefaultCluster", "-t", "NoSuchTopic")
            .contains("delete topic [NoSuchTopic] from cluster [DefaultCluster] success."));
        s.add(Step.of("wipeWritePerm", "-b", "broker-a")
            .contains("wipe write perm of broker[broker-a] in name server[<NAMESRV>] OK,"));
        s.add(Step.of("topicRoute", "-t", TOPIC).contains("\"perm\":4"));
        s.add(Step.of("addWritePerm", "-b", "broker-a")
            .contains("add write perm of broker[broker-a] in name server[<NAMESRV>] OK,"));
        s.add(Step.of("topicRoute", "-t", TOPIC).contains("\"perm\":6"));
        s.add(Step.of("topicList").contains(TOPIC, "%RETRY%TOOLS_CONSUMER").lacks("DelTopic"));
        return s;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Known differences of Thruster (ratchet), key "<broker version>/<tool>/<step text>[#n]"

    static final Map<String, String> KNOWN_DIFFERENCES = new TreeMap<>();

    static void known(String key, String reason) {
        KNOWN_DIFFERENCES.put(key, reason);
    }

    static {
        // Every entry is a deliberate difference or one another issue owns (FINDINGS.md "Broker-side mqadmin");
        // the failure message of thrusterStandalone prints the entries matching the current binary.
        known("4.9.8/5.3.3/topicStatus -t TopicTest",
            "deliberate: a 5.3.3 tool gets 5.3.3's answer from Thruster in either flavor (GET_TOPIC_CONFIG 351 answered); the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED, so the tool prints less");
        known("4.9.8/4.9.8/brokerStatus -b {BROKER}",
            "deliberate: GET_BROKER_RUNTIME_INFO (28) carries both getTransferedTps (4.x tools) and getTransferredTps (5.x tools), so both tools' clusterList/brokerStatus/exportMetrics work against either flavor (Java sends one: the other tool NPEs); mqadmin.md §2.2");
        known("4.9.8/5.3.3/brokerStatus -b {BROKER}",
            "deliberate: GET_BROKER_RUNTIME_INFO (28) carries both getTransferedTps (4.x tools) and getTransferredTps (5.x tools), so both tools' clusterList/brokerStatus/exportMetrics work against either flavor (Java sends one: the other tool NPEs); mqadmin.md §2.2");
        known("4.9.8/4.9.8/brokerStatus -c DefaultCluster",
            "deliberate: GET_BROKER_RUNTIME_INFO (28) carries both getTransferedTps (4.x tools) and getTransferredTps (5.x tools), so both tools' clusterList/brokerStatus/exportMetrics work against either flavor (Java sends one: the other tool NPEs); mqadmin.md §2.2");
        known("4.9.8/5.3.3/brokerStatus -c DefaultCluster",
            "deliberate: GET_BROKER_RUNTIME_INFO (28) carries both getTransferedTps (4.x tools) and getTransferredTps (5.x tools), so both tools' clusterList/brokerStatus/exportMetrics work against either flavor (Java sends one: the other tool NPEs); mqadmin.md §2.2");
        known("4.9.8/4.9.8/getBrokerConfig -b {BROKER}",
            "stand-in artefact: 4.9.8 has configBlackList (Thruster as 4.9.8 lists and enforces it); the 4.9.7 jars used as the Java reference predate it");
        known("4.9.8/5.3.3/getBrokerConfig -b {BROKER}",
            "stand-in artefact: 4.9.8 has configBlackList (Thruster as 4.9.8 lists and enforces it); the 4.9.7 jars used as the Java reference predate it");
        known("4.9.8/4.9.8/getBrokerConfig -c DefaultCluster",
            "stand-in artefact: 4.9.8 has configBlackList (Thruster as 4.9.8 lists and enforces it); the 4.9.7 jars used as the Java reference predate it");
        known("4.9.8/5.3.3/getBrokerConfig -c DefaultCluster",
            "stand-in artefact: 4.9.8 has configBlackList (Thruster as 4.9.8 lists and enforces it); the 4.9.7 jars used as the Java reference predate it");
        known("4.9.8/4.9.8/updateBrokerConfig -b {BROKER} -k configBlackList -v x",
            "stand-in artefact: 4.9.8 has configBlackList (Thruster as 4.9.8 lists and enforces it); the 4.9.7 jars used as the Java reference predate it");
        known("4.9.8/5.3.3/updateBrokerConfig -b {BROKER} -k configBlackList -v x",
            "stand-in artefact: 4.9.8 has configBlackList (Thruster as 4.9.8 lists and enforces it); the 4.9.7 jars used as the Java reference predate it");
        known("4.9.8/4.9.8/getBrokerConfig -b {BROKER}#2",
            "stand-in artefact: 4.9.8 has configBlackList (Thruster as 4.9.8 lists and enforces it); the 4.9.7 jars used as the Java reference predate it");
        known("4.9.8/5.3.3/getBrokerConfig -b {BROKER}#2",
            "stand-in artefact: 4.9.8 has configBlackList (Thruster as 4.9.8 lists and enforces it); the 4.9.7 jars used as the Java reference predate it");
        known("4.9.8/5.3.3/queryMsgById -t TopicTest -i {OFFSET_ID:3}",
            "deliberate: a 5.3.3 tool gets 5.3.3's answer from Thruster in either flavor (GET_TOPIC_CONFIG 351 answered); the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED, so the tool prints less (the message track)");
        known("4.9.8/5.3.3/queryMsgById -t TopicTest -i {OFFSET_ID:16}",
            "deliberate: a 5.3.3 tool gets 5.3.3's answer from Thruster in either flavor (GET_TOPIC_CONFIG 351 answered); the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED, so the tool prints less (the message track)");
        known("4.9.8/5.3.3/queryMsgById -t TopicTest -i {UNIQ_ID:5}",
            "deliberate: a 5.3.3 tool gets 5.3.3's answer from Thruster in either flavor (GET_TOPIC_CONFIG 351 answered); the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED, so the tool prints less (the message track)");
        known("4.9.8/5.3.3/queryMsgByUniqueKey -t TopicTest -i {UNIQ_ID:4}",
            "deliberate: a 5.3.3 tool gets 5.3.3's answer from Thruster in either flavor (GET_TOPIC_CONFIG 351 answered); the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED, so the tool prints less (the message track)");
        known("4.9.8/5.3.3/queryMsgByOffset -t TopicTest -b broker-a -i 3 -o 1",
            "deliberate: a 5.3.3 tool gets 5.3.3's answer from Thruster in either flavor (GET_TOPIC_CONFIG 351 answered); the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED, so the tool prints less (the message track)");
        known("4.9.8/5.3.3/consumerProgress -g GID_ADMIN",
            "deliberate: a 5.3.3 tool gets 5.3.3's answer from Thruster in either flavor (GET_TOPIC_CONFIG 351 answered); the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED, so the tool prints less");
        known("4.9.8/5.3.3/consumerProgress -g GID_ADMIN -s true",
            "deliberate: a 5.3.3 tool gets 5.3.3's answer from Thruster in either flavor (GET_TOPIC_CONFIG 351 answered); the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED, so the tool prints less");
        known("4.9.8/5.3.3/cloneGroupOffset -s GID_ADMIN -d GID_OTHER -t TopicTest",
            "deliberate: a 5.3.3 tool gets 5.3.3's answer from Thruster in either flavor (GET_TOPIC_CONFIG 351 answered); the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED, so the tool prints less");
        known("4.9.8/5.3.3/consumerProgress -g GID_OTHER -t TopicTest",
            "deliberate: a 5.3.3 tool gets 5.3.3's answer from Thruster in either flavor (GET_TOPIC_CONFIG 351 answered); the 4.9.7 broker answers REQUEST_CODE_NOT_SUPPORTED, so the tool prints less");
        known("4.9.8/5.3.3/resetMasterFlushOffset -b {BROKER} -o 0",
            "deliberate: RESET_MASTER_FLUSH_OFFSET (908) is answered for the 5.3.3 tool in either flavor; the 4.9.7 broker does not know it");
        known("4.9.8/5.3.3/exportMetrics -c DefaultCluster -f {RUN}/export-{T}/metrics",
            "deliberate: GET_BROKER_RUNTIME_INFO (28) carries both getTransferedTps (4.x tools) and getTransferredTps (5.x tools), so both tools' clusterList/brokerStatus/exportMetrics work against either flavor (Java sends one: the other tool NPEs); mqadmin.md §2.2");
        known("4.9.8/4.9.8/updateAclConfig -b {BROKER} -a RocketMQ -s 12345678",
            "deliberate: ACL 1.0 with ACL off answers the same code; Java's remark is the JDK's NullPointerException text (null on JDK 8), Thruster's is null (ACL is issue 13)");
        known("4.9.8/4.9.8/deleteAclConfig -b {BROKER} -a RocketMQ",
            "deliberate: ACL 1.0 with ACL off answers the same code; Java's remark is the JDK's NullPointerException text (null on JDK 8), Thruster's is null (ACL is issue 13)");
        known("4.9.8/4.9.8/deleteAccessConfig -c DefaultCluster -a RocketMQ",
            "deliberate: ACL 1.0 with ACL off answers the same code; Java's remark is the JDK's NullPointerException text (null on JDK 8), Thruster's is null (ACL is issue 13)");
        known("4.9.8/4.9.8/clusterAclConfigVersion -c DefaultCluster",
            "deliberate: GET_BROKER_CLUSTER_ACL_INFO (52) with ACL off: the Java broker never answers (the tool waits for its timeout); Thruster answers at once, SYSTEM_ERROR 'ACL is not enabled on this broker (aclEnable=false)'");
        known("4.9.8/4.9.8/updateGlobalWhiteAddr -b {BROKER} -g 10.10.*.*",
            "deliberate: ACL 1.0 with ACL off answers the same code; Java's remark is the JDK's NullPointerException text (null on JDK 8), Thruster's is null (ACL is issue 13)");
        known("5.3.3/4.9.8/brokerStatus -b {BROKER}",
            "deliberate: GET_BROKER_RUNTIME_INFO (28) carries both getTransferedTps (4.x tools) and getTransferredTps (5.x tools), so both tools' clusterList/brokerStatus/exportMetrics work against either flavor (Java sends one: the other tool NPEs); mqadmin.md §2.2");
        known("5.3.3/5.3.3/brokerStatus -b {BROKER}",
            "deliberate: GET_BROKER_RUNTIME_INFO (28) carries both getTransferedTps (4.x tools) and getTransferredTps (5.x tools), so both tools' clusterList/brokerStatus/exportMetrics work against either flavor (Java sends one: the other tool NPEs); mqadmin.md §2.2");
        known("5.3.3/4.9.8/brokerStatus -c DefaultCluster",
            "deliberate: GET_BROKER_RUNTIME_INFO (28) carries both getTransferedTps (4.x tools) and getTransferredTps (5.x tools), so both tools' clusterList/brokerStatus/exportMetrics work against either flavor (Java sends one: the other tool NPEs); mqadmin.md §2.2");
        known("5.3.3/5.3.3/brokerStatus -c DefaultCluster",
            "deliberate: GET_BROKER_RUNTIME_INFO (28) carries both getTransferedTps (4.x tools) and getTransferredTps (5.x tools), so both tools' clusterList/brokerStatus/exportMetrics work against either flavor (Java sends one: the other tool NPEs); mqadmin.md §2.2");
        known("5.3.3/4.9.8/clusterList",
            "deliberate: GET_BROKER_RUNTIME_INFO (28) carries both getTransferedTps (4.x tools) and getTransferredTps (5.x tools), so both tools' clusterList/brokerStatus/exportMetrics work against either flavor (Java sends one: the other tool NPEs); mqadmin.md §2.2");
        known("5.3.3/4.9.8/exportMetrics -c DefaultCluster -f {RUN}/export-{T}/metrics",
            "deliberate: GET_BROKER_RUNTIME_INFO (28) carries both getTransferedTps (4.x tools) and getTransferredTps (5.x tools), so both tools' clusterList/brokerStatus/exportMetrics work against either flavor (Java sends one: the other tool NPEs); mqadmin.md §2.2");
        known("5.3.3/5.3.3/createUser -b {BROKER} -u admin1 -p pw1",
            "5.x authentication/authorization (3001-3010) is issue 13: REQUEST_CODE_NOT_SUPPORTED where Java 5.3.3 with auth off answers CODE 1");
        known("5.3.3/5.3.3/listUser -b {BROKER}",
            "5.x authentication/authorization (3001-3010) is issue 13: REQUEST_CODE_NOT_SUPPORTED where Java 5.3.3 with auth off answers CODE 1");
        known("5.3.3/5.3.3/getUser -b {BROKER} -u admin1",
            "5.x authentication/authorization (3001-3010) is issue 13: REQUEST_CODE_NOT_SUPPORTED where Java 5.3.3 with auth off answers CODE 1");
        known("5.3.3/5.3.3/createAcl -b {BROKER} -s User:admin1 -r Topic:* -a Pub -d Allow",
            "5.x authentication/authorization (3001-3010) is issue 13: REQUEST_CODE_NOT_SUPPORTED where Java 5.3.3 with auth off answers CODE 1");
        known("5.3.3/5.3.3/listAcl -b {BROKER}",
            "5.x authentication/authorization (3001-3010) is issue 13: REQUEST_CODE_NOT_SUPPORTED where Java 5.3.3 with auth off answers CODE 1");
    }

    // ---------------------------------------------------------------------------------------------------------

    @AfterAll
    static void stopLeftovers() {
        Reaper.drain();
    }

    static Stream<String> versions() {
        return Env.versions().stream();
    }

    private static final Map<RmqVersion, Object> JAVA = new HashMap<>();

    /** The Java transcripts of every selected version, run in parallel on first use. */
    static synchronized Transcript java(RmqVersion v) {
        if (!JAVA.containsKey(v)) {
            List<RmqVersion> todo = Env.versions().stream().map(RmqVersion::of).filter(x -> !JAVA.containsKey(x))
                .toList();
            List<Callable<Object>> tasks = new ArrayList<>();
            for (RmqVersion x : todo) {
                tasks.add(() -> {
                    Object r;
                    try {
                        r = run(x, false);
                    } catch (RuntimeException | Error e) {
                        r = e;
                    }
                    synchronized (JAVA) {
                        JAVA.put(x, r);
                    }
                    return null;
                });
            }
            Parallel.all(tasks);
        }
        Object o = JAVA.get(v);
        if (o instanceof Throwable t) {
            return fail("the Java scenario for broker " + v + " failed", t);
        }
        return (Transcript) o;
    }

    /** Runs the scenario against a Java NameServer + broker, or thruster standalone, of version {@code v}. */
    static Transcript run(RmqVersion v, boolean thruster) {
        String label = (thruster ? "thruster-standalone-" : "java-") + v;
        Path dir = Env.newRunDir("broker-admin-parity-" + label);
        long t0 = System.nanoTime();
        List<Server> servers = new ArrayList<>();
        Map<RmqVersion, MqAdmin> admins = new LinkedHashMap<>();
        ManagedProcess[] clients = {null};
        List<String> notes = new ArrayList<>();
        try {
            for (RmqVersion t : TOOLS) {
                admins.put(t, MqAdmin.session(t, dir.resolve("mqadmin-" + t)));
            }
            List<Callable<Object>> tasks = new ArrayList<>();
            tasks.add(() -> {
                if (thruster) {
                    servers.add(ThrusterBroker.standalone(dir.resolve("broker-a"), "broker-a", Ports.broker(), v,
                        Map.of()));
                } else {
                    JavaNamesrv ns = JavaNamesrv.start(v, dir.resolve("namesrv"));
                    servers.add(ns);
                    servers.add(0, JavaBroker.start(v, dir.resolve("broker-a"), "broker-a", ns.addr()));
                }
                return null;
            });
            for (MqAdmin a : admins.values()) {
                tasks.add(() -> a.run("help", "topicList"));
            }
            Parallel.all(tasks);
            Server broker = servers.get(0);
            String namesrv = thruster ? ((ThrusterBroker) broker).namesrvAddr() : servers.get(1).addr();
            int nsPort = Integer.parseInt(namesrv.substring(namesrv.indexOf(':') + 1));
            Masker masker = new Masker().literal(dir.toString(), "<RUN>").endpoint(nsPort, "NAMESRV")
                .endpoint(broker.port(), "BROKER:broker-a");
            Map<String, String> vars = new HashMap<>();
            vars.put("{BROKER}", broker.addr());
            vars.put("{RUN}", dir.toString());
            String[] clientIp = {null};
            List<Entry> entries = new ArrayList<>();
            Map<String, Integer> seen = new HashMap<>();
            int[] n = {0};
            Runner runner = (step) -> {
                n[0]++;
                for (RmqVersion tool : TOOLS) {
                    if (step.only() != null && step.only() != tool) {
                        continue;
                    }
                    String tag = tool.label().replace(".", "");
                    List<String> args = new ArrayList<>();
                    for (String a : step.template()) {
                        args.add(resolve(a.replace("{T}", tag), vars));
                    }
                    MqAdmin.Result r = admins.get(tool).run(MqAdmin.args(args.get(0), namesrv,
                        args.subList(1, args.size()).toArray(new String[0])));
                    StringBuilder out = new StringBuilder(r.combined());
                    if (step.dumpDir() != null) {
                        out.append(dumpFiles(Path.of(resolve(step.dumpDir().replace("{T}", tag), vars))));
                    }
                    List<String> shown = new ArrayList<>();
                    for (String a : step.template()) {
                        shown.add(a.replace("{T}", tag));
                    }
                    String masked = "[exit " + r.exit() + "]\n" + normalise(step, masker.mask(shown, out.toString()),
                        clientIp[0]);
                    String base = tool + "/" + step.text();
                    int dup = seen.merge(base, 1, Integer::sum);
                    String key = dup == 1 ? base : base + "#" + dup;
                    String what = String.format("step %3d [mqadmin %s] %s", n[0], tool, String.join(" ", shown));
                    entries.add(new Entry(n[0], tool, key, what, masked, r));
                }
            };
            for (Step s : setupSteps()) {
                runner.run(s);
            }
            // the clients: producer PG_ADMIN sends COUNT + 1 messages to fixed queues, consumer GID_ADMIN consumes
            clients[0] = ClientApp.start(v, dir.resolve("clients"), Map.of(), "-Xmx160m", "AdminClients", namesrv,
                TOPIC, "broker-a", Integer.toString(QUEUES), Integer.toString(COUNT), "900000");
            long tc = System.nanoTime();
            try {
                clients[0].awaitStdoutLine(Pattern.compile("^COMMITTED"), Duration.ofSeconds(75));
                notes.add("offsets committed after " + (System.nanoTime() - tc) / 1_000_000 + " ms");
            } catch (RuntimeException e) {
                if (!thruster) {
                    throw e;
                }
                notes.add("clients did not report COMMITTED: " + e.getMessage().lines().findFirst().orElse(""));
            }
            String out = clients[0].stdoutText();
            Matcher m = Pattern.compile("(?m)^SENT (\\d+) (\\S+) (\\S+) ").matcher(out);
            while (m.find()) {
                vars.put("{UNIQ_ID:" + m.group(1) + "}", m.group(2));
                vars.put("{OFFSET_ID:" + m.group(1) + "}", m.group(3));
                masker.literal(m.group(2), "<UNIQ_ID:" + m.group(1) + ">");
                masker.literal(m.group(3), "<OFFSET_ID:" + m.group(1) + ">");
            }
            Matcher cm = Pattern.compile("(?m)^CLIENTID (\\S+)").matcher(out);
            if (cm.find()) {
                vars.put("{CLIENT_ID}", cm.group(1));
                clientIp[0] = cm.group(1).substring(0, cm.group(1).indexOf('@'));
            }
            if (!thruster) {
                // the broker's view (the tool of the broker's version: the 5.3.3 tool needs GET_TOPIC_CONFIG, which
                // 4.9.7 lacks; an empty table also says "Diff Total: 0", so every queue's row must be there)
                long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                boolean caughtUp = false;
                while (!caughtUp && System.nanoTime() < deadline) {
                    MqAdmin.Result r = admins.get(v).run(MqAdmin.args("consumerProgress", namesrv, "-g", "GID_ADMIN"));
                    caughtUp = r.stdout().contains("Diff Total: 0") && !r.stdout().contains("Inflight Total: 1")
                        && r.stdout().split("\nTopicTest ", -1).length == QUEUES + 1
                        && r.stdout().contains("%RETRY%GID_ADMIN ");
                    if (!caughtUp) {
                        MessagingTest.sleep(300);
                    }
                }
                if (!caughtUp) {
                    throw new IllegalStateException("the broker does not show GID_ADMIN's committed offsets\n"
                        + clients[0].describe());
                }
                notes.add("consumerProgress shows them after " + (System.nanoTime() - tc) / 1_000_000 + " ms");
            }
            long ts = System.nanoTime();
            for (Step s : steps()) {
                runner.run(s);
            }
            notes.add("steps took " + (System.nanoTime() - ts) / 1_000_000 + " ms");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Transcript t = new Transcript(label, v, entries, dir, notes, ms);
            write(t, dir.resolve("masked-transcript.txt"));
            System.out.println("[compat] broker-admin-parity " + label + ": " + ms + " ms; " + notes);
            return t;
        } finally {
            for (MqAdmin a : admins.values()) {
                a.close();
            }
            Reaper.submit(label, () -> {
                if (clients[0] != null) {
                    clients[0].close();
                }
                servers.forEach(Server::close);
            });
        }
    }

    interface Runner {
        void run(Step s);
    }

    static String resolve(String arg, Map<String, String> vars) {
        String a = arg;
        for (Map.Entry<String, String> e : vars.entrySet()) {
            a = a.replace(e.getKey(), e.getValue());
        }
        return a;
    }

    static String dumpFiles(Path dir) {
        StringBuilder sb = new StringBuilder();
        if (!Files.isDirectory(dir)) {
            return "\n[files] none under " + dir + "\n";
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                sb.append("\n[file ").append(dir.relativize(f)).append("]\n").append(Files.readString(f)).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }

    private static final Pattern HEX_ID = Pattern.compile("(?<![0-9A-Fa-f])[0-9A-F]{32}(?![0-9A-Fa-f])");
    private static final Pattern KEY_VALUE =
        Pattern.compile("^(\\s*(?:<[^>]+> )?\"?[^\\s\"=:]+\"?\\s*[=:])\\s*(.*?)(,?)$");

    /** Per-run values the Masker does not know about, then the step's own reduction. */
    static String normalise(Step step, String masked, String clientIp) {
        String t = masked;
        if (clientIp != null) {
            t = t.replace(clientIp, "<CLIENT_IP>");
        }
        t = HEX_ID.matcher(t).replaceAll("<MSGID>");
        t = t.replaceAll("\\d+#\\d+", "<PID#NANOS>");
        t = t.replaceAll("timeout, \\d+\\(ms\\)", "timeout, <N>(ms)");
        // compact dates of the client's running info (consumeTimestamp, ProcessQueueInfo last*Timestamp)
        t = t.replaceAll("(?<![\\d.])20\\d{12}(\\d{3})?(?![\\d.])", "<TIME>");
        t = t.replaceAll("/tmp/rocketmq/msgbodys/\\S+", "/tmp/rocketmq/msgbodys/<FILE>");
        // broker statistics sampled per minute: TPS and 24-hour figures depend on timing
        t = t.replaceAll("Consume TPS: [\\d.]+", "Consume TPS: <TPS>");
        String cmd = step.template().get(0);
        if (cmd.equals("consumerProgress") && step.template().size() == 1) {
            t = t.replaceAll("(?m)^(\\S+ \\d+ \\S+ \\S+ \\S+) [\\d.]+ (-?\\d+)$", "$1 <TPS> $2");
        }
        if (cmd.equals("clusterList")) {
            // the "4.9.8" Java broker is the stock 4.9.7 broker (4.9.8 was never published) and says V4_9_7;
            // thruster configured as 4.9.8 says V4_9_8: the stand-in's version is not compared
            t = t.replaceAll("\\bV4_9_[78]\\b", "V4_9_<7|8>");
        }
        if (cmd.equals("statsAll")) {
            t = t.replaceAll("(?m)^(\\S+ \\S+ -?\\d+) \\S+ \\S+ \\S+ \\S+$", "$1 <FIGURES>")
                .replaceAll("(?m)^(\\S+ -?\\d+) \\S+ \\S+ NO_CONSUMER$", "$1 <FIGURES> NO_CONSUMER");
        }
        for (String[] mk : step.masks()) {
            t = t.replaceAll(mk[0], mk[1]);
        }
        List<String> out = new ArrayList<>();
        for (String line : t.split("\n", -1)) {
            Matcher m = KEY_VALUE.matcher(line);
            if (step.norm() != Norm.NONE && m.find() && !line.startsWith("[") && !line.startsWith("=")
                && !line.contains("Exception") && !line.startsWith("Caused by")) {
                String key = m.group(1).replaceAll("<[^>]+> |[\\s\"=:]", "");
                boolean keep = step.norm() == Norm.CONFIG && STABLE_CONFIG_KEYS.contains(key);
                String value = m.group(2).trim();
                if (!keep && !(value.equals("{") || value.equals("["))) {
                    line = m.group(1) + " <V>" + m.group(3);
                }
            }
            out.add(line);
        }
        if (step.norm() == Norm.CONFIG || cmd.equals("statsAll")) {
            // printed in the tool's hash order of what the broker sent
            sortBlocks(out);
        }
        return String.join("\n", out);
    }

    /** Sorts each run of lines between header lines (starting with '#', '=' or '[exit'). */
    static void sortBlocks(List<String> lines) {
        int from = 0;
        for (int i = 0; i <= lines.size(); i++) {
            boolean header = i == lines.size() || lines.get(i).startsWith("#") || lines.get(i).startsWith("=")
                || lines.get(i).startsWith("[");
            if (header) {
                lines.subList(from, i).sort(String::compareTo);
                from = i + 1;
            }
        }
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

    /** Expectation failures of a Java transcript (empty = every step printed what it must). */
    static List<String> unmetExpectations(Transcript t) {
        List<Step> all = new ArrayList<>(setupSteps());
        all.addAll(steps());
        List<String> problems = new ArrayList<>();
        for (Entry e : t.entries()) {
            Step s = all.get(e.step() - 1);
            String here = "b" + t.version() + "/t" + e.tool();
            for (String must : s.mustContain()) {
                String text = inScope(must, here);
                if (text != null && !e.masked().contains(text)) {
                    problems.add(e.label() + ": expected output to contain «" + text + "»");
                }
            }
            for (String not : s.mustNotContain()) {
                String text = inScope(not, here);
                if (text != null && e.masked().contains(text)) {
                    problems.add(e.label() + ": expected output NOT to contain «" + text + "»");
                }
            }
            if (e.raw().exit() != 0) {
                problems.add(e.label() + ": exit code " + e.raw().exit());
            }
        }
        return problems;
    }

    /** The expectation text if it applies to {@code here} ("b&lt;broker&gt;/t&lt;tool&gt;"), else null. */
    static String inScope(String expectation, String here) {
        int i = expectation.indexOf(SCOPE_SEP);
        if (i < 0) {
            return expectation;
        }
        for (String alt : expectation.substring(0, i).split("\\|")) {
            boolean all = true;
            for (String part : alt.split("/")) {
                all &= here.contains(part);
            }
            if (all) {
                return expectation.substring(i + 1);
            }
        }
        return null;
    }

    @Order(1)
    @ParameterizedTest(name = "broker {0}: Java NameServer + broker meet the expectations")
    @MethodSource("versions")
    void javaBroker(String version) {
        Transcript t = java(RmqVersion.of(version));
        List<String> problems = unmetExpectations(t);
        if (!problems.isEmpty()) {
            fail("the Java transcript does not meet the scenario's expectations ("
                + t.dir().resolve("masked-transcript.txt") + "):\n" + String.join("\n", problems));
        }
    }

    @Order(2)
    @ParameterizedTest(name = "broker {0}: thruster standalone output == Java output (known differences listed)")
    @MethodSource("versions")
    void thrusterStandalone(String version) {
        ThrusterProcess.assumeAvailable();
        RmqVersion v = RmqVersion.of(version);
        Transcript expected = java(v);
        Transcript actual = run(v, true);
        List<String> unexpected = new ArrayList<>();
        List<String> nowEqual = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        StringBuilder suggested = new StringBuilder();
        int differing = 0;
        for (int i = 0; i < expected.entries().size(); i++) {
            Entry e = expected.entries().get(i);
            Entry a = i < actual.entries().size() ? actual.entries().get(i) : null;
            String key = v + "/" + e.key();
            String reason = KNOWN_DIFFERENCES.get(key);
            boolean same = a != null && e.masked().equals(a.masked());
            if (!same) {
                differing++;
                String why = a == null ? "no output" : reasonOf(e.masked(), a.masked());
                suggested.append("        known(\"").append(key.replace("\"", "\\\"")).append("\", \"")
                    .append(why.replace("\\", "\\\\").replace("\"", "\\\"")).append("\");\n");
                table.append(String.format("%-8s| %s%n         | Java:     %s%n         | Thruster: %s%n",
                    reason == null ? "NEW" : "known", e.label(), excerpt(e.masked(), a == null ? "" : a.masked()),
                    excerpt(a == null ? "" : a.masked(), e.masked())));
                if (reason == null) {
                    unexpected.add("----- " + e.label() + "  (- Java, + Thruster)\n"
                        + Diff.lines(e.masked(), a == null ? "" : a.masked()));
                }
            } else if (reason != null) {
                nowEqual.add(key + "   (was: " + reason + ")");
            }
        }
        System.out.println("[compat] broker-admin-parity " + v + ": " + differing + " of " + expected.entries().size()
            + " outputs differ; Java " + expected.millis() + " ms, Thruster " + actual.millis() + " ms");
        if (!unexpected.isEmpty() || !nowEqual.isEmpty()) {
            fail("thruster standalone (" + v + ") vs Java broker " + v + ": " + unexpected.size()
                + " unlisted differences, " + nowEqual.size() + " listed steps that now match (remove them from"
                + " KNOWN_DIFFERENCES)\n"
                + (nowEqual.isEmpty() ? "" : "now equal:\n  " + String.join("\n  ", nowEqual) + "\n")
                + "differences (label, Java vs Thruster excerpt):\n" + table
                + "\nunlisted differences in full:\n" + String.join("\n", unexpected)
                + "\n\nKNOWN_DIFFERENCES matching this run:\n" + suggested
                + "\ntranscripts: " + expected.dir().resolve("masked-transcript.txt") + " vs "
                + actual.dir().resolve("masked-transcript.txt"));
        }
    }

    /** A one-line reason for a difference: Thruster's refusal of a request code, or the first differing line. */
    static String reasonOf(String java, String thruster) {
        Matcher m = Pattern.compile("request type (\\d+) not supported").matcher(thruster);
        if (m.find() && !java.contains(m.group())) {
            return "request code " + m.group(1) + " not supported";
        }
        return "first difference: " + excerpt(thruster, java);
    }

    /** The first line of {@code a} that {@code b} lacks (trimmed to 140 chars). */
    static String excerpt(String a, String b) {
        List<String> bl = List.of(b.split("\n", -1));
        for (String l : a.split("\n", -1)) {
            if (!bl.contains(l)) {
                return l.length() > 140 ? l.substring(0, 140) + "…" : l;
            }
        }
        return a.isEmpty() ? "(empty)" : "(same lines, other order/count)";
    }
}
