package io.thruster.compat.apps;

import static io.thruster.compat.apps.Clients.msg;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/** Producer flows: sync, async, oneway, batch, selected queue, compression, keys/tags, auto-created topics. */
final class ProducerFlows {
    private ProducerFlows() {
    }

    static void register(Map<String, Flows.Flow> m) {
        m.put("send-sync", ProducerFlows::sync);
        m.put("send-async", ProducerFlows::async);
        m.put("send-oneway", ProducerFlows::oneway);
        m.put("send-batch", ProducerFlows::batch);
        m.put("send-orderly", ProducerFlows::orderly);
        m.put("send-compressed", ProducerFlows::compressed);
        m.put("keys-tags", ProducerFlows::keysTags);
        m.put("auto-create", ProducerFlows::autoCreate);
    }

    /** Checks a SEND_OK result against VIEW_MESSAGE_BY_ID of its offset id; returns the viewed message. */
    static MessageExt viewAndCompare(Report r, DefaultMQProducer p, Message sent, SendResult res, String label)
        throws Exception {
        MessageExt v = p.viewMessage(sent.getTopic(), res.getOffsetMsgId());
        boolean same = v.getTopic().equals(sent.getTopic())
            && Arrays.equals(v.getBody(), sent.getBody())
            && String.valueOf(v.getKeys()).equals(String.valueOf(sent.getKeys()))
            && String.valueOf(v.getTags()).equals(String.valueOf(sent.getTags()))
            && v.getQueueId() == res.getMessageQueue().getQueueId()
            && v.getQueueOffset() == res.getQueueOffset()
            && v.getMsgId().equals(res.getMsgId());
        if (!same) {
            r.check(false, label + ": viewMessage(" + res.getOffsetMsgId() + ") differs from what was sent: topic="
                + v.getTopic() + " keys=" + v.getKeys() + " tags=" + v.getTags() + " queue=" + v.getQueueId() + "/"
                + v.getQueueOffset() + " msgId=" + v.getMsgId() + " vs " + res);
        }
        return v;
    }

