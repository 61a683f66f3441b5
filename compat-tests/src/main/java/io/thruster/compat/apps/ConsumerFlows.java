package io.thruster.compat.apps;

import static io.thruster.compat.apps.Clients.msg;

import io.thruster.compat.apps.Clients.Delivery;
import io.thruster.compat.apps.Clients.Received;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/** Consumer flows: push (clustering, broadcasting, orderly), lite pull, pull consumer, retry/DLQ, delay, filters. */
final class ConsumerFlows {
    private static final ConsumeFromWhere FIRST = ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET;

    private ConsumerFlows() {
    }

    static void register(Map<String, Flows.Flow> m) {
        m.put("push-clustering", ConsumerFlows::clustering);
        m.put("push-restart", ConsumerFlows::restart);
        m.put("consume-from-where", ConsumerFlows::fromWhere);
        m.put("broadcast", ConsumerFlows::broadcast);
        m.put("orderly", ConsumerFlows::orderly);
        m.put("lite-pull-subscribe", ConsumerFlows::liteSubscribe);
        m.put("lite-pull-assign", ConsumerFlows::liteAssign);
        m.put("pull-consumer", ConsumerFlows::pullConsumer);
        m.put("retry-dlq", ConsumerFlows::retryDlq);
        m.put("delay", ConsumerFlows::delay);
        m.put("fanout", ConsumerFlows::fanout);
        m.put("tags", ConsumerFlows::tags);
    }

