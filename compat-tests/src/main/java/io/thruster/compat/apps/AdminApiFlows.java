package io.thruster.compat.apps;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.impl.MQClientAPIImpl;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.RemotingSerializable;

/**
 * Driver of {@code AdminApiTest}: the broker's admin request codes that no mqadmin command sends, called through the
 * stock {@code DefaultMQAdminExt} of the version on the classpath (reflection: its classes are not on the apps'
 * compile classpath and moved package in 5.x), and through {@code MQClientAPIImpl} / raw {@code invokeSync} where
 * the admin ext has no method. Output: the {@link Flows} protocol ({@code @@ flow START|CHECK-OK|CHECK-FAIL|FACT|
 * INFO|ERROR|END}); values that differ per run (client ids, addresses, times, TPS) are masked or reduced to
 * properties before they become FACTs.
 *
 * <p>Scenario (names suffixed {@code _<tag>}): topic {@code AA} with 4 queues, 12 messages {@code k-i} sent to queue
 * {@code i % 4} by the live producer {@code pg_admin}; the live push consumer {@code GA} consumes them all and
 * commits offset 3 on every queue; one message delayed with level 1 (client 4.9.8) or 2 (5.3.3) on topic
 * {@code AD}. Then the flows run one after the other (each builds on the broker state the previous ones left),
 * {@code broker-stats} last, at least 11 s after the last send (the broker samples its stats every 10 s).
 *
 * <p>Usage: {@code AdminApiFlows <namesrv> <clientTag> <brokerName> <brokerAddr> <deadlineSeconds>}.
 */
public final class AdminApiFlows {
    interface Flow {
        void run(Report r) throws Exception;
    }

