package io.thruster.compat.apps;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Stock RocketMQ push consumer (whatever client version is on the classpath).
 *
 * <p>Usage: {@code Consume <namesrv> <topic> <group> <expected> <timeoutMs>}. Subscribes to {@code topic} with
 * {@code *}, from the first offset, and prints {@code RECV <key> <body> <queueId> <queueOffset>} for every
 * message delivered (duplicates included). Stops once {@code expected} distinct keys were seen (exit 0) or on
 * timeout (exit 2).
 */
public final class Consume {
    private Consume() {
    }

    public static void main(String[] args) throws Exception {
        String namesrv = args[0];
        String topic = args[1];
        String group = args[2];
        int expected = Integer.parseInt(args[3]);
        long timeoutMs = Long.parseLong(args[4]);
        Set<String> keys = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(1);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName("consume-" + ProcessHandle.current().pid());
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                String body = new String(m.getBody(), StandardCharsets.UTF_8);
                synchronized (System.out) {
                    System.out.println("RECV " + m.getKeys() + " " + body + " " + m.getQueueId() + " "
                        + m.getQueueOffset());
                }
                keys.add(m.getKeys());
            }
            if (keys.size() >= expected) {
                done.countDown();
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        System.out.println("STARTED");
        boolean ok = done.await(timeoutMs, TimeUnit.MILLISECONDS);
        System.out.println((ok ? "CONSUMED " : "TIMEOUT ") + keys.size() + "/" + expected);
        System.out.flush();
        consumer.shutdown();
        System.exit(ok ? 0 : 2);
    }
}