    static String group(String base) {
        return "cg_" + Flows.name(base);
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Two consumers of one group share the queues; one stops, the other takes over without losing messages. */
    static void clustering(Report r) throws Exception {
        String topic = Flows.name("FlShare");
        String group = group("share");
        DefaultMQProducer p = Clients.producer(r, "share");
        List<String> pre = Clients.sendAll(p, topic, "TagA", "pre", 8);
        Clients.awaitRoute(p, topic);
        Received rec = new Received();
        DefaultMQPushConsumer a = Clients.push(r, group, "A", topic, "*", FIRST);
        a.registerMessageListener(rec.listener("A"));
        a.start();
        r.check(Flows.await(20_000, () -> Clients.owned(a, topic).size() == 4),
            "consumer A alone holds all 4 queues: " + Clients.owned(a, topic));
        DefaultMQPushConsumer b = Clients.push(r, group, "B", topic, "*", FIRST);
        b.registerMessageListener(rec.listener("B"));
        long t0 = Flows.now();
        b.start();
        boolean split = Flows.await(25_000, () -> {
            Set<Integer> qa = Clients.owned(a, topic);
            Set<Integer> qb = Clients.owned(b, topic);
            return qa.size() == 2 && qb.size() == 2 && Collections.disjoint(qa, qb);
        });
        r.info("splitMs", Flows.now() - t0);
        Set<Integer> qa = Clients.owned(a, topic);
        Set<Integer> qb = Clients.owned(b, topic);
        r.check(split, "A and B of one group share the 4 queues 2 + 2: A=" + qa + " B=" + qb);
        r.fact("split", "A " + qa.size() + " + B " + qb.size());
        List<String> mid = Clients.sendAll(p, topic, "TagA", "mid", 40);
        r.check(Flows.await(20_000, () -> rec.hasAll(concat(pre, mid))), "A and B together consume all 48 messages");
        boolean inOwnQueues = rec.of(d -> d.key().startsWith("mid")).stream()
            .allMatch(d -> (d.consumer().equals("A") ? qa : qb).contains(d.queueId()));
        r.check(inOwnQueues, "each consumer only got messages of the queues it holds");
        r.fact("midByA", rec.keys(d -> d.consumer().equals("A") && d.key().startsWith("mid")).size());
        r.fact("midByB", rec.keys(d -> d.consumer().equals("B") && d.key().startsWith("mid")).size());
        Set<String> doneByB = rec.keys(d -> d.consumer().equals("B"));
        int deliveriesBefore = rec.snapshot().size();
        long s0 = Flows.now();
        b.shutdown();
        r.info("bShutdownMs", Flows.now() - s0);
        long t1 = Flows.now();
        boolean took = Flows.await(25_000, () -> Clients.owned(a, topic).size() == 4);
        r.info("takeoverMs", Flows.now() - t1);
        r.check(took, "after B shut down, A holds all 4 queues: " + Clients.owned(a, topic));
        List<String> post = Clients.sendAll(p, topic, "TagA", "post", 40);
        List<String> all = concat(concat(pre, mid), post);
        r.check(Flows.await(20_000, () -> rec.hasAll(all)), "no message lost: all 88 consumed by A or B");
        Flows.sleep(1000);
        List<Delivery> after = rec.snapshot().subList(deliveriesBefore, rec.snapshot().size());
        long redelivered = after.stream().filter(d -> doneByB.contains(d.key())).count();
        r.fact("redeliveredCommittedByB", redelivered);
        r.fact("postByA", rec.keys(d -> d.consumer().equals("A") && d.key().startsWith("post")).size());
        r.info("duplicatesTotal", rec.duplicates(d -> true));
    }

    /** A consumer that stops and a new instance of its group resumes from the committed offsets. */
    static void restart(Report r) throws Exception {
        String topic = Flows.name("FlRestart");
        String group = group("restart");
        DefaultMQProducer p = Clients.producer(r, "restart");
        List<String> first = Clients.sendAll(p, topic, "TagA", "first", 20);
        Clients.awaitRoute(p, topic);
        Received rec = new Received();
        DefaultMQPushConsumer c1 = Clients.push(r, group, "R1", topic, "*", FIRST);
        c1.registerMessageListener(rec.listener("R1"));
        c1.start();
        r.check(Flows.await(20_000, () -> rec.hasAll(first)), "first instance consumes the 20 messages");
        Flows.sleep(300);
        c1.shutdown();
        List<String> second = Clients.sendAll(p, topic, "TagA", "second", 20);
        DefaultMQPushConsumer c2 = Clients.push(r, group, "R2", topic, "*", FIRST);
        c2.registerMessageListener(rec.listener("R2"));
        long t0 = Flows.now();
        c2.start();
        boolean got = Flows.await(20_000, () -> rec.keys(d -> d.consumer().equals("R2")).containsAll(second));
        r.info("resumeMs", Flows.now() - t0);
        r.check(got, "restarted instance consumes the 20 new messages");
        Flows.sleep(1500);
        long old = rec.of(d -> d.consumer().equals("R2") && d.key().startsWith("first")).size();
        r.fact("restarted.old", old);
        r.fact("restarted.new", rec.keys(d -> d.consumer().equals("R2") && d.key().startsWith("second")).size());
        r.check(old == 0, "restarted instance got none of the messages committed by the first (" + old + ")");
    }

    /** New groups with CONSUME_FROM_LAST_OFFSET / FIRST_OFFSET / TIMESTAMP on a topic that has messages. */
    static void fromWhere(Report r) throws Exception {
        String topic = Flows.name("FlWhere");
        DefaultMQProducer p = Clients.producer(r, "where");
        List<String> old1 = Clients.sendAll(p, topic, "TagA", "old1", 8);
        Clients.awaitRoute(p, topic);
        Flows.sleep(1100);
        long ts = Flows.now();
        Flows.sleep(1100);
        List<String> old2 = Clients.sendAll(p, topic, "TagA", "old2", 8);
        Map<String, Received> recs = new LinkedHashMap<>();
        Map<String, DefaultMQPushConsumer> cs = new LinkedHashMap<>();
        for (ConsumeFromWhere w : List.of(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET, FIRST,
            ConsumeFromWhere.CONSUME_FROM_TIMESTAMP)) {
            String name = w.name().replace("CONSUME_FROM_", "");
            Received rec = new Received();
            DefaultMQPushConsumer c = Clients.push(r, group("where" + name.replace("_", "")), name, topic, "*", w);
            if (w == ConsumeFromWhere.CONSUME_FROM_TIMESTAMP) {
                c.setConsumeTimestamp(new SimpleDateFormat("yyyyMMddHHmmss").format(new Date(ts)));
            }
            c.registerMessageListener(rec.listener(name));
            c.start();
            recs.put(name, rec);
            cs.put(name, c);
        }
        r.check(Flows.await(20_000, () -> cs.values().stream().allMatch(c -> Clients.owned(c, topic).size() == 4)),
            "all three groups hold the 4 queues");
        Flows.sleep(1000);
        List<String> fresh = Clients.sendAll(p, topic, "TagA", "new", 5);
        r.check(Flows.await(15_000, () -> recs.values().stream().allMatch(x -> x.hasAll(fresh))),
            "every group consumes the messages sent after it started");
        Flows.sleep(1500);
        for (Map.Entry<String, Received> e : recs.entrySet()) {
            Received x = e.getValue();
            r.fact(e.getKey(), "old1 " + x.keys(d -> d.key().startsWith("old1")).size() + "/8, old2 "
                + x.keys(d -> d.key().startsWith("old2")).size() + "/8, new " + x.keys(d -> d.key().startsWith("new")).size() + "/5");
        }
        r.check(recs.get("FIRST_OFFSET").hasAll(concat(old1, old2)), "CONSUME_FROM_FIRST_OFFSET gets the older messages");
    }

    /** Two broadcasting consumers of one group each get every message. */
    static void broadcast(Report r) throws Exception {
        String topic = Flows.name("FlBcast");
        String group = group("bcast");
        DefaultMQProducer p = Clients.producer(r, "bcast");
        List<String> first = Clients.sendAll(p, topic, "TagA", "b1", 10);
        Clients.awaitRoute(p, topic);
        Received ra = new Received();
        Received rb = new Received();
        for (Object[] x : new Object[][] {{"BA", ra}, {"BB", rb}}) {
            DefaultMQPushConsumer c = Clients.push(r, group, (String) x[0], topic, "*", FIRST);
            Clients.broadcasting(c);
            c.registerMessageListener(((Received) x[1]).listener((String) x[0]));
            c.start();
        }
        r.check(Flows.await(20_000, () -> ra.hasAll(first) && rb.hasAll(first)),
            "both broadcasting consumers get the 10 earlier messages");
        List<String> second = Clients.sendAll(p, topic, "TagA", "b2", 10);
        List<String> all = concat(first, second);
        r.check(Flows.await(20_000, () -> ra.hasAll(all) && rb.hasAll(all)), "both get the 10 later messages too");
        Flows.sleep(1000);
        r.fact("BA", ra.keys().size() + " distinct, " + ra.duplicates(d -> true) + " duplicates");
        r.fact("BB", rb.keys().size() + " distinct, " + rb.duplicates(d -> true) + " duplicates");
    }

    /** Orderly push consumer: per-queue order kept, also across a local suspend-and-retry. */
    static void orderly(Report r) throws Exception {
        String topic = Flows.name("FlOrderly");
        DefaultMQProducer p = Clients.producer(r, "orderly");
        for (int step = 0; step < 10; step++) {
            for (int id = 0; id < 4; id++) {
                p.send(msg(topic, "TagO", "o" + id + "-s" + step, "o" + id + "-s" + step),
                    (mqs, m, arg) -> mqs.get((Integer) arg % mqs.size()), id);
            }
        }
        Clients.awaitRoute(p, topic);
        Map<Integer, List<String>> seq = new ConcurrentHashMap<>();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicReference<String> suspended = new AtomicReference<>();
        long[] suspendAt = {0, 0};
        DefaultMQPushConsumer c = Clients.push(r, group("orderly"), "O", topic, "*", FIRST);
        c.registerMessageListener((MessageListenerOrderly) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                String k = m.getKeys();
                int id = Integer.parseInt(k.substring(1, k.indexOf('-')));
                String step = k.substring(k.indexOf("-s") + 2);
                seq.computeIfAbsent(id, x -> Collections.synchronizedList(new ArrayList<>()))
                    .add(step + (m.getReconsumeTimes() > 0 ? "r" + m.getReconsumeTimes() : ""));
                if (k.equals("o1-s3") && suspended.compareAndSet(null, k)) {
                    suspendAt[0] = Flows.now();
                    return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
                }
                if (k.equals("o1-s3")) {
                    suspendAt[1] = Flows.now();
                }
                seen.add(k);
            }
            return ConsumeOrderlyStatus.SUCCESS;
        });
        c.start();
        r.check(Flows.await(30_000, () -> seen.size() == 40), "orderly consumer got all 40 messages (" + seen.size() + ")");
        Flows.sleep(500);
        boolean inOrder = true;
        for (int id = 0; id < 4; id++) {
            List<String> l = new ArrayList<>(seq.getOrDefault(id, List.of()));
            List<Integer> steps = l.stream().map(s -> Integer.parseInt(s.replaceAll("r\\d+$", ""))).collect(Collectors.toList());
            for (int i = 1; i < steps.size(); i++) {
                inOrder &= steps.get(i) >= steps.get(i - 1);
            }
            r.fact("order" + id, String.join(",", l));
        }
        r.check(inOrder, "each order id's steps arrive in send order (a suspended message is retried before the next)");
        r.info("suspendRetryMs", suspendAt[1] - suspendAt[0]);
    }

    static Set<String> pollUntil(DefaultLitePullConsumer c, Collection<String> want, long timeoutMs, List<MessageExt> sink) {
        Set<String> got = new TreeSet<>();
        long deadline = Flows.now() + timeoutMs;
        while (Flows.now() < deadline && !got.containsAll(want)) {
            for (MessageExt m : c.poll(500)) {
                sink.add(m);
                got.add(m.getKeys());
            }
        }
        return got;
    }

    static void liteSubscribe(Report r) throws Exception {
        String topic = Flows.name("FlLiteS");
        DefaultMQProducer p = Clients.producer(r, "lites");
        List<String> keys = Clients.sendAll(p, topic, "TagA", "ls", 20);
        Clients.awaitRoute(p, topic);
        DefaultLitePullConsumer c = Clients.litePull(r, group("lites"));
        c.subscribe(topic, "*");
        c.start();
        List<MessageExt> sink = new ArrayList<>();
        Set<String> got = pollUntil(c, keys, 25_000, sink);
        r.check(got.containsAll(keys), "subscribe + poll returns all 20 messages (" + got.size() + ")");
        r.fact("received", got.size() + " distinct, " + (sink.size() - got.size()) + " duplicates");
        r.fact("assignment", c.assignment().size());
        c.commitSync();
        List<String> more = Clients.sendAll(p, topic, "TagA", "ls2", 4);
        Set<String> got2 = pollUntil(c, more, 15_000, sink);
        r.check(got2.containsAll(more) && !got2.stream().anyMatch(k -> keys.contains(k)),
            "later messages arrive by long polling, earlier ones not again");
    }

    static void liteAssign(Report r) throws Exception {
        String topic = Flows.name("FlLiteA");
        DefaultMQProducer p = Clients.producer(r, "litea");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String k = "la-" + i;
            p.send(msg(topic, "TagA", k, k), (mqs, m, arg) -> mqs.get((Integer) arg % mqs.size()), i);
            keys.add(k);
        }
        Clients.awaitRoute(p, topic);
        DefaultLitePullConsumer c = Clients.litePull(r, group("litea"));
        c.setAutoCommit(false);
        c.start();
        List<MessageQueue> mqs = new ArrayList<>(c.fetchMessageQueues(topic));
        mqs.sort((x, y) -> Integer.compare(x.getQueueId(), y.getQueueId()));
        r.fact("queues", mqs.size());
        c.assign(mqs);
        List<MessageExt> sink = new ArrayList<>();
        Set<String> got = pollUntil(c, keys, 25_000, sink);
        r.check(got.containsAll(keys), "assign(all queues) + poll returns all 20 messages (" + got.size() + ")");
        MessageQueue q0 = mqs.get(0);
        c.seek(q0, 2);
        List<MessageExt> again = new ArrayList<>();
        Set<String> want = Set.of("la-8", "la-12", "la-16");
        Set<String> got2 = pollUntil(c, want, 15_000, again);
        r.check(got2.containsAll(want), "seek(queue 0, offset 2) re-reads offsets 2..4 of queue 0: " + got2);
        r.fact("afterSeek", again.stream().map(m -> m.getQueueId() + "@" + m.getQueueOffset()).sorted().distinct()
            .collect(Collectors.joining(",")));
        Map<MessageQueue, Long> offsets = new HashMap<>();
        for (MessageQueue q : mqs) {
            offsets.put(q, 5L);
        }
        c.commitSync(offsets, true);
        Map<Integer, Long> committed = new TreeMap<>();
        boolean all = Flows.await(8_000, () -> {
            for (MessageQueue q : mqs) {
                try {
                    committed.put(q.getQueueId(), c.committed(q));
                } catch (Exception e) {
                    committed.put(q.getQueueId(), null);
                }
            }
            return committed.values().stream().allMatch(v -> v != null && v == 5L);
        });
        r.check(all, "commitSync(offsets, persist) then committed() reads 5 for each queue: " + committed);
        r.fact("committed", committed);
    }

    static String describe(PullResult pr) {
        return pr.getPullStatus() + " n=" + (pr.getMsgFoundList() == null ? 0 : pr.getMsgFoundList().size())
            + " next=" + pr.getNextBeginOffset() + " min=" + pr.getMinOffset() + " max=" + pr.getMaxOffset();
    }

    static void pullConsumer(Report r) throws Exception {
        String topic = Flows.name("FlPull");
        DefaultMQProducer p = Clients.producer(r, "pull");
        Map<String, byte[]> bodies = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            String k = "pl-" + i;
            byte[] body = i == 5 ? ProducerFlows.text(6 * 1024, "pull") : k.getBytes(StandardCharsets.UTF_8);
            bodies.put(k, body);
            p.send(new Message(topic, i % 2 == 0 ? "TagA" : "TagB", k, body),
                (mqs, m, arg) -> mqs.get((Integer) arg % mqs.size()), i);
        }
        Clients.awaitRoute(p, topic);
        DefaultMQPullConsumer c = Clients.pullConsumer(r, group("pull"));
        List<MessageQueue> mqs = new ArrayList<>(c.fetchSubscribeMessageQueues(topic));
        mqs.sort((x, y) -> Integer.compare(x.getQueueId(), y.getQueueId()));
        r.fact("queues", mqs.size());
        // SEND_OK does not mean pullable: consume queues are built asynchronously (the Java 5.3.3 broker once
        // answered max=1 to a pull right after 3 sync sends to that queue)
        r.check(Flows.await(5_000, () -> mqs.stream().allMatch(q -> {
            try {
                return c.maxOffset(q) == 3;
            } catch (Exception e) {
                return false;
            }
        })), "every queue's max offset reaches 3");
        boolean bodiesOk = true;
        for (MessageQueue q : mqs) {
            String qn = "q" + q.getQueueId();
            PullResult a = c.pull(q, "*", 0, 32);
            r.fact(qn + ".from0", describe(a));
            if (a.getMsgFoundList() != null) {
                for (MessageExt m : a.getMsgFoundList()) {
                    bodiesOk &= Arrays.equals(m.getBody(), bodies.get(m.getKeys()));
                }
            }
            r.fact(qn + ".atMax", describe(c.pull(q, "*", a.getNextBeginOffset(), 32)));
            r.fact(qn + ".beyondMax", describe(c.pull(q, "*", 100, 32)));
            PullResult t = c.pull(q, "TagB", 0, 32);
            r.fact(qn + ".tagB", describe(t) + " keys=" + (t.getMsgFoundList() == null ? "" : t.getMsgFoundList()
                .stream().map(MessageExt::getKeys).collect(Collectors.joining(","))));
        }
        r.check(bodiesOk, "pulled bodies equal the sent ones (one 6 KiB compressed)");
        MessageQueue q0 = mqs.get(0);
        c.updateConsumeOffset(q0, 2);
        // persistConsumerOffset() only covers queues of registered topics; persist(mq) sends this one
        c.getDefaultMQPullConsumerImpl().getOffsetStore().persist(q0);
        long[] off = {-9};
        boolean stored = Flows.await(8_000, () -> {
            try {
                off[0] = c.fetchConsumeOffset(q0, true);
            } catch (Exception e) {
                off[0] = -8;
            }
            return off[0] == 2;
        });
        r.check(stored, "updateConsumeOffset + persist, then fetchConsumeOffset(fromStore) = 2: " + off[0]);
        r.fact("fetchConsumeOffset", off[0]);
        r.fact("unknownGroupOffset", c.fetchConsumeOffset(mqs.get(1), true));

        // long polling: a blocking pull at the end of queue 1 returns when a message arrives
        MessageQueue q1 = mqs.get(1);
        AtomicReference<Object> lp = new AtomicReference<>();
        long[] at = new long[3];
        Thread t = new Thread(() -> {
            at[0] = Flows.now();
            try {
                lp.set(c.pullBlockIfNotFound(q1, "*", 3, 32));
            } catch (Exception e) {
                lp.set(e);
            }
            at[1] = Flows.now();
        });
        t.start();
        Flows.sleep(1500);
        SendResult s = p.send(msg(topic, "TagA", "pl-late", "pl-late"), q1);
        at[2] = Flows.now();
        t.join(25_000);
        Object res = lp.get();
        boolean found = res instanceof PullResult pr && pr.getMsgFoundList() != null
            && pr.getMsgFoundList().stream().anyMatch(m -> "pl-late".equals(m.getKeys()));
        r.check(found, "pullBlockIfNotFound at the end of a queue returns the message sent 1.5 s later: " + res);
        r.check(at[1] - at[0] >= 1300, "the broker held the pull until the message arrived (" + (at[1] - at[0]) + " ms)");
        r.fact("longPoll", res instanceof PullResult pr ? pr.getPullStatus() + " offset " + s.getQueueOffset()
            : String.valueOf(res));
        r.info("longPollWakeMs", at[1] - at[2]);
    }

    /** A listener that always fails: %RETRY% deliveries with growing delays, then %DLQ%. */
    static void retryDlq(Report r) throws Exception {
        String topic = Flows.name("FlRetry");
        String group = group("retry");
        DefaultMQProducer p = Clients.producer(r, "retry");
        List<String> keys = Clients.sendAll(p, topic, "TagR", "rt", 3);
        Clients.awaitRoute(p, topic);
        Received rec = new Received();
        DefaultMQPushConsumer c = Clients.push(r, group, "RT", topic, "*", FIRST);
        c.setMaxReconsumeTimes(3);
        // %RETRY%<group> is created (and routed) at the group's first heartbeat, i.e. after the start-up rebalance
        // found no route for it; the consumer would only pull it after its next periodic rebalance (20 s). A 1 s
        // route poll plus a rebalance nudge once the route is known keeps the first redelivery at its level.
        c.setPollNameServerInterval(1000);
        MessageListenerConcurrently record = rec.listener("RT");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            record.consumeMessage(msgs, ctx);
            return ConsumeConcurrentlyStatus.RECONSUME_LATER;
        });
        c.start();
        String retryTopic = "%RETRY%" + group;
        r.check(Flows.await(10_000, () -> {
            if (!Clients.owned(c, retryTopic).isEmpty()) {
                return true;
            }
            c.getDefaultMQPushConsumerImpl().getmQClientFactory().rebalanceImmediately();
            return false;
        }), "the consumer pulls " + retryTopic);
        boolean four = Flows.await(40_000, () -> keys.stream().allMatch(k -> rec.of(d -> d.key().equals(k)).size() >= 4));
        r.check(four, "each message delivered 4 times (original + maxReconsumeTimes 3)");
        Map<String, String> reconsume = new TreeMap<>();
        List<Long> gaps = new ArrayList<>();
        boolean growing = true;
        for (String k : keys) {
            List<Delivery> ds = rec.of(d -> d.key().equals(k));
            reconsume.put(k, ds.stream().map(d -> Integer.toString(d.reconsumeTimes())).collect(Collectors.joining(",")));
            for (int i = 1; i < ds.size(); i++) {
                long g = ds.get(i).at() - ds.get(i - 1).at();
                gaps.add(g);
                growing &= g >= i * 1000L - 300; // levels 3, 4, 5 = 1 s, 2 s, 3 s
                if (i > 2) {
                    growing &= g > ds.get(i - 1).at() - ds.get(i - 2).at();
                }
            }
        }
        r.fact("reconsumeTimes", new TreeSet<>(reconsume.values()));
        r.check(growing, "redeliveries wait for levels 3, 4, 5 (at least 1 s, 2 s, 3 s; the 3rd longer than the 2nd): gaps " + gaps);
        r.info("gapsMs", gaps);
        List<Delivery> retried = rec.of(d -> d.reconsumeTimes() > 0);
        if (!retried.isEmpty()) {
            r.fact("retry.topicSeen", new TreeSet<>(retried.stream().map(Delivery::topic).map(t -> t.replace(Flows.tag, "<tag>")).toList()));
            r.fact("retry.propertyKeys", retried.get(0).props());
            r.fact("retry.RETRY_TOPIC", String.valueOf(retried.get(0).properties().get("RETRY_TOPIC")).replace(Flows.tag, "<tag>"));
            r.fact("retry.sameMsgId", retried.stream().allMatch(d -> rec.of(x -> x.key().equals(d.key()) && x.reconsumeTimes() == 0)
                .stream().allMatch(x -> x.msgId().equals(d.msgId()))));
        }
        // the DLQ
        String dlq = "%DLQ%" + group;
        DefaultMQPullConsumer pc = Clients.pullConsumer(r, group("retrydlqreader"));
        Set<MessageQueue>[] qs = new Set[1];
        boolean routed = Flows.await(15_000, () -> {
            try {
                qs[0] = pc.fetchSubscribeMessageQueues(dlq);
                return !qs[0].isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        r.check(routed, dlq + " has a route");
        if (!routed) {
            return;
        }
        r.fact("dlq.queues", qs[0].size());
        List<MessageExt> dl = new ArrayList<>();
        MessageQueue dq = qs[0].iterator().next();
        Flows.await(15_000, () -> {
            try {
                PullResult pr = pc.pull(dq, "*", dl.size(), 32);
                if (pr.getMsgFoundList() != null) {
                    dl.addAll(pr.getMsgFoundList());
                }
            } catch (Exception e) {
                // retry
            }
            return dl.size() >= keys.size();
        });
        r.check(dl.stream().map(MessageExt::getKeys).collect(Collectors.toSet()).containsAll(keys),
            "the 3 messages are in " + dl.size() + " DLQ records");
        if (!dl.isEmpty()) {
            MessageExt d0 = dl.get(0);
            r.fact("dlq.count", dl.size());
            r.fact("dlq.topic", d0.getTopic().replace(Flows.tag, "<tag>"));
            r.fact("dlq.reconsumeTimes", new TreeSet<>(dl.stream().map(MessageExt::getReconsumeTimes).toList()));
            r.fact("dlq.propertyKeys", Clients.propertyKeys(d0));
            r.fact("dlq.RETRY_TOPIC", String.valueOf(d0.getProperty("RETRY_TOPIC")).replace(Flows.tag, "<tag>"));
            r.fact("dlq.bodyKept", dl.stream().allMatch(m -> new String(m.getBody(), StandardCharsets.UTF_8).equals(m.getKeys())));
            r.fact("dlq.tags", d0.getTags());
        }
        int before = rec.snapshot().size();
        Flows.sleep(2000);
        r.check(rec.snapshot().size() == before, "no delivery after the message went to the DLQ");
    }

    /** Delay levels 1 (1 s) and 2 (2 s): delivered after their delay; the error is reported. */
    static void delay(Report r) throws Exception {
        String topic = Flows.name("FlDelay");
        DefaultMQProducer p = Clients.producer(r, "delay");
        p.send(msg(topic, "TagD", "d-warm", "d-warm"));
        Clients.awaitRoute(p, topic);
        Received rec = new Received();
        DefaultMQPushConsumer c = Clients.push(r, group("delay"), "D", topic, "*", FIRST);
        c.registerMessageListener(rec.listener("D"));
        c.start();
        r.check(Flows.await(20_000, () -> rec.hasAll(List.of("d-warm"))), "consumer running (got the warm-up message)");
        Map<String, long[]> sent = new LinkedHashMap<>(); // key -> {level, sendDone, queueId, sendStart}
        for (int level = 1; level <= 2; level++) {
            for (int i = 0; i < 3; i++) {
                String k = "d" + level + "-" + i;
                Message m = msg(topic, "TagD", k, k);
                m.setDelayTimeLevel(level);
                long sendStart = Flows.now();
                SendResult s = p.send(m);
                sent.put(k, new long[] {level, Flows.now(), s.getMessageQueue().getQueueId(), sendStart});
                Flows.sleep(150);
            }
        }
        r.check(Flows.await(20_000, () -> rec.hasAll(sent.keySet())), "all 6 delayed messages delivered");
        Map<Integer, List<Long>> errors = new TreeMap<>();
        boolean inWindow = true;
        boolean sameQueue = true;
        for (Map.Entry<String, long[]> e : sent.entrySet()) {
            List<Delivery> ds = rec.of(d -> d.key().equals(e.getKey()));
            if (ds.isEmpty()) {
                continue;
            }
            Delivery d = ds.get(0);
            long delayMs = e.getValue()[0] * 1000;
            long err = d.at() - e.getValue()[1] - delayMs;
            errors.computeIfAbsent((int) e.getValue()[0], x -> new ArrayList<>()).add(err);
            // The broker stores the message somewhere between send start and send done and delivers it `delay`
            // after storing: early is measured from the start (a client pause before send() returned must not
            // count as early delivery), late from the end.
            long early = d.at() - e.getValue()[3] - delayMs;
            inWindow &= early >= -150 && err <= 1500;
            sameQueue &= d.queueId() == e.getValue()[2];
        }
        r.check(inWindow, "each delivered within [-150 ms, +1500 ms] of its delay (errors after send done " + errors + ")");
        r.info("errorMs", errors);
        Delivery d = rec.of(x -> x.key().equals("d2-0")).stream().findFirst().orElse(null);
        if (d != null) {
            r.fact("delivered.topic", d.topic().replace(Flows.tag, "<tag>"));
            r.fact("delivered.sameQueue", sameQueue);
            r.fact("delivered.propertyKeys", d.props());
            r.fact("delivered.DELAY", d.properties().get("DELAY"));
            r.fact("delivered.REAL_TOPIC", String.valueOf(d.properties().get("REAL_TOPIC")).replace(Flows.tag, "<tag>"));
            r.fact("delivered.reconsumeTimes", d.reconsumeTimes());
            r.info("storeMinusBornMs", d.storeTs() - d.bornTs());
        }
        r.fact("deliveries", rec.snapshot().size() + " for " + rec.keys().size() + " keys");
    }

    /** Two groups on one topic each receive every message. */
    static void fanout(Report r) throws Exception {
        String topic = Flows.name("FlFan");
        DefaultMQProducer p = Clients.producer(r, "fan");
        List<String> keys = Clients.sendAll(p, topic, "TagA", "fan", 20);
        Clients.awaitRoute(p, topic);
        Received r1 = new Received();
        Received r2 = new Received();
        for (Object[] x : new Object[][] {{"fan1", r1}, {"fan2", r2}}) {
            DefaultMQPushConsumer c = Clients.push(r, group((String) x[0]), (String) x[0], topic, "*", FIRST);
            c.registerMessageListener(((Received) x[1]).listener((String) x[0]));
            c.start();
        }
        r.check(Flows.await(20_000, () -> r1.hasAll(keys) && r2.hasAll(keys)), "both groups get all 20 messages");
        r.fact("group1", r1.keys().size());
        r.fact("group2", r2.keys().size());
    }

    /** Tag subscriptions: "TagA || TagB", "TagC", "*" get exactly the matching messages. */
    static void tags(Report r) throws Exception {
        String topic = Flows.name("FlTags");
        DefaultMQProducer p = Clients.producer(r, "tags");
        Map<String, List<String>> byTag = new LinkedHashMap<>();
        for (String t : new String[] {"TagA", "TagB", "TagC", null}) {
            List<String> ks = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String k = (t == null ? "none" : t) + "-" + i;
                Message m = new Message(topic, k.getBytes(StandardCharsets.UTF_8));
                if (t != null) {
                    m.setTags(t);
                }
                m.setKeys(k);
                p.send(m);
                ks.add(k);
            }
            byTag.put(t == null ? "none" : t, ks);
        }
        Clients.awaitRoute(p, topic);
        Map<String, Received> recs = new LinkedHashMap<>();
        Map<String, Set<String>> want = new LinkedHashMap<>();
        for (String expr : List.of("TagA || TagB", "TagC", "*")) {
            Received rec = new Received();
            String g = group("tags" + expr.replaceAll("[^A-Za-z*]", "").replace("*", "All"));
            DefaultMQPushConsumer c = Clients.push(r, g, g, topic, expr, FIRST);
            c.registerMessageListener(rec.listener(expr));
            c.start();
            recs.put(expr, rec);
            Set<String> w = new TreeSet<>();
            for (Map.Entry<String, List<String>> e : byTag.entrySet()) {
                if (expr.equals("*") || Arrays.asList(expr.split("\\s*\\|\\|\\s*")).contains(e.getKey())) {
                    w.addAll(e.getValue());
                }
            }
            want.put(expr, w);
        }
        r.check(Flows.await(20_000, () -> want.entrySet().stream().allMatch(e -> recs.get(e.getKey()).hasAll(e.getValue()))),
            "each subscription gets its matching messages");
        Flows.sleep(1500);
        for (String expr : want.keySet()) {
            Set<String> got = recs.get(expr).keys();
            r.check(got.equals(want.get(expr)), "'" + expr + "' got exactly the " + want.get(expr).size()
                + " matching messages" + (got.equals(want.get(expr)) ? "" : ": " + got));
            Map<String, Integer> perTag = new TreeMap<>();
            got.forEach(k -> perTag.merge(k.substring(0, k.indexOf('-')), 1, Integer::sum));
            r.fact("'" + expr + "'", perTag);
        }
    }
}
