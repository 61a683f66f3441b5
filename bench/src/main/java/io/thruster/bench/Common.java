package io.thruster.bench;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;

/** Client set-up shared by the load tools. */
final class Common {
    private Common() {
    }

    /**
     * {@code --serialize rocketmq}: the binary (ROCKETMQ) header encoding instead of JSON. Must run before any
     * client class touches {@code RemotingCommand}, which reads {@code rocketmq.serialize.type} once, at class init.
     */
    static void applySerialize(String mode) {
        switch (mode.toLowerCase(java.util.Locale.ROOT)) {
            case "json" -> System.setProperty("rocketmq.serialize.type", "JSON");
            case "rocketmq" -> System.setProperty("rocketmq.serialize.type", "ROCKETMQ");
            default -> throw new IllegalArgumentException("--serialize must be json or rocketmq, not " + mode);
        }
    }

    /** A started-later producer: 3 s send timeout, no body compression (the broker's work is what we measure). */
    static DefaultMQProducer producer(String namesrv, String group) {
        DefaultMQProducer p = new DefaultMQProducer(group);
        p.setNamesrvAddr(namesrv);
        p.setInstanceName(group);
        p.setSendMsgTimeout(3000);
        p.setCompressMsgBodyOverHowmuch(Integer.MAX_VALUE);
        return p;
    }

    /** Sends a few messages synchronously until 3 are SEND_OK (the broker auto-creates the topic), ≤ 20 s. */
    static void warmUp(DefaultMQProducer producer, String topic, Supplier<Message> msg) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int okCount = 0;
        String last = "";
        while (okCount < 3) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no SEND_OK to topic " + topic + " within 20 s; last: " + last);
            }
            try {
                SendResult r = producer.send(msg.get());
                if (r.getSendStatus() == SendStatus.SEND_OK) {
                    okCount++;
                    continue;
                }
                last = String.valueOf(r.getSendStatus());
            } catch (Exception e) {
                last = e.toString().lines().findFirst().orElse("");
            }
            Thread.sleep(200);
        }
    }

    /** One synchronous send, exceptions swallowed; true on SEND_OK. */
    static boolean trySendSync(DefaultMQProducer producer, Message msg) {
        try {
            return producer.send(msg).getSendStatus() == SendStatus.SEND_OK;
        } catch (Exception e) {
            return false;
        }
    }
}
