package io.thruster.compat.apps;

import java.nio.charset.StandardCharsets;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;

/**
 * Stock RocketMQ producer (whatever client version is on the classpath).
 *
 * <p>Usage: {@code Produce <namesrv> <topic> <group> <count> <prefix>}. Sends {@code count} messages with key
 * {@code <prefix>-k<i>}, tag {@code TagA}, body {@code <prefix>-body-<i>} and prints one line per message:
 * {@code SENT <key> <body> <status> <brokerName> <queueId>}. Exit 0 iff every send returned SEND_OK.
 */
public final class Produce {
    private Produce() {
    }

    public static void main(String[] args) throws Exception {
        String namesrv = args[0];
        String topic = args[1];
        String group = args[2];
        int count = Integer.parseInt(args[3]);
        String prefix = args[4];
        DefaultMQProducer producer = new DefaultMQProducer(group);
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("produce-" + ProcessHandle.current().pid());
        producer.setSendMsgTimeout(10_000);
        producer.setRetryTimesWhenSendFailed(2);
        producer.start();
        int ok = 0;
        try {
            for (int i = 0; i < count; i++) {
                String key = prefix + "-k" + i;
                String body = prefix + "-body-" + i;
                Message msg = new Message(topic, "TagA", key, body.getBytes(StandardCharsets.UTF_8));
                SendResult r = producer.send(msg);
                if (r.getSendStatus() == SendStatus.SEND_OK) {
                    ok++;
                }
                System.out.println("SENT " + key + " " + body + " " + r.getSendStatus() + " "
                    + r.getMessageQueue().getBrokerName() + " " + r.getMessageQueue().getQueueId());
            }
        } catch (Exception e) {
            System.out.println("SEND-FAILED " + e);
            e.printStackTrace();
        } finally {
            producer.shutdown();
        }
        System.out.println("PRODUCED " + ok + "/" + count);
        System.out.flush();
        System.exit(ok == count ? 0 : 1);
    }
}
