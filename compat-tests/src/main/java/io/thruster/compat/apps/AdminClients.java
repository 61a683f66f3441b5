package io.thruster.compat.apps;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.store.OffsetStore;
import org.apache.rocketmq.client.consumer.store.ReadOffsetType;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * The long-lived clients of the broker-side mqadmin scenario (BrokerAdminParityTest), stock client of whatever
 * version is on the classpath: a producer of group {@code PG_ADMIN} and a push consumer of group {@code GID_ADMIN}
 * subscribed to {@code <topic>} with {@code TagA || TagB}, both in one client instance {@code admin-clients}.
 *
 * <p>Usage: {@code AdminClients <namesrv> <topic> <brokerName> <queues> <count> <lifetimeMs>}. Sends {@code count} messages
 * sync: first message {@code count} with tag TagC (filtered by the subscription) to queue 0, then message i
 * (0 .. count-1) to queue {@code i % queues} (deterministic queue offsets), tag TagA (even i) / TagB (odd i); keys
 * {@code KEY-i ADMIN}, body {@code admin-body-i}. Prints {@code CLIENTID <id>}, {@code SENT <i> <msgId> <offsetMsgId> <queueId>
 * <queueOffset>} per message, {@code RECV <i>} per delivery, {@code CONSUMED <n>} once every TagA/TagB message
 * was consumed and {@code COMMITTED} once every queue's final offset (also the retry queue's) was persisted. Runs for {@code lifetimeMs} or until SIGTERM, then shuts both clients down (offsets persisted).
 */
public final class AdminClients {
    private AdminClients() {
    }

    /**
     * Commits the consumed offsets now and a few times more (the client's own persist task first runs 10 s after
     * start, and a pull only carries the offset known when it was sent: committed offsets would otherwise lag by up
     * to ~20 s). The filtered TagC message moves queue 0's offset a moment after the last delivery.
     */
    static void persistSoon(DefaultMQPushConsumer consumer) {
        Thread t = new Thread(() -> {
            for (int i = 0; i < 12; i++) {
                try {
                    Thread.sleep(250);
                    consumer.getDefaultMQPushConsumerImpl().persistConsumerOffset();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    System.out.println("PERSIST-FAILED " + e);
                }
            }
        }, "persist-soon");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Prints {@code COMMITTED} once the consumer holds the final offset of every queue (TopicTest: all messages
     * consumed or filtered; the retry queue: its first empty long poll returned) and has persisted them twice.
     * Gives up silently after 60 s (the test then times out waiting for the line).
     */
    static void awaitCommitted(DefaultMQPushConsumer consumer, String topic, String brokerName, int queues, int count,
        Set<String> seen) throws InterruptedException {
        OffsetStore store = consumer.getDefaultMQPushConsumerImpl().getOffsetStore();
        MessageQueue retry = new MessageQueue("%RETRY%" + consumer.getConsumerGroup(), brokerName, 0);
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            boolean ready = seen.size() == count && store.readOffset(retry, ReadOffsetType.READ_FROM_MEMORY) >= 0;
            for (int q = 0; q < queues && ready; q++) {
                long expected = count / queues + (q < count % queues ? 1 : 0) + (q == 0 ? 1 : 0);
                ready = store.readOffset(new MessageQueue(topic, brokerName, q), ReadOffsetType.READ_FROM_MEMORY)
                    == expected;
            }
            if (ready) {
                consumer.getDefaultMQPushConsumerImpl().persistConsumerOffset();
                Thread.sleep(300);
                consumer.getDefaultMQPushConsumerImpl().persistConsumerOffset();
                Thread.sleep(300);
                System.out.println("COMMITTED");
                System.out.flush();
                return;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        String namesrv = args[0];
        String topic = args[1];
        String brokerName = args[2];
        int queues = Integer.parseInt(args[3]);
        int count = Integer.parseInt(args[4]);
        long lifetimeMs = Long.parseLong(args[5]);
        Set<String> seen = ConcurrentHashMap.newKeySet();

        DefaultMQProducer producer = new DefaultMQProducer("PG_ADMIN");
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("admin-clients");
        producer.setSendMsgTimeout(10_000);
        producer.start();
        System.out.println("CLIENTID " + producer.buildMQClientId());
        // the TagC message first: a pull then returns it filtered together with the TagA ones behind it, so the
        // consumer's committed offset passes it at once (filtered last, it would wait for a 15 s long poll)
        for (int n = 0; n <= count; n++) {
            int i = n == 0 ? count : n - 1;
            boolean filtered = i == count;
            Message m = new Message(topic, filtered ? "TagC" : (i % 2 == 0 ? "TagA" : "TagB"),
                "KEY-" + i + " ADMIN", ("admin-body-" + i).getBytes(StandardCharsets.UTF_8));
            SendResult r = producer.send(m, new MessageQueue(topic, brokerName, filtered ? 0 : i % queues));
            System.out.println("SENT " + i + " " + r.getMsgId() + " " + r.getOffsetMsgId() + " "
                + r.getMessageQueue().getQueueId() + " " + r.getQueueOffset() + " " + r.getSendStatus());
        }
        System.out.flush();

        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("GID_ADMIN");
        DefaultMQPushConsumer[] consumerRef = {consumer};
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName("admin-clients");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPersistConsumerOffsetInterval(1000);
        consumer.setHeartbeatBrokerInterval(2000);
        consumer.subscribe(topic, "TagA || TagB");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                String body = new String(m.getBody(), StandardCharsets.UTF_8);
                synchronized (System.out) {
                    System.out.println("RECV " + body + " " + m.getQueueId() + " " + m.getQueueOffset());
                }
                if (seen.add(body) && seen.size() == count) {
                    synchronized (System.out) {
                        System.out.println("CONSUMED " + count);
                        System.out.flush();
                    }
                    persistSoon(consumerRef[0]);
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        System.out.println("STARTED");
        System.out.flush();
        awaitCommitted(consumer, topic, brokerName, queues, count, seen);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            consumer.shutdown();
            producer.shutdown();
            System.out.println("STOPPED");
            System.out.flush();
        }));
        Thread.sleep(lifetimeMs);
        System.exit(0);
    }
}