    /** Offsets of each queue are 0..n-1 in send order. */
    static boolean consecutivePerQueue(Collection<SendResult> results) {
        Map<Integer, List<Long>> per = new TreeMap<>();
        for (SendResult s : results) {
            per.computeIfAbsent(s.getMessageQueue().getQueueId(), q -> new ArrayList<>()).add(s.getQueueOffset());
        }
        for (List<Long> l : per.values()) {
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i) != i) {
                    return false;
                }
            }
        }
        return true;
    }

    static String perQueueCounts(Collection<SendResult> results) {
        Map<Integer, Integer> per = new TreeMap<>();
        for (SendResult s : results) {
            per.merge(s.getMessageQueue().getQueueId(), 1, Integer::sum);
        }
        List<Integer> counts = new ArrayList<>(per.values());
        counts.sort(null);
        return per.size() + " queues, counts " + counts;
    }

    static void sync(Report r) throws Exception {
        String topic = Flows.name("FlSync");
        DefaultMQProducer p = Clients.producer(r, "sync");
        List<Message> sent = new ArrayList<>();
        List<SendResult> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Message m = msg(topic, "TagA", "sync-" + i, "sync-body-" + i);
            sent.add(m);
            results.add(p.send(m));
        }
        Set<String> statuses = new TreeSet<>();
        results.forEach(s -> statuses.add(s.getSendStatus().name()));
        r.check(statuses.equals(Set.of("SEND_OK")), "20 sync sends to a new topic all SEND_OK: " + statuses);
        r.fact("statuses", statuses);
        r.fact("distribution", perQueueCounts(results));
        r.check(consecutivePerQueue(results), "queue offsets 0..n-1 per queue in send order");
        r.fact("regionId", results.get(0).getRegionId());
        r.fact("traceOn", results.get(0).isTraceOn());
        r.fact("brokerName", results.get(0).getMessageQueue().getBrokerName());
        r.fact("offsetMsgIdLength", results.get(0).getOffsetMsgId().length());
        MessageExt first = null;
        for (int i = 0; i < sent.size(); i++) {
            MessageExt v = viewAndCompare(r, p, sent.get(i), results.get(i), "sync-" + i);
            if (first == null) {
                first = v;
            }
        }
        r.check(true, "viewMessage of each offset id returns the message sent (topic, body, keys, tags, queue, offset, msgId)");
        r.fact("storedPropertyKeys", Clients.propertyKeys(first));
        r.fact("storedSysFlag", first.getSysFlag());
        r.fact("storedFlag", first.getFlag());
        r.fact("reconsumeTimes", first.getReconsumeTimes());
        r.fact("bornHostIsClient", first.getBornHostString() != null && first.getBornHostString().startsWith("127.0.0.1"));
        r.fact("storeHost", String.valueOf(first.getStoreHost()).replaceAll(":\\d+$", ":<port>"));
        r.info("storeMinusBornMs", first.getStoreTimestamp() - first.getBornTimestamp());
    }

    static void async(Report r) throws Exception {
        String topic = Flows.name("FlAsync");
        DefaultMQProducer p = Clients.producer(r, "async");
        // create the topic with one sync send first: async sends are not retried on another route
        p.send(msg(topic, "TagA", "async-first", "async-first"));
        int n = 20;
        CountDownLatch latch = new CountDownLatch(n);
        Map<Integer, SendResult> ok = new ConcurrentHashMap<>();
        Map<Integer, Throwable> failed = new ConcurrentHashMap<>();
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Message m = msg(topic, "TagA", "async-" + i, "async-body-" + i);
            sent.add(m);
            final int idx = i;
            p.send(m, new SendCallback() {
                @Override
                public void onSuccess(SendResult sendResult) {
                    ok.put(idx, sendResult);
                    latch.countDown();
                }

                @Override
                public void onException(Throwable e) {
                    failed.put(idx, e);
                    latch.countDown();
                }
            });
        }
        boolean all = latch.await(20, TimeUnit.SECONDS);
        r.check(all, "every async callback called within 20 s (" + (n - latch.getCount()) + "/" + n + ")");
        r.check(failed.isEmpty(), "no async send failed: " + failed);
        Set<String> statuses = new TreeSet<>();
        ok.values().forEach(s -> statuses.add(s.getSendStatus().name()));
        r.fact("statuses", statuses);
        r.fact("callbacks", ok.size() + " ok, " + failed.size() + " failed");
        for (Map.Entry<Integer, SendResult> e : new TreeMap<>(ok).entrySet()) {
            viewAndCompare(r, p, sent.get(e.getKey()), e.getValue(), "async-" + e.getKey());
        }
        r.check(ok.size() == n, "each async send viewable by its offset id");
    }

    static void oneway(Report r) throws Exception {
        String topic = Flows.name("FlOneway");
        DefaultMQProducer p = Clients.producer(r, "oneway");
        // the first message creates the topic (through TBW102) like any other send
        int n = 10;
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String k = "oneway-" + i;
            keys.add(k);
            p.sendOneway(msg(topic, "TagO", k, "oneway-body-" + i));
        }
        r.check(Clients.awaitRoute(p, topic), "oneway sends auto-created " + topic + " (route within 15 s)");
        long t0 = Flows.now();
        Map<String, Integer> found = new TreeMap<>();
        for (String k : keys) {
            int[] c = {0};
            Flows.await(10_000, () -> {
                try {
                    QueryResult q = p.queryMessage(topic, k, 32, 0, Flows.now() + 3_600_000L);
                    c[0] = 0;
                    for (MessageExt m : q.getMessageList()) {
                        if (k.equals(m.getKeys()) && new String(m.getBody(), StandardCharsets.UTF_8)
                            .equals("oneway-body-" + k.substring(7))) {
                            c[0]++;
                        }
                    }
                    return c[0] > 0;
                } catch (Exception e) {
                    return false;
                }
            });
            found.put(k, c[0]);
        }
        r.info("queryMs", Flows.now() - t0);
        r.check(found.values().stream().allMatch(c -> c == 1), "each oneway message found exactly once by key: " + found);
        r.fact("foundPerKey", new TreeSet<>(found.values()));
    }

    static void batch(Report r) throws Exception {
        String topic = Flows.name("FlBatch");
        DefaultMQProducer p = Clients.producer(r, "batch");
        for (int round = 0; round < 2; round++) {
            int n = round == 0 ? 10 : 3;
            List<Message> list = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                list.add(msg(topic, "TagB", "batch" + round + "-" + i, "batch" + round + "-body-" + i));
            }
            SendResult res = p.send(list);
            String[] ids = res.getMsgId().split(",");
            String[] offIds = res.getOffsetMsgId().split(",");
            r.fact("round" + round + ".status", res.getSendStatus());
            r.fact("round" + round + ".msgIds", ids.length);
            r.fact("round" + round + ".offsetMsgIds", offIds.length);
            r.fact("round" + round + ".firstOffset", res.getQueueOffset() == 0 ? "0" : res.getQueueOffset() > 0 ? ">0" : "<0");
            List<String> bad = new ArrayList<>();
            if (offIds.length != n) {
                bad.add(offIds.length + " offset ids");
            }
            Set<Integer> queues = new TreeSet<>();
            Set<String> viewed = new TreeSet<>();
            int idsMatch = 0;
            for (int i = 0; i < offIds.length && i < n; i++) {
                MessageExt v = p.viewMessage(topic, offIds[i]);
                queues.add(v.getQueueId());
                if (v.getQueueOffset() != res.getQueueOffset() + i) {
                    bad.add("#" + i + " at offset " + v.getQueueOffset() + " (first " + res.getQueueOffset() + ")");
                }
                if (!Arrays.equals(v.getBody(), list.get(i).getBody()) || !list.get(i).getKeys().equals(v.getKeys())) {
                    bad.add("#" + i + " is " + v.getKeys());
                }
                viewed.add(v.getMsgId());
                if (v.getMsgId().equals(ids[i])) {
                    idsMatch++;
                }
                if (v.getQueueId() != res.getMessageQueue().getQueueId()) {
                    bad.add("#" + i + " in queue " + v.getQueueId());
                }
                if (round == 0 && i == 0) {
                    r.fact("storedPropertyKeys", Clients.propertyKeys(v));
                    r.fact("storedSysFlag", v.getSysFlag());
                }
            }
            r.check(bad.isEmpty(), "batch " + round + " of " + n + ": one offsetMsgId per message, stored in order "
                + "at consecutive offsets of the result queue" + (bad.isEmpty() ? "" : ": " + bad));
            // A 5.3.3 producer also gives the batch itself a UNIQ_KEY (in the request header's properties); the
            // broker appends those to every message's properties, so each read-back message shows the batch's id.
            r.fact("round" + round + ".viewedDistinctMsgIds", viewed.size());
            r.fact("round" + round + ".viewedMsgIdIsResultMsgId", idsMatch + "/" + n);
            r.check(queues.size() == 1, "batch " + round + " in one queue: " + queues);
        }
    }

    static void orderly(Report r) throws Exception {
        String topic = Flows.name("FlOrder");
        DefaultMQProducer p = Clients.producer(r, "order");
        List<SendResult> results = new ArrayList<>();
        boolean selectedOk = true;
        for (int i = 0; i < 32; i++) {
            SendResult s = p.send(msg(topic, "TagO", "order-" + i, "order-body-" + i),
                (mqs, m, arg) -> mqs.get((Integer) arg % mqs.size()), i);
            selectedOk &= s.getMessageQueue().getQueueId() == i % 4;
            results.add(s);
        }
        r.check(selectedOk, "MessageQueueSelector: every message stored in the selected queue (i % 4)");
        r.check(consecutivePerQueue(results), "per selected queue, offsets 0..7 in send order");
        r.fact("distribution", perQueueCounts(results));
        // send(msg, mq): an explicit queue
        MessageQueue mq = new MessageQueue(topic, results.get(0).getMessageQueue().getBrokerName(), 2);
        SendResult s = p.send(msg(topic, "TagO", "order-explicit", "order-explicit"), mq);
        r.check(s.getMessageQueue().getQueueId() == 2 && s.getQueueOffset() == 8,
            "send(msg, queue 2) stored at queue 2 offset 8: " + s.getMessageQueue().getQueueId() + "/" + s.getQueueOffset());
        r.fact("explicit", s.getSendStatus() + " q" + s.getMessageQueue().getQueueId() + " @" + s.getQueueOffset());
    }

    static byte[] text(int size, String seed) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (b.length() < size) {
            b.append(seed).append(' ').append(i++).append(" lorem ipsum dolor sit amet; ");
        }
        return b.substring(0, size).getBytes(StandardCharsets.UTF_8);
    }

    static void compressed(Report r) throws Exception {
        String topic = Flows.name("FlZip");
        DefaultMQProducer p = Clients.producer(r, "zip");
        byte[] random = new byte[64 * 1024];
        new Random(42).nextBytes(random);
        Map<String, byte[]> bodies = new java.util.LinkedHashMap<>();
        bodies.put("text4000", text(4000, "a"));
        bodies.put("text4096", text(4096, "b"));
        bodies.put("text5k", text(5 * 1024, "c"));
        bodies.put("random64k", random);
        bodies.put("text1m", text(1024 * 1024, "d"));
        for (Map.Entry<String, byte[]> e : bodies.entrySet()) {
            Message m = new Message(topic, "TagZ", "zip-" + e.getKey(), e.getValue());
            SendResult s = p.send(m);
            MessageExt v = p.viewMessage(topic, s.getOffsetMsgId());
            boolean same = Arrays.equals(v.getBody(), e.getValue());
            r.check(same, e.getKey() + " (" + e.getValue().length + " bytes): body read back by viewMessage equals the original");
            r.fact(e.getKey() + ".status", s.getSendStatus());
            r.fact(e.getKey() + ".sysFlag", v.getSysFlag());
            r.fact(e.getKey() + ".compressedBit", (v.getSysFlag() & 1) == 1);
            r.fact(e.getKey() + ".storeSize", v.getStoreSize());
        }
        // what a consumer would decode: by key through QUERY_MESSAGE
        QueryResult q = null;
        Flows.await(10_000, () -> {
            try {
                return !p.queryMessage(topic, "zip-text5k", 4, 0, Flows.now() + 3_600_000L).getMessageList().isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        try {
            q = p.queryMessage(topic, "zip-text5k", 4, 0, Flows.now() + 3_600_000L);
        } catch (Exception e) {
            r.check(false, "queryMessage(zip-text5k): " + e);
        }
        if (q != null) {
            boolean ok = !q.getMessageList().isEmpty()
                && Arrays.equals(q.getMessageList().get(0).getBody(), bodies.get("text5k"));
            r.check(ok, "queryMessage by key returns the decompressed 5 KiB body");
        }
    }

    static void keysTags(Report r) throws Exception {
        String topic = Flows.name("FlKeys");
        DefaultMQProducer p = Clients.producer(r, "keys");
        Message a = new Message(topic, "TagX", "kt-body-a".getBytes(StandardCharsets.UTF_8));
        a.setKeys(List.of("alpha-" + Flows.tag, "beta-" + Flows.tag));
        a.putUserProperty("color", "red");
        Message b = msg(topic, "TagY", "gamma-" + Flows.tag, "kt-body-b");
        SendResult ra = p.send(a);
        SendResult rb = p.send(b);
        MessageExt va = viewAndCompare(r, p, a, ra, "keys-a");
        r.fact("keysString", va.getKeys());
        r.fact("tags", va.getTags() + "," + p.viewMessage(topic, rb.getOffsetMsgId()).getTags());
        r.fact("userProperty", va.getUserProperty("color"));
        r.fact("storedPropertyKeys", Clients.propertyKeys(va));
        for (String key : List.of("alpha-" + Flows.tag, "beta-" + Flows.tag, "gamma-" + Flows.tag)) {
            String[] got = {""};
            boolean found = Flows.await(10_000, () -> {
                try {
                    QueryResult q = p.queryMessage(topic, key, 32, 0, Flows.now() + 3_600_000L);
                    List<String> bodies = new ArrayList<>();
                    for (MessageExt m : q.getMessageList()) {
                        bodies.add(new String(m.getBody(), StandardCharsets.UTF_8) + "/" + m.getTags());
                    }
                    got[0] = String.join(";", bodies);
                    return !q.getMessageList().isEmpty();
                } catch (Exception e) {
                    got[0] = e.getClass().getSimpleName();
                    return false;
                }
            });
            r.check(found, "queryMessage by key " + key + " finds it: " + got[0]);
            r.fact("query." + key.replace("-" + Flows.tag, ""), got[0]);
        }
        // a key nobody used
        try {
            QueryResult q = p.queryMessage(topic, "no-such-key-" + Flows.tag, 32, 0, Flows.now() + 3_600_000L);
            r.fact("query.missing", "result with " + q.getMessageList().size() + " messages");
        } catch (org.apache.rocketmq.client.exception.MQClientException e) {
            r.code("query.missing.code", e.getResponseCode());
            r.info("query.missing.message", e.getErrorMessage());
        }
    }

    static void autoCreate(Report r) throws Exception {
        String topic = Flows.name("FlAuto");
        DefaultMQProducer p = Clients.producer(r, "auto");
        SendResult s = p.send(msg(topic, "TagA", "auto-0", "auto-0"));
        r.fact("firstSend", s.getSendStatus());
        boolean routed = Clients.awaitRoute(p, topic);
        r.check(routed, "the NameServer has a route for the auto-created topic within 15 s");
        List<MessageQueue> pub = p.fetchPublishMessageQueues(topic);
        Set<String> brokers = new TreeSet<>();
        pub.forEach(q -> brokers.add(q.getBrokerName()));
        r.fact("publishQueues", pub.size());
        r.fact("routeBrokers", brokers);
        List<MessageQueue> tbw = p.fetchPublishMessageQueues("TBW102");
        r.fact("TBW102.publishQueues", tbw.size());
        // the producer only switches from the borrowed TBW102 route at its next route poll; sends keep working
        Set<Integer> used = new TreeSet<>();
        for (int i = 1; i < 9; i++) {
            used.add(p.send(msg(topic, "TagA", "auto-" + i, "auto-" + i)).getMessageQueue().getQueueId());
        }
        r.fact("queuesUsed", used);
    }
}
