package io.thruster.compat.apps;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Stock client objects, configured the same way for every flow, and a recorder of deliveries. Only API present
 * with the same signature in 4.9.8 and 5.3.3 is linked directly; MessageModel (moved package in 5.x) goes
 * through reflection.
 */
final class Clients {
    private static final AtomicInteger SEQ = new AtomicInteger();

    /**
     * Heartbeat period of the suite's consumers (default 30 s). After a rebalance the client raises its
     * subscription version and sends a heartbeat, but only if it wins a tryLock against the heartbeat already in
     * flight (MQClientInstance.sendHeartbeatToAllBrokerWithLock[V2]); when it loses, every pull is answered
     * SUBSCRIPTION_NOT_LATEST until the next periodic heartbeat. Seen with both Java brokers; 2 s bounds the stall.
     */
    static final int HEARTBEAT_MS = 2000;

    private Clients() {
    }

    static String instance(String what) {
        return what + "-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
    }

    /** A started producer of group {@code pg_<base>_<tag>}; shut down when the flow ends. */
    static DefaultMQProducer producer(Report r, String base) throws Exception {
        DefaultMQProducer p = new DefaultMQProducer("pg_" + Flows.name(base));
        p.setNamesrvAddr(Flows.namesrv);
        p.setInstanceName(instance("p-" + base));
        p.setSendMsgTimeout(5000);
        p.start();
        r.closeLater(p::shutdown);
        return p;
    }

