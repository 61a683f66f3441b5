package io.thruster.compat.apps;

import static io.thruster.compat.apps.Clients.msg;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.CommandCustomHeader;
import org.apache.rocketmq.remoting.exception.RemotingCommandException;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * Bad input and the response codes the client sees. Checks the stock client makes itself (topic name, empty or
 * too large body) are recorded too, but the interesting ones reach the broker: a body over the broker's
 * maxMessageSize (the producer's own limit raised), a queue id out of range, pulls of an unknown topic / queue,
 * and (through the client's own remoting client, since the stock producer refuses to send them) SEND_MESSAGE_V2
 * requests with topic names the broker must refuse.
 */
final class BadInputFlows {
    private BadInputFlows() {
    }

    static void register(Map<String, Flows.Flow> m) {
        m.put("bad-input", BadInputFlows::badInput);
    }

    /** The response code a failed client call carried, as "<Exception>:<code>". */
    static String codeOf(Throwable e) {
        if (e instanceof MQBrokerException b) {
            return "MQBrokerException:" + b.getResponseCode();
        }
        if (e instanceof MQClientException c) {
            return "MQClientException:" + c.getResponseCode();
        }
        return e.getClass().getSimpleName();
    }

    interface Call {
        Object run() throws Exception;
    }

    static void expectFailure(Report r, String key, Call c) {
        try {
            Object o = c.run();
            r.code(key, "no exception: " + o);
        } catch (Throwable e) {
            r.code(key, codeOf(e));
            String msg = e instanceof MQBrokerException b ? b.getErrorMessage()
                : e instanceof MQClientException m ? m.getErrorMessage() : e.getMessage();
            r.info(key + ".message", String.valueOf(msg).split("\n")[0]);
        }
    }

    /** SEND_MESSAGE_V2 (310) request header, field names as the client sends them. */
    public static final class SendV2Header implements CommandCustomHeader {
        public String a; // producerGroup
        public String b; // topic
        public String c; // defaultTopic
        public Integer d; // defaultTopicQueueNums
        public Integer e; // queueId
        public Integer f; // sysFlag
        public Long g; // bornTimestamp
        public Integer h; // flag
        public String i; // properties
        public Integer j; // reconsumeTimes
        public Boolean k; // unitMode
        public Boolean m; // batch

        @Override
        public void checkFields() throws RemotingCommandException {
        }
    }

    /** Sends SEND_MESSAGE_V2 for {@code topic} straight to the broker; returns "code remark". */
    static RemotingCommand rawSend(DefaultMQProducer p, String addr, String topic, int queueId) throws Exception {
        SendV2Header h = new SendV2Header();
        h.a = p.getProducerGroup();
        h.b = topic;
        h.c = "TBW102";
        h.d = 4;
        h.e = queueId;
        h.f = 0;
        h.g = Flows.now();
        h.h = 0;
        h.i = "UNIQ_KEY\u0001RAW" + Flows.now() + "\u0002WAIT\u0001true\u0002";
        h.j = 0;
        h.k = false;
        h.m = false;
        RemotingCommand req = RemotingCommand.createRequestCommand(310, h);
        req.setBody("raw".getBytes(StandardCharsets.UTF_8));
        return p.getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl().getRemotingClient()
            .invokeSync(addr, req, 5000);
    }

    static void badInput(Report r) throws Exception {
        String topic = Flows.name("FlBad");
        DefaultMQProducer p = Clients.producer(r, "bad");
        p.send(msg(topic, "TagA", "bad-0", "bad-0")); // creates the topic (4 queues) and the broker address
        Clients.awaitRoute(p, topic);
        String brokerName = p.fetchPublishMessageQueues(topic).get(0).getBrokerName();

        // checks the client makes before sending
        expectFailure(r, "client.topicWithSpace", () -> p.send(msg("bad topic", "TagA", "k", "b")));
        expectFailure(r, "client.topic128", () -> p.send(msg("T".repeat(128), "TagA", "k", "b")));
        expectFailure(r, "client.emptyBody", () -> p.send(new Message(topic, "TagA", "k", new byte[0])));
        expectFailure(r, "client.scheduleTopic", () -> p.send(msg("SCHEDULE_TOPIC_XXXX", "TagA", "k", "b")));
        expectFailure(r, "client.bodyOverProducerMax",
            () -> p.send(new Message(topic, "TagA", "k", new byte[4 * 1024 * 1024 + 1])));

        // checks only the broker makes
        byte[] big = new byte[4 * 1024 * 1024 + 512 * 1024]; // random: compression does not shrink it
        new Random(7).nextBytes(big);
        p.setMaxMessageSize(8 * 1024 * 1024);
        expectFailure(r, "broker.bodyOverMaxMessageSize", () -> p.send(new Message(topic, "TagA", "big", big)));
        p.setMaxMessageSize(4 * 1024 * 1024);
        expectFailure(r, "broker.sendQueueId99",
            () -> p.send(msg(topic, "TagA", "q99", "q99"), new MessageQueue(topic, brokerName, 99)));

        String addr = p.getDefaultMQProducerImpl().getMqClientFactory().findBrokerAddressInPublish(brokerName);
        for (Map.Entry<String, String> e : Map.of(
            "raw.topicWithSlash", "bad/topic",
            "raw.topic200", "T".repeat(200),
            "raw.scheduleTopic", "SCHEDULE_TOPIC_XXXX").entrySet()) {
            RemotingCommand resp = rawSend(p, addr, e.getValue(), 0);
            r.code(e.getKey(), resp.getCode());
            r.info(e.getKey() + ".remark", String.valueOf(resp.getRemark()).split("\n")[0]);
        }
        RemotingCommand resp = rawSend(p, addr, topic, 99);
        r.code("raw.queueId99", resp.getCode());
        r.info("raw.queueId99.remark", String.valueOf(resp.getRemark()).split("\n")[0]);
        RemotingCommand ok = rawSend(p, addr, topic, 1);
        r.code("raw.valid", ok.getCode());

        // pulls
        DefaultMQPullConsumer c = Clients.pullConsumer(r, "cg_" + Flows.name("bad"));
        MessageQueue q1 = new MessageQueue(topic, brokerName, 1);
        Flows.await(5_000, () -> {
            try {
                return c.maxOffset(q1) > 0; // consume queues are built asynchronously
            } catch (Exception e) {
                return false;
            }
        });
        // learns the broker address; queue 1 holds at least the raw message sent above
        PullResult first = c.pull(q1, "*", 0, 1);
        r.fact("pull.known", first.getPullStatus());
        expectFailure(r, "pull.unknownTopic",
            () -> c.pull(new MessageQueue(Flows.name("NoSuchTopic"), brokerName, 0), "*", 0, 32));
        expectFailure(r, "pull.queueId99", () -> c.pull(new MessageQueue(topic, brokerName, 99), "*", 0, 32));
    }
}