    static final int QUEUES = 4;
    static final int COUNT = 12;
    static final String UNKNOWN_CLIENT = "127.0.0.9@nobody";
    static final Pattern IPV4 = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}(:\\d+)?");

    static String addr;
    static String topic;
    static String delayTopic;
    static String ga;
    static String pg;
    static int delayLevel;
    static Object admin;
    static MQClientAPIImpl api;
    static DefaultMQProducer producer;
    static DefaultMQPushConsumer consumer;
    static String clientId = "<unset>";
    static String producerClientId = "<unset>";
    static long lastSendAt;
    static long consumedAt;
    static final List<String> OFFSET_IDS = new CopyOnWriteArrayList<>();
    static final Map<String, AtomicInteger> DELIVERIES = new ConcurrentHashMap<>();
    static final Report LIFETIME = new Report("lifetime");

    private AdminApiFlows() {
    }

    static Map<String, Flow> flows() {
        Map<String, Flow> m = new LinkedHashMap<>();
        m.put("setup", AdminApiFlows::setup);
        m.put("producer-info", AdminApiFlows::producerInfo);
        m.put("consumer-status", AdminApiFlows::consumerStatus);
        m.put("consumer-running-info", AdminApiFlows::consumerRunningInfo);
        m.put("consume-directly", AdminApiFlows::consumeDirectly);
        m.put("consume-time-span", AdminApiFlows::consumeTimeSpan);
        m.put("consume-stats", AdminApiFlows::consumeStats);
        m.put("topic-stats", AdminApiFlows::topicStats);
        m.put("clone-group-offset", AdminApiFlows::cloneGroupOffset);
        m.put("correction-offset", AdminApiFlows::correctionOffset);
        m.put("all-consumer-offset", AdminApiFlows::allConsumerOffset);
        m.put("topics-by-consumer", AdminApiFlows::topicsByConsumer);
        m.put("subscription-by-consumer", AdminApiFlows::subscriptionByConsumer);
        m.put("config-lists", AdminApiFlows::configLists);
        m.put("group-read-forbidden", AdminApiFlows::groupReadForbidden);
        m.put("message-request-mode", AdminApiFlows::messageRequestMode);
        m.put("all-delay-offset", AdminApiFlows::allDelayOffset);
        m.put("broker-consume-stats", AdminApiFlows::brokerConsumeStats);
        m.put("broker-stats", AdminApiFlows::brokerStats);
        m.put("create-topic", AdminApiFlows::createTopicThenProduce);
        return m;
    }

    public static void main(String[] args) throws Exception {
        Flows.namesrv = args[0];
        Flows.tag = args[1];
        Flows.brokerName = args[2];
        addr = args[3];
        long deadlineMs = Long.parseLong(args[4]) * 1000;
        topic = Flows.name("AA");
        delayTopic = Flows.name("AD");
        ga = Flows.name("GA");
        pg = "pg_" + Flows.name("admin");
        delayLevel = Flows.tag.contains("49") ? 1 : 2;
        Map<String, Flow> all = flows();
        Set<String> ended = ConcurrentHashMap.newKeySet();
        Thread watchdog = new Thread(() -> {
            Flows.sleep(deadlineMs);
            for (String n : all.keySet()) {
                if (!ended.contains(n)) {
                    Report.line(n, "TIMEOUT", "flow still running after " + args[4] + " s");
                }
            }
            System.out.flush();
            Runtime.getRuntime().halt(3);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        for (Map.Entry<String, Flow> e : all.entrySet()) {
            Report r = new Report(e.getKey());
            r.emit("START", "");
            long t0 = System.currentTimeMillis();
            try {
                e.getValue().run(r);
            } catch (Throwable x) {
                r.emit("ERROR", Dyn.error(x).replace('\n', ' '));
                x.printStackTrace();
            } finally {
                r.closeAll();
                r.emit("END", Long.toString(System.currentTimeMillis() - t0));
                ended.add(e.getKey());
            }
        }
        LIFETIME.closeAll();
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Per-run values out of a text: client ids, the broker address, other addresses, epoch millis. */
    static String mask(Object o) {
        String s = String.valueOf(o);
        s = s.replace(clientId, "<CLIENT_ID>").replace(producerClientId, "<PRODUCER_CLIENT_ID>").replace(addr, "<BROKER>");
        s = IPV4.matcher(s).replaceAll("<ADDR>");
        // the NameServer's wording of TOPIC_NOT_EXIST (its FAQ link differs per version) is not the broker's business
        s = s.replaceAll(" ?See https?://\\S+ for further details\\.?", "");
        return s.replaceAll("\\b1\\d{12}\\b", "<MILLIS>");
    }

    /** Runs {@code c}; its result's text, or the exception as "error: ...". */
    static String attempt(Call c) {
        try {
            return mask(c.call());
        } catch (Throwable e) {
            return "error: " + mask(Dyn.error(e));
        }
    }

    interface Call {
        Object call() throws Exception;
    }

    /** A request of {@code code} without a header class, with {@code ext} as its fields, straight to the broker. */
    static RemotingCommand raw(int code, String... ext) throws Exception {
        RemotingCommand req = RemotingCommand.createRequestCommand(code, null);
        for (int i = 0; i + 1 < ext.length; i += 2) {
            req.addExtField(ext[i], ext[i + 1]);
        }
        return api.getRemotingClient().invokeSync(addr, req, 5000);
    }

    static String body(RemotingCommand resp) {
        return resp.getBody() == null ? "" : new String(resp.getBody(), StandardCharsets.UTF_8);
    }

    /** GET_ALL_CONSUMER_OFFSET (43) decoded as ConsumerOffsetSerializeWrapper: "topic@group" -> queue -> offset. */
    @SuppressWarnings("unchecked")
    static Map<String, Map<Integer, Long>> offsets() throws Exception {
        RemotingCommand resp = raw(43);
        if (resp.getCode() != 0) {
            throw new IllegalStateException("GET_ALL_CONSUMER_OFFSET: code " + resp.getCode() + " " + resp.getRemark());
        }
        Object w = RemotingSerializable.decode(resp.getBody(), Dyn.cls("body.ConsumerOffsetSerializeWrapper"));
        Map<String, Map<Integer, Long>> out = new TreeMap<>();
        ((Map<String, Map<Integer, Long>>) Dyn.get(w, "offsetTable")).forEach((k, v) -> out.put(k, new TreeMap<>(v)));
        return out;
    }

    static Map<Integer, Long> expectedOffsets() {
        Map<Integer, Long> m = new TreeMap<>();
        for (int q = 0; q < QUEUES; q++) {
            m.put(q, (long) (COUNT / QUEUES));
        }
        return m;
    }

    /** Entries of a map keyed by MessageQueue, as queueId -> value text, for one topic (sorted). */
    static Map<Integer, Object> byQueue(Map<?, ?> m, String t) {
        Map<Integer, Object> out = new TreeMap<>();
        m.forEach((k, v) -> {
            MessageQueue mq = (MessageQueue) k;
            if (mq.getTopic().equals(t)) {
                out.put(mq.getQueueId(), v);
            }
        });
        return out;
    }

    /** "p=value" for each getter of {@code props} ({@code <none>} if the class has no such getter). */
    static String describe(Object o, String... props) {
        if (o == null) {
            return "null";
        }
        List<String> parts = new ArrayList<>();
        for (String p : props) {
            Object v;
            try {
                v = Dyn.get(o, p);
                if (v instanceof Collection<?> c) {
                    v = new TreeSet<>(c.stream().map(String::valueOf).toList());
                } else if (v instanceof Map<?, ?> mm) {
                    v = new TreeMap<>(mm);
                }
            } catch (NoSuchMethodException e) {
                v = "<none>";
            } catch (Exception e) {
                v = "error: " + Dyn.error(e);
            }
            parts.add(p + "=" + v);
        }
        return mask(String.join(" ", parts));
    }

    static Object newAdmin() throws Exception {
        Object a = Class.forName("org.apache.rocketmq.tools.admin.DefaultMQAdminExt").getConstructor().newInstance();
        Dyn.call(a, "setNamesrvAddr", Flows.namesrv);
        Dyn.call(a, "setInstanceName", Clients.instance("admin"));
        Dyn.call(a, "start");
        LIFETIME.closeLater(() -> {
            try {
                Dyn.call(a, "shutdown");
            } catch (Exception e) {
                // shutting down
            }
        });
        return a;
    }

    static Object newGroupConfig(String name) throws Exception {
        Object g = Dyn.make("subscription.SubscriptionGroupConfig");
        Dyn.call(g, "setGroupName", name);
        return g;
    }

    static boolean v5Admin() {
        return Dyn.has(admin, "queryTopicsByConsumer", 1);
    }

    // ------------------------------------------------------------------------------------------------ flows

    static void setup(Report r) throws Exception {
        admin = newAdmin();
        api = (MQClientAPIImpl) Dyn.call(Dyn.field(Dyn.field(admin, "defaultMQAdminExtImpl"), "mqClientInstance"),
            "getMQClientAPIImpl");
        Dyn.call(admin, "createAndUpdateTopicConfig", addr, new TopicConfig(topic, QUEUES, QUEUES, 6));
        Dyn.call(admin, "createAndUpdateTopicConfig", addr, new TopicConfig(delayTopic, 1, 1, 6));
        producer = Clients.producer(LIFETIME, "admin");
        producerClientId = producer.buildMQClientId();
        r.check(Clients.awaitRoute(producer, topic), "route of " + topic + " published");
        Message dm = Clients.msg(delayTopic, "D", "delayed", "delayed");
        dm.setDelayTimeLevel(delayLevel);
        r.check(producer.send(dm).getSendStatus().name().equals("SEND_OK"), "delayed message (level " + delayLevel + ") sent");
        List<String> offsets = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            SendResult res = producer.send(Clients.msg(topic, "TagA", "k-" + i, "b-" + i),
                new MessageQueue(topic, Flows.brokerName, i % QUEUES));
            OFFSET_IDS.add(res.getOffsetMsgId());
            offsets.add(res.getSendStatus() + "@" + res.getMessageQueue().getQueueId() + ":" + res.getQueueOffset());
        }
        lastSendAt = Flows.now();
        // a 4.9.8 producer announces its group only with its periodic heartbeat (30 s): send one now
        Dyn.call(producer.getDefaultMQProducerImpl().getmQClientFactory(), "sendHeartbeatToAllBrokerWithLock");
        r.fact("sent", offsets);
        consumer = Clients.push(LIFETIME, ga, "ga", topic, "*", ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                DELIVERIES.computeIfAbsent(m.getKeys(), k -> new AtomicInteger()).incrementAndGet();
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        clientId = consumer.buildMQClientId();
        r.info("clientId", clientId);
        r.check(Flows.await(30_000, () -> DELIVERIES.size() == COUNT), "the push consumer received all " + COUNT);
        consumedAt = Flows.now();
        boolean committed = Flows.await(20_000, () -> {
            consumer.getDefaultMQPushConsumerImpl().persistConsumerOffset();
            try {
                return expectedOffsets().equals(offsets().get(topic + "@" + ga));
            } catch (Exception e) {
                return false;
            }
        });
        r.check(committed, "offsets " + expectedOffsets() + " committed for " + ga);
    }

    /**
     * An application that creates its topic through the admin API (`MQAdmin.createTopic(key, newTopic, queueNum)`:
     * the route of TBW102 names the brokers, each gets UPDATE_AND_CREATE_TOPIC) and produces to it at once.
     */
    static void createTopicThenProduce(Report r) throws Exception {
        String created = Flows.name("AC");
        if (Dyn.has(admin, "createTopic", 3)) {
            Dyn.call(admin, "createTopic", "TBW102", created, 6);
        } else {
            Dyn.call(admin, "createTopic", "TBW102", created, 6, new java.util.HashMap<String, String>());
        }
        Object route = Dyn.call(admin, "examineTopicRouteInfo", created);
        List<String> queues = new ArrayList<>();
        for (Object q : (List<?>) Dyn.get(route, "queueDatas")) {
            queues.add(Dyn.get(q, "readQueueNums") + "/" + Dyn.get(q, "writeQueueNums") + " perm " + Dyn.get(q, "perm"));
        }
        r.fact("route right after createTopic", queues);
        SendResult res = producer.send(Clients.msg(created, "TagA", "ac", "created-through-the-admin-api"));
        r.check(res.getSendStatus().name().equals("SEND_OK"), "a producer sends to the topic the admin API created");
        r.fact("send status", res.getSendStatus().name());
        r.fact("queue of the send < 6", res.getMessageQueue().getQueueId() < 6);
    }

    @SuppressWarnings("unchecked")
    static void producerInfo(Report r) throws Exception {
        Object info = Dyn.call(admin, "getAllProducerInfo", addr);
        Map<String, List<Object>> data = (Map<String, List<Object>>) Dyn.get(info, "data");
        Set<String> groups = new TreeSet<>();
        data.keySet().stream().filter(g -> g.contains(Flows.tag) || g.equals("CLIENT_INNER_PRODUCER")).forEach(groups::add);
        r.fact("groups (this driver's and CLIENT_INNER_PRODUCER)", groups);
        List<Object> ours = data.get(pg);
        r.check(ours != null && ours.size() == 1, "one producer listed in " + pg);
        if (ours != null && !ours.isEmpty()) {
            Object p = ours.get(0);
            r.check(producerClientId.equals(Dyn.get(p, "clientId")), "its clientId is the producer's");
            r.check(String.valueOf(Dyn.get(p, "remoteIP")).contains("127.0.0.1"), "its remoteIP is the loopback");
            r.check(((Number) Dyn.get(p, "lastUpdateTimestamp")).longValue() > 0, "lastUpdateTimestamp > 0");
            r.fact("producer", describe(p, "clientId", "language", "version"));
            r.info("raw", mask(RemotingSerializable.toJson(p, false)));
        }
    }

    @SuppressWarnings("unchecked")
    static void consumerStatus(Report r) throws Exception {
        for (String[] c : new String[][] {{"by clientId", clientId}, {"blank clientId", ""}, {"unknown clientId", UNKNOWN_CLIENT}}) {
            r.fact(c[0], attempt(() -> {
                Map<String, Map<MessageQueue, Long>> m =
                    (Map<String, Map<MessageQueue, Long>>) Dyn.call(admin, "getConsumeStatus", topic, ga, c[1]);
                Map<String, Object> out = new TreeMap<>();
                m.forEach((k, v) -> out.put(k, byQueue(v, topic)));
                return out;
            }));
        }
        Map<String, Map<MessageQueue, Long>> m =
            (Map<String, Map<MessageQueue, Long>>) Dyn.call(admin, "getConsumeStatus", topic, ga, clientId);
        r.check(m.size() == 1 && expectedOffsets().equals(byQueue(m.getOrDefault(clientId, Map.of()), topic)),
            "the live consumer reports offset 3 on every queue");
        r.fact("no consumer online (group without clients)", attempt(() -> {
            try {
                return Dyn.call(admin, "getConsumeStatus", topic, Flows.name("GA_none"), "");
            } catch (Exception e) {
                return "error " + e.getClass().getSimpleName() + " code=" + Dyn.get(e, "responseCode");
            }
        }));
    }

    static void consumerRunningInfo(Report r) throws Exception {
        // The admin ext finds the consumer through the route of its %RETRY% topic, which the broker creates and
        // registers after the group's first heartbeat (asynchronously on the Java 4.9.7 broker): wait for it.
        String retry = "%RETRY%" + ga;
        long t0 = Flows.now();
        boolean routed = Flows.await(30_000, () -> {
            try {
                Dyn.call(admin, "examineTopicRouteInfo", retry);
                return true;
            } catch (Exception e) {
                return false;
            }
        });
        r.info("route of " + retry, (routed ? "after " : "still missing after ") + (Flows.now() - t0) + " ms");
        Object info = Dyn.call(admin, "getConsumerRunningInfo", ga, clientId, false);
        Properties props = (Properties) Dyn.get(info, "properties");
        r.check(props.containsKey("PROP_CONSUME_TYPE"), "PROP_CONSUME_TYPE present");
        r.fact("PROP_CONSUME_TYPE", props.getProperty("PROP_CONSUME_TYPE"));
        r.fact("PROP_CONSUMEORDERLY", props.getProperty("PROP_CONSUMEORDERLY"));
        r.fact("property keys", new TreeSet<>(props.stringPropertyNames()));
        Set<String> subs = new TreeSet<>();
        for (Object sd : (Collection<?>) Dyn.get(info, "subscriptionSet")) {
            subs.add(Dyn.get(sd, "topic") + ":" + Dyn.get(sd, "subString"));
        }
        r.fact("subscriptions", subs);
        Map<Integer, Object> mq = byQueue((Map<?, ?>) Dyn.get(info, "mqTable"), topic);
        r.fact("mqTable queues", mq.keySet());
        r.fact("unknown clientId", attempt(() -> Dyn.call(admin, "getConsumerRunningInfo", ga, UNKNOWN_CLIENT, false)));
    }

    static void consumeDirectly(Report r) throws Exception {
        String key = "k-5";
        int before = DELIVERIES.get(key).get();
        Object res = Dyn.call(admin, "consumeMessageDirectly", ga, clientId, topic, OFFSET_IDS.get(5));
        r.check("CR_SUCCESS".equals(String.valueOf(Dyn.get(res, "consumeResult"))), "consumeResult CR_SUCCESS");
        r.check(Flows.await(5000, () -> DELIVERIES.get(key).get() == before + 1), "the listener got " + key + " once more");
        r.fact("result", describe(res, "consumeResult", "order", "autoCommit"));
        r.info("remark", Dyn.get(res, "remark"));
        r.fact("unknown clientId", attempt(() -> describe(
            Dyn.call(admin, "consumeMessageDirectly", ga, UNKNOWN_CLIENT, topic, OFFSET_IDS.get(6)), "consumeResult")));
    }

    static void consumeTimeSpan(Report r) throws Exception {
        for (String[] c : new String[][] {{"consumed group", ga}, {"group without offsets", Flows.name("GA_none")}}) {
            List<?> spans = (List<?>) Dyn.call(admin, "queryConsumeTimeSpan", topic, c[1]);
            Map<Integer, String> out = new TreeMap<>();
            boolean ordered = true;
            for (Object s : spans) {
                MessageQueue mq = (MessageQueue) Dyn.get(s, "messageQueue");
                long min = (Long) Dyn.get(s, "minTimeStamp");
                long max = (Long) Dyn.get(s, "maxTimeStamp");
                long consume = (Long) Dyn.get(s, "consumeTimeStamp");
                long delay = (Long) Dyn.get(s, "delayTime");
                ordered &= min > 0 && min <= consume && consume <= max;
                out.put(mq.getQueueId(), mq.getTopic().equals(topic) + " min>0:" + (min > 0) + " consume=" + (consume == max
                    ? "max" : consume == min ? "min" : "between") + " delay" + (delay == 0 ? "=0" : delay > 0 ? ">0" : "<0"));
            }
            r.check(ordered, c[0] + ": 0 < min <= consume <= max on every queue");
            r.check(spans.size() == QUEUES, c[0] + ": " + QUEUES + " queues");
            r.fact(c[0], out);
        }
    }

    @SuppressWarnings("unchecked")
    static void consumeStats(Report r) throws Exception {
        Object cs;
        try {
            cs = Dyn.call(admin, "examineConsumeStats", ga);
        } catch (Exception e) {
            r.fact("examineConsumeStats", "error: " + mask(Dyn.error(e)));
            return;
        }
        Map<Integer, Object> q = byQueue((Map<?, ?>) Dyn.get(cs, "offsetTable"), topic);
        Map<Integer, String> out = new TreeMap<>();
        boolean stamped = true;
        for (Map.Entry<Integer, Object> e : q.entrySet()) {
            out.put(e.getKey(), Dyn.get(e.getValue(), "brokerOffset") + "/" + Dyn.get(e.getValue(), "consumerOffset"));
            stamped &= ((Long) Dyn.get(e.getValue(), "lastTimestamp")) > 0;
        }
        r.check(stamped, "lastTimestamp > 0 on every queue");
        r.check(out.size() == QUEUES && out.values().stream().allMatch("3/3"::equals), "broker/consumer offsets 3/3");
        r.fact("offsets (broker/consumer)", out);
        Set<String> topics = new TreeSet<>(((Map<MessageQueue, Object>) Dyn.get(cs, "offsetTable")).keySet().stream()
            .map(MessageQueue::getTopic).toList());
        // the retry topic is listed once the consumer committed its retry queue's offset: a 4.x broker holds that
        // first (empty) pull up to 15 s, so whether it is there yet depends on timing
        r.info("topics", topics);
        topics.removeIf(t -> t.startsWith("%RETRY%"));
        r.fact("topics (no retry topic)", topics);
        r.fact("totalDiff", Dyn.call(cs, "computeTotalDiff"));
        r.info("consumeTps", Dyn.get(cs, "consumeTps"));
        r.fact("with topic", attempt(() -> {
            Object c2 = Dyn.call(admin, "examineConsumeStats", ga, topic);
            Map<Integer, String> o2 = new TreeMap<>();
            byQueue((Map<?, ?>) Dyn.get(c2, "offsetTable"), topic).forEach((k, v) -> {
                try {
                    o2.put(k, Dyn.get(v, "brokerOffset") + "/" + Dyn.get(v, "consumerOffset"));
                } catch (Exception e) {
                    o2.put(k, "error");
                }
            });
            return o2;
        }));
        r.fact("unknown group", attempt(() -> Dyn.call(admin, "examineConsumeStats", Flows.name("GA_none"))));
    }

    static void topicStats(Report r) throws Exception {
        for (String t : List.of(topic, delayTopic)) {
            Object ts;
            try {
                ts = Dyn.call(admin, "examineTopicStats", t);
                if (t.equals(delayTopic)) {
                    // the delayed message (1 or 2 s) may not have been delivered yet: wait up to 10 s
                    for (long end = Flows.now() + 10_000; Flows.now() < end && !delivered(ts); Flows.sleep(200)) {
                        ts = Dyn.call(admin, "examineTopicStats", t);
                    }
                }
            } catch (Exception e) {
                r.fact("examineTopicStats " + t.substring(0, 2), "error: " + mask(Dyn.error(e)));
                continue;
            }
            Map<Integer, String> out = new TreeMap<>();
            boolean stamped = true;
            for (Map.Entry<Integer, Object> e : byQueue((Map<?, ?>) Dyn.get(ts, "offsetTable"), t).entrySet()) {
                out.put(e.getKey(), Dyn.get(e.getValue(), "minOffset") + "-" + Dyn.get(e.getValue(), "maxOffset"));
                stamped &= ((Long) Dyn.get(e.getValue(), "lastUpdateTimestamp")) > 0 || t.equals(delayTopic);
            }
            r.check(stamped, t + ": lastUpdateTimestamp > 0 on every queue");
            r.fact(t.equals(topic) ? "AA min-max" : "AD min-max", out);
        }
    }

    static boolean delivered(Object topicStats) throws Exception {
        for (Object o : ((Map<?, ?>) Dyn.get(topicStats, "offsetTable")).values()) {
            if ((Long) Dyn.get(o, "maxOffset") > 0) {
                return true;
            }
        }
        return false;
    }

    static void cloneGroupOffset(Report r) throws Exception {
        String dst = Flows.name("GA_clone");
        String offline = Flows.name("GA_offline");
        String blank = Flows.name("GA_blank");
        String other = Flows.name("GA_other");
        r.fact("clone online", attempt(() -> Dyn.call(admin, "cloneGroupOffset", ga, dst, topic, false)));
        r.fact("clone offline", attempt(() -> Dyn.call(admin, "cloneGroupOffset", ga, offline, topic, true)));
        r.fact("clone blank topic", attempt(() -> Dyn.call(admin, "cloneGroupOffset", ga, blank, "", false)));
        r.fact("clone unsubscribed topic", attempt(() -> Dyn.call(admin, "cloneGroupOffset", ga, other, delayTopic, false)));
        Map<String, Map<Integer, Long>> all = offsets();
        Map<Integer, Long> src = all.get(topic + "@" + ga);
        r.check(src != null && src.equals(all.get(topic + "@" + dst)), "dest offsets equal the source's (online)");
        r.check(src != null && src.equals(all.get(topic + "@" + offline)), "dest offsets equal the source's (offline)");
        for (String g : List.of(dst, offline, blank, other)) {
            Map<String, Object> of = new TreeMap<>();
            all.forEach((k, v) -> {
                if (k.endsWith("@" + g)) {
                    of.put(k, v);
                }
            });
            r.fact("offsets of " + g.substring(0, g.lastIndexOf('_')), of);
        }
        r.fact("unknown source group", attempt(() -> Dyn.call(admin, "cloneGroupOffset", Flows.name("GA_none"), dst, topic, false)));
    }

    @SuppressWarnings("unchecked")
    static void correctionOffset(Report r) throws Exception {
        String low = Flows.name("GA_low");
        Dyn.call(admin, "createAndUpdateSubscriptionGroupConfig", addr, newGroupConfig(low));
        for (int q = 0; q < 2; q++) {
            RemotingCommand resp = raw(15, "consumerGroup", low, "topic", topic, "queueId", Integer.toString(q),
                "commitOffset", Integer.toString(q + 1));
            r.check(resp.getCode() == 0, "UPDATE_CONSUMER_OFFSET " + low + " q" + q + " -> " + (q + 1) + ": code " + resp.getCode());
        }
        r.fact("compare " + "GA", attempt(() -> new TreeMap<>(api.queryCorrectionOffset(addr, topic, ga, new HashSet<>(), 5000))));
        r.fact("compare GA_low", attempt(() -> new TreeMap<>(api.queryCorrectionOffset(addr, topic, low, new HashSet<>(), 5000))));
        r.fact("compare GA filter GA_low", attempt(() -> new TreeMap<>(api.queryCorrectionOffset(addr, topic, ga, Set.of(low), 5000))));
        Map<Integer, Long> min = api.queryCorrectionOffset(addr, topic, ga, new HashSet<>(), 5000);
        r.check(min.size() == QUEUES, "one offset per queue");
        r.fact("GA_low offsets after the filtered query", offsets().get(topic + "@" + low));
        r.fact("unknown topic", attempt(() -> new TreeMap<>(api.queryCorrectionOffset(addr, Flows.name("NoSuch"), ga, new HashSet<>(), 5000))));
    }

    @SuppressWarnings("unchecked")
    static void allConsumerOffset(Report r) throws Exception {
        RemotingCommand resp = raw(43);
        r.check(resp.getCode() == 0, "GET_ALL_CONSUMER_OFFSET answered SUCCESS");
        r.fact("code", resp.getCode());
        r.fact("json keys", Dyn.jsonKeys(body(resp)));
        Object w = RemotingSerializable.decode(resp.getBody(), Dyn.cls("body.ConsumerOffsetSerializeWrapper"));
        Map<String, Map<Integer, Long>> table = (Map<String, Map<Integer, Long>>) Dyn.get(w, "offsetTable");
        r.check(table != null, "the body parses as ConsumerOffsetSerializeWrapper");
        Map<String, Object> ours = new TreeMap<>();
        table.forEach((k, v) -> {
            if (k.contains("_" + Flows.tag) && !k.startsWith("%RETRY%")) {
                ours.put(k, new TreeMap<>(v));
            }
        });
        r.fact("this driver's entries (no retry topics)", ours);
    }

    static void topicsByConsumer(Report r) throws Exception {
        if (!v5Admin()) {
            r.info("skipped", "DefaultMQAdminExt of this client has no queryTopicsByConsumer");
            return;
        }
        r.fact("GA", attempt(() -> {
            Object tl = Dyn.call(admin, "queryTopicsByConsumer", ga);
            Set<String> ts = new TreeSet<>();
            for (Object t : (Collection<?>) Dyn.get(tl, "topicList")) {
                if (!String.valueOf(t).startsWith("%RETRY%")) {
                    ts.add(String.valueOf(t));
                }
            }
            return ts + " brokerAddr=" + Dyn.get(tl, "brokerAddr");
        }));
        r.fact("GA_clone (offsets only, no retry topic route)", attempt(() -> Dyn.call(admin, "queryTopicsByConsumer", Flows.name("GA_clone"))));
    }

    static void subscriptionByConsumer(Report r) throws Exception {
        if (!Dyn.has(api, "querySubscriptionByConsumer", 4)) {
            r.info("skipped", "MQClientAPIImpl of this client has no querySubscriptionByConsumer");
            return;
        }
        String[] props = {"topic", "subString", "tagsSet", "expressionType", "classFilterMode"};
        r.fact("GA/AA", attempt(() -> describe(Dyn.call(api, "querySubscriptionByConsumer", addr, ga, topic, 5000L), props)));
        r.fact("GA/AD (not subscribed)", attempt(() -> describe(Dyn.call(api, "querySubscriptionByConsumer", addr, ga, delayTopic, 5000L), props)));
        r.fact("unknown group", attempt(() -> describe(Dyn.call(api, "querySubscriptionByConsumer", addr, Flows.name("GA_none"), topic, 5000L), props)));
    }

    static final String[] TOPIC_PROPS = {"topicName", "readQueueNums", "writeQueueNums", "perm", "topicFilterType",
        "topicSysFlag", "order", "attributes"};
    static final String[] GROUP_PROPS = {"groupName", "consumeEnable", "consumeFromMinEnable", "consumeBroadcastEnable",
        "consumeMessageOrderly", "retryQueueNums", "retryMaxTimes", "brokerId", "whichBrokerWhenConsumeSlowly",
        "notifyConsumerIdsChangedEnable", "groupSysFlag", "consumeTimeoutMinute", "attributes"};

    static void configLists(Report r) throws Exception {
        TopicConfig t1 = new TopicConfig(Flows.name("AL1"), 2, 2, 6);
        TopicConfig t2 = new TopicConfig(Flows.name("AL2"), 3, 1, 4);
        t2.setOrder(true);
        Object g1 = newGroupConfig(Flows.name("SL1"));
        Dyn.call(g1, "setRetryMaxTimes", 5);
        Object g2 = newGroupConfig(Flows.name("SL2"));
        Dyn.call(g2, "setConsumeBroadcastEnable", false);
        Dyn.call(g2, "setRetryQueueNums", 2);
        boolean lists = Dyn.has(admin, "createAndUpdateTopicConfigList", 2);
        r.info("path", lists ? "createAndUpdateTopicConfigList (18) / createAndUpdateSubscriptionGroupConfigList (225),"
            + " examineTopicConfig (351), GET_SUBSCRIPTIONGROUP_CONFIG (352) and examineSubscriptionGroupConfig (201)"
            : "createAndUpdateTopicConfig (17) / createAndUpdateSubscriptionGroupConfig (200) each, examineTopicConfig"
            + " (21) and examineSubscriptionGroupConfig (201): this client has no list methods");
        if (lists) {
            r.fact("create topics", attempt(() -> Dyn.call(admin, "createAndUpdateTopicConfigList", addr, List.of(t1, t2))));
            r.fact("create groups", attempt(() -> Dyn.call(admin, "createAndUpdateSubscriptionGroupConfigList", addr, List.of(g1, g2))));
        } else {
            for (TopicConfig t : List.of(t1, t2)) {
                Dyn.call(admin, "createAndUpdateTopicConfig", addr, t);
            }
            for (Object g : List.of(g1, g2)) {
                Dyn.call(admin, "createAndUpdateSubscriptionGroupConfig", addr, g);
            }
        }
        for (TopicConfig t : List.of(t1, t2)) {
            r.fact("topic " + t.getTopicName().substring(0, 3),
                attempt(() -> describe(Dyn.call(admin, "examineTopicConfig", addr, t.getTopicName()), TOPIC_PROPS)));
        }
        r.fact("unknown topic", attempt(() -> describe(Dyn.call(admin, "examineTopicConfig", addr, Flows.name("NoSuch")), TOPIC_PROPS)));
        for (String g : List.of(Flows.name("SL1"), Flows.name("SL2"))) {
            String label = g.substring(0, 3);
            r.fact("group " + label + " (201)", attempt(() -> describe(Dyn.call(admin, "examineSubscriptionGroupConfig", addr, g), GROUP_PROPS)));
            if (lists) {
                r.fact("group " + label + " (352)", attempt(() -> describe(Dyn.call(api, "getSubscriptionGroupConfig", addr, g, 5000L), GROUP_PROPS)));
            }
        }
        if (lists) {
            r.fact("unknown group (352)", attempt(() -> describe(Dyn.call(api, "getSubscriptionGroupConfig", addr, Flows.name("NoSuch"), 5000L), GROUP_PROPS)));
        }
    }

    static void groupReadForbidden(Report r) throws Exception {
        if (!Dyn.has(admin, "updateAndGetGroupReadForbidden", 4)) {
            r.info("skipped", "DefaultMQAdminExt of this client has no updateAndGetGroupReadForbidden");
            return;
        }
        String g = Flows.name("GF");
        Boolean[] steps = {null, false, null, true, null};
        for (int i = 0; i < steps.length; i++) {
            Boolean readable = steps[i];
            r.fact("step " + i + " readable:" + readable,
                attempt(() -> describe(Dyn.call(admin, "updateAndGetGroupReadForbidden", addr, g, topic, readable), "group", "topic", "readable")));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void messageRequestMode(Report r) throws Exception {
        String pop = Flows.name("GA_pop");
        if (Dyn.has(admin, "setMessageRequestMode", 6)) {
            Class mode = Class.forName("org.apache.rocketmq.common.message.MessageRequestMode");
            r.fact("set POP for GA_pop", attempt(() -> Dyn.call(admin, "setMessageRequestMode", addr, topic, pop,
                Enum.valueOf(mode, "POP"), 2, 5000L)));
        } else {
            r.info("set", "DefaultMQAdminExt of this client has no setMessageRequestMode");
        }
        RemotingCommand resp = raw(402);
        r.fact("code", resp.getCode());
        r.fact("remark", resp.getCode() == 0 ? "" : mask(resp.getRemark()));
        if (resp.getCode() == 0) {
            r.fact("json keys", Dyn.jsonKeys(body(resp)));
            try {
                Object w = RemotingSerializable.decode(resp.getBody(), Dyn.cls("body.MessageRequestModeSerializeWrapper"));
                Map<String, Map<String, Object>> m = (Map<String, Map<String, Object>>) Dyn.get(w, "messageRequestModeMap");
                Map<String, Object> ours = m.get(topic);
                Map<String, String> out = new TreeMap<>();
                if (ours != null) {
                    ours.forEach((grp, body) -> out.put(grp, describe(body, "topic", "consumerGroup", "mode", "popShareQueueNum")));
                }
                r.fact("entries of AA", out);
            } catch (ClassNotFoundException e) {
                r.info("parse", "no MessageRequestModeSerializeWrapper in this client");
                r.fact("mentions GA_pop", body(resp).contains(pop));
            }
        }
    }

    /**
     * The shape of the broker's DelayOffsetSerializeWrapper (4.x: rocketmq-store, 5.x: rocketmq-broker; neither is
     * on a client's classpath): the fields a client can rely on.
     */
    public static class DelayOffsets {
        private ConcurrentMap<Integer, Long> offsetTable = new ConcurrentHashMap<>();

        public ConcurrentMap<Integer, Long> getOffsetTable() {
            return offsetTable;
        }

        public void setOffsetTable(ConcurrentMap<Integer, Long> offsetTable) {
            this.offsetTable = offsetTable;
        }
    }

    static Class<?> delayWrapper() {
        for (String c : new String[] {"org.apache.rocketmq.broker.schedule.DelayOffsetSerializeWrapper",
            "org.apache.rocketmq.store.schedule.DelayOffsetSerializeWrapper"}) {
            try {
                return Class.forName(c);
            } catch (ClassNotFoundException e) {
                // not on this classpath
            }
        }
        return DelayOffsets.class;
    }

    @SuppressWarnings("unchecked")
    static void allDelayOffset(Report r) throws Exception {
        long[] level = {-1};
        RemotingCommand[] last = {null};
        String[] problem = {""};
        r.info("decoded as", delayWrapper().getName());
        boolean delivered = Flows.await(15_000, () -> {
            try {
                last[0] = raw(45);
                Object w = RemotingSerializable.decode(last[0].getBody(), delayWrapper());
                Map<Object, Long> t = (Map<Object, Long>) Dyn.get(w, "offsetTable");
                level[0] = -1;
                t.forEach((k, v) -> {
                    if (String.valueOf(k).equals(Integer.toString(delayLevel))) {
                        level[0] = v;
                    }
                });
                return level[0] >= 1;
            } catch (Exception e) {
                problem[0] = Dyn.error(e);
                return false;
            }
        });
        r.check(last[0] != null && last[0].getCode() == 0, "GET_ALL_DELAY_OFFSET answered SUCCESS");
        r.check(delivered, "the body parses as DelayOffsetSerializeWrapper and level " + delayLevel + "'s offset reaches 1");
        r.fact("code", last[0] == null ? "none" : last[0].getCode());
        r.fact("json keys", last[0] == null ? "none" : Dyn.jsonKeys(body(last[0])));
        r.fact("offset of level " + delayLevel, level[0]);
        r.info("body", last[0] == null ? "none" : mask(body(last[0])));
        r.info("problem", problem[0]);
    }

    @SuppressWarnings("unchecked")
    static void brokerConsumeStats(Report r) throws Exception {
        for (boolean order : new boolean[] {false, true}) {
            Object list = Dyn.call(admin, "fetchConsumeStatsInBroker", addr, order, 5000L);
            long totalDiff = (Long) Dyn.get(list, "totalDiff");
            r.check(totalDiff >= 0, "totalDiff >= 0 (isOrder=" + order + ")");
            r.info("totalDiff isOrder:" + order, totalDiff);
            r.fact("brokerAddr isOrder:" + order, mask(Dyn.get(list, "brokerAddr")));
            Map<String, Object> ours = new TreeMap<>();
            for (Map<String, List<Object>> m : (List<Map<String, List<Object>>>) Dyn.get(list, "consumeStatsList")) {
                for (Map.Entry<String, List<Object>> e : m.entrySet()) {
                    if (!e.getKey().contains("_" + Flows.tag)) {
                        continue;
                    }
                    List<String> stats = new ArrayList<>();
                    for (Object cs : e.getValue()) {
                        Map<MessageQueue, Object> ot = (Map<MessageQueue, Object>) Dyn.get(cs, "offsetTable");
                        Set<String> topics = new TreeSet<>(ot.keySet().stream().map(MessageQueue::getTopic).toList());
                        if (topics.stream().allMatch(t -> t.startsWith("%RETRY%"))) {
                            continue;
                        }
                        Map<Integer, String> q = new TreeMap<>();
                        for (Map.Entry<MessageQueue, Object> o : ot.entrySet()) {
                            q.put(o.getKey().getQueueId(), Dyn.get(o.getValue(), "brokerOffset") + "/" + Dyn.get(o.getValue(), "consumerOffset"));
                        }
                        stats.add(topics + " " + q + " diff=" + Dyn.call(cs, "computeTotalDiff"));
                    }
                    stats.sort(null);
                    ours.put(e.getKey(), stats);
                }
            }
            r.fact("this driver's groups isOrder:" + order, ours);
        }
    }

    static void brokerStats(Report r) throws Exception {
        // the broker samples every 10 s; the last put / get must be before a sample (gets end when consumption does)
        long wait = Math.max(lastSendAt, consumedAt) + 11_000 - Flows.now();
        if (wait > 0) {
            Flows.sleep(wait);
        }
        Object put = Dyn.call(admin, "viewBrokerStatsData", addr, "TOPIC_PUT_NUMS", topic);
        long sum = (Long) Dyn.get(Dyn.get(put, "statsMinute"), "sum");
        r.check(sum >= COUNT, "TOPIC_PUT_NUMS " + topic + ": statsMinute.sum " + sum + " >= " + COUNT + " sent");
        r.fact("TOPIC_PUT_NUMS statsMinute.sum", sum);
        r.info("TOPIC_PUT_NUMS", mask(RemotingSerializable.toJson(put, false)));
        Object get = Dyn.call(admin, "viewBrokerStatsData", addr, "GROUP_GET_NUMS", topic + "@" + ga);
        r.fact("GROUP_GET_NUMS statsMinute.sum", Dyn.get(Dyn.get(get, "statsMinute"), "sum"));
        r.info("GROUP_GET_NUMS", mask(RemotingSerializable.toJson(get, false)));
        r.fact("unknown key", attempt(() -> Dyn.call(admin, "viewBrokerStatsData", addr, "TOPIC_PUT_NUMS", Flows.name("NoSuch"))));
        r.fact("unknown stats name", attempt(() -> Dyn.call(admin, "viewBrokerStatsData", addr, "NO_SUCH_STATS", topic)));
    }
}