    static Message msg(String topic, String tags, String key, String body) {
        return new Message(topic, tags, key, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code n} messages {@code <prefix>-<i>} (key = body) with {@code tags}; fails on any non-SEND_OK. */
    static List<String> sendAll(DefaultMQProducer p, String topic, String tags, String prefix, int n) throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String k = prefix + "-" + i;
            var res = p.send(msg(topic, tags, k, k));
            if (!"SEND_OK".equals(res.getSendStatus().name())) {
                throw new IllegalStateException("send " + k + ": " + res);
            }
            keys.add(k);
        }
        return keys;
    }

    /** Waits until the NameServer has a route with queues for {@code topic} (true) or 15 s passed. */
    static boolean awaitRoute(DefaultMQProducer p, String topic) {
        return Flows.await(15_000, () -> {
            try {
                return !p.fetchPublishMessageQueues(topic).isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
    }

    static DefaultMQPushConsumer push(Report r, String group, String instance, String topic, String expr,
        ConsumeFromWhere cfw) throws Exception {
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(group);
        c.setNamesrvAddr(Flows.namesrv);
        c.setInstanceName(instance(instance));
        c.setConsumeFromWhere(cfw);
        c.setConsumeThreadMin(4);
        c.setConsumeThreadMax(4);
        c.setHeartbeatBrokerInterval(HEARTBEAT_MS);
        c.subscribe(topic, expr);
        r.closeLater(c::shutdown);
        return c;
    }

    static DefaultMQPullConsumer pullConsumer(Report r, String group) throws Exception {
        DefaultMQPullConsumer c = new DefaultMQPullConsumer(group);
        c.setNamesrvAddr(Flows.namesrv);
        c.setInstanceName(instance("pull-" + group));
        c.start();
        r.closeLater(c::shutdown);
        return c;
    }

    static DefaultLitePullConsumer litePull(Report r, String group) {
        DefaultLitePullConsumer c = new DefaultLitePullConsumer(group);
        c.setNamesrvAddr(Flows.namesrv);
        c.setInstanceName(instance("lite-" + group));
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.setHeartbeatBrokerInterval(HEARTBEAT_MS);
        r.closeLater(c::shutdown);
        return c;
    }

    /** setMessageModel(BROADCASTING) on a consumer of either version (the enum moved package in 5.x). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void broadcasting(Object consumer) throws Exception {
        for (Method m : consumer.getClass().getMethods()) {
            if (m.getName().equals("setMessageModel") && m.getParameterCount() == 1) {
                Class t = m.getParameterTypes()[0];
                m.invoke(consumer, Enum.valueOf(t, "BROADCASTING"));
                return;
            }
        }
        throw new IllegalStateException("no setMessageModel");
    }

    /** Queues of {@code topic} currently held (not dropped) by a push consumer's rebalance. */
    static Set<Integer> owned(DefaultMQPushConsumer c, String topic) {
        Set<Integer> out = new TreeSet<>();
        for (Map.Entry<MessageQueue, ProcessQueue> e
            : c.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().entrySet()) {
            if (e.getKey().getTopic().equals(topic) && !e.getValue().isDropped()) {
                out.add(e.getKey().getQueueId());
            }
        }
        return out;
    }

    /** Property keys of a message, sorted, without the ones the consuming client adds itself. */
    static String propertyKeys(MessageExt m) {
        Set<String> keys = new TreeSet<>(m.getProperties().keySet());
        keys.removeAll(Set.of("MIN_OFFSET", "MAX_OFFSET", "CONSUME_START_TIME"));
        return String.join(",", keys);
    }

    static String bodyText(byte[] body) {
        if (body == null) {
            return "<null>";
        }
        if (body.length <= 256) {
            return new String(body, StandardCharsets.UTF_8);
        }
        CRC32 crc = new CRC32();
        crc.update(body);
        return "len" + body.length + "-crc" + Long.toHexString(crc.getValue());
    }

    /** One delivery of a message to a listener. */
    record Delivery(String consumer, String key, String body, String topic, String tags, int queueId,
        long queueOffset, int reconsumeTimes, long at, long bornTs, long storeTs, String msgId, String props,
        Map<String, String> properties, int sysFlag) {
    }

    static Delivery delivery(String consumer, MessageExt m) {
        return new Delivery(consumer, m.getKeys(), bodyText(m.getBody()), m.getTopic(), m.getTags(), m.getQueueId(),
            m.getQueueOffset(), m.getReconsumeTimes(), Flows.now(), m.getBornTimestamp(), m.getStoreTimestamp(),
            m.getMsgId(), propertyKeys(m), new TreeMap<>(m.getProperties()), m.getSysFlag());
    }

    /** Thread-safe record of deliveries, possibly from several consumers. */
    static final class Received {
        final List<Delivery> list = Collections.synchronizedList(new ArrayList<>());

        MessageListenerConcurrently listener(String consumer) {
            return (msgs, ctx) -> {
                for (MessageExt m : msgs) {
                    list.add(delivery(consumer, m));
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            };
        }

        List<Delivery> snapshot() {
            synchronized (list) {
                return new ArrayList<>(list);
            }
        }

        List<Delivery> of(Predicate<Delivery> p) {
            return snapshot().stream().filter(p).collect(Collectors.toList());
        }

        Set<String> keys(Predicate<Delivery> p) {
            return of(p).stream().map(Delivery::key).collect(Collectors.toCollection(TreeSet::new));
        }

        Set<String> keys() {
            return keys(d -> true);
        }

        boolean hasAll(java.util.Collection<String> keys) {
            return keys().containsAll(keys);
        }

        /** Deliveries beyond the first of each key. */
        int duplicates(Predicate<Delivery> p) {
            List<Delivery> l = of(p);
            return l.size() - (int) l.stream().map(Delivery::key).distinct().count();
        }
    }

    /** QUERY_CONSUMER_OFFSET (14) request header, field names as the client sends them. */
    public static final class QueryOffsetHeader implements org.apache.rocketmq.remoting.CommandCustomHeader {
        public String consumerGroup;
        public String topic;
        public Integer queueId;

        @Override
        public void checkFields() {
        }
    }

    /**
     * The group's committed offset of a queue as the broker answers QUERY_CONSUMER_OFFSET, sent through the
     * producer's remoting client (a pull consumer of the group would join the group and trigger a rebalance);
     * null when the broker answers anything but SUCCESS. The producer must know the broker's address.
     */
    static Long committedOffset(DefaultMQProducer p, String brokerName, String group, String topic, int queueId)
        throws Exception {
        var factory = p.getDefaultMQProducerImpl().getMqClientFactory();
        String addr = factory.findBrokerAddressInPublish(brokerName);
        if (addr == null) {
            factory.updateTopicRouteInfoFromNameServer(topic);
            addr = factory.findBrokerAddressInPublish(brokerName);
        }
        QueryOffsetHeader h = new QueryOffsetHeader();
        h.consumerGroup = group;
        h.topic = topic;
        h.queueId = queueId;
        var req = org.apache.rocketmq.remoting.protocol.RemotingCommand.createRequestCommand(14, h);
        var resp = factory.getMQClientAPIImpl().getRemotingClient().invokeSync(addr, req, 5000);
        if (resp.getCode() != 0 || resp.getExtFields() == null || resp.getExtFields().get("offset") == null) {
            return null;
        }
        return Long.parseLong(resp.getExtFields().get("offset"));
    }

    /** Sorted list rendering for facts. */
    static String sorted(java.util.Collection<?> c) {
        return c.stream().map(String::valueOf).sorted().collect(Collectors.joining(","));
    }
}
