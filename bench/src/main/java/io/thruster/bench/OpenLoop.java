package io.thruster.bench;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Open-loop load: message {@code i} is due at {@code t0 + i / rate}; one pacing thread issues
 * {@code producer.send(msg, callback)} (asynchronous) when it is due, whether or not earlier sends have completed.
 * Send latency = callback time − intended time, so a stalled broker shows up as latency instead of silently
 * lowering the offered rate (no coordinated omission). A push consumer in the same JVM records produce→consume
 * latency = listener entry − intended time (both {@code System.nanoTime}).
 *
 * <p>Body layout (SIZE ≥ 17 bytes): {@code [0,8)} intended time (nanoTime, big-endian), {@code [8,16)} run id,
 * {@code [16]} kind (0 = data, 1 = probe), rest random filler. Messages of other run ids (an old backlog of the
 * topic) are counted as "foreign" and otherwise ignored.
 *
 * <p>Timeline: warm-up sends (sync, until SEND_OK, ≤ 20 s; the broker auto-creates the topic) → consumer start →
 * probes until the consumer receives one and no foreign backlog arrives for 1 s (≤ 30 s) → WARMUP seconds of load
 * (not recorded) → DURATION seconds of load (recorded) → drain ≤ 5 s → JSON.
 */
public final class OpenLoop {
    private static final String USAGE = "-n NAMESRV -t TOPIC [-s SIZE=1024] --rate MSGS_PER_SEC --duration SEC "
        + "[--warmup SEC=5] [-g CONSUMER_GROUP=bench_cg_<pid>] --out FILE.json [--serialize json|rocketmq] "
        + "[--no-consume] [--drain SEC=5] [--sender async|sync] [--senders N=32]";

    private static final byte KIND_DATA = 0;
    private static final byte KIND_PROBE = 1;

    private final Histogram sendHist = new ConcurrentHistogram(Stats.HIGHEST_US, 3);
    private final Histogram e2eHist = new ConcurrentHistogram(Stats.HIGHEST_US, 3);
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong receivedWarmup = new AtomicLong();
    private final AtomicLong foreign = new AtomicLong();
    private final AtomicLong lastForeignNanos = new AtomicLong();
    private final AtomicLong probesReceived = new AtomicLong();
    private final AtomicLong lastAckNanos = new AtomicLong();
    private final Set<String> errors = ConcurrentHashMap.newKeySet();
    private final long runId = ThreadLocalRandom.current().nextLong();
    /** nanoTime from which sends and receipts are recorded (the end of the warm-up period). */
    private volatile long measureFrom = Long.MAX_VALUE;

    public static void main(String[] argv) throws Exception {
        Args a = Args.parse("OpenLoop", argv,
            List.of("-n", "-t", "-s", "--rate", "--duration", "--warmup", "-g", "--out", "--serialize", "--drain",
                "--sender", "--senders"),
            List.of("--no-consume"), USAGE);
        Common.applySerialize(a.str("--serialize", "json"));
        new OpenLoop().run(a);
        // Client threads (netty, rebalance, timers) are not all daemons in every version.
        System.exit(0);
    }

    private void run(Args a) throws Exception {
        String namesrv = a.required("-n");
        String topic = a.required("-t");
        int size = a.integer("-s", 1024);
        double rate = a.dbl("--rate", 0);
        double duration = a.dbl("--duration", 0);
        double warmup = a.dbl("--warmup", 5);
        double drain = a.dbl("--drain", 5);
        long pid = ProcessHandle.current().pid();
        String group = a.str("-g", "bench_cg_" + pid);
        Path out = Path.of(a.required("--out"));
        boolean consume = !a.flag("--no-consume");
        String sender = a.str("--sender", "async");
        int senders = a.integer("--senders", 32);
        if (!sender.equals("async") && !sender.equals("sync")) {
            throw new IllegalArgumentException("--sender must be async or sync");
        }
        if (size < 17) {
            throw new IllegalArgumentException("-s must be at least 17 (the body carries a 17-byte header)");
        }
        if (rate <= 0 || duration <= 0) {
            throw new IllegalArgumentException("--rate and --duration must be > 0");
        }

        DefaultMQProducer producer = Common.producer(namesrv, "bench_pg_" + pid);
        producer.start();
        byte[] filler = new byte[size];
        ThreadLocalRandom.current().nextBytes(filler);
        Common.warmUp(producer, topic, () -> message(topic, filler, System.nanoTime(), KIND_PROBE));

        DefaultMQPushConsumer consumer = null;
        if (consume) {
            consumer = startConsumer(namesrv, topic, group, pid);
            awaitSteadyConsumer(producer, topic, filler);
        }

        long period = Math.max(1, Math.round(1e9 / rate));
        long total = (long) Math.ceil((warmup + duration) * rate);
        long warmupCount = (long) Math.ceil(warmup * rate);
        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        measureFrom = t0 + warmupCount * period;
        // wall-clock bounds of the measured period, so a caller can attribute broker CPU samples to it
        long measureStartEpochMs = System.currentTimeMillis() + (measureFrom - System.nanoTime()) / 1_000_000;
        long measuredSent = 0;
        long maxLagNanos = 0;
        SyncSenders pool = sender.equals("sync") ? new SyncSenders(producer, senders) : null;
        for (long i = 0; i < total; i++) {
            long due = t0 + i * period;
            waitUntil(due);
            long lag = System.nanoTime() - due;
            if (due >= measureFrom) {
                measuredSent++;
                maxLagNanos = Math.max(maxLagNanos, lag);
            }
            Message msg = message(topic, filler, due, KIND_DATA);
            if (pool != null) {
                inFlight.incrementAndGet();
                pool.queue.add(new Due(msg, due));
            } else {
                send(producer, msg, due);
            }
        }
        long issueEnd = System.nanoTime();
        long measureEndEpochMs = System.currentTimeMillis();

        // Drain: outstanding callbacks, then the consumer catching up with every acknowledged message.
        long drainUntil = System.nanoTime() + (long) (drain * 1e9);
        while (inFlight.get() > 0 && System.nanoTime() < drainUntil) {
            Thread.sleep(5);
        }
        long acked = ok.get();
        while (consume && received.get() < acked && System.nanoTime() < drainUntil) {
            Thread.sleep(5);
        }
        long outstanding = inFlight.get();
        if (pool != null) {
            pool.stop();
        }
        producer.shutdown();
        if (consumer != null) {
            consumer.shutdown();
        }

        double measuredSecs = (issueEnd - measureFrom) / 1e9;
        double lastAckSecs = (lastAckNanos.get() - measureFrom) / 1e9;
        double issueRate = measuredSent / Math.max(measuredSecs, duration);
        double ackRate = acked / Math.max(lastAckSecs, duration);

        Json j = new Json().beginObject();
        j.field("tool", "OpenLoop");
        j.field("namesrv", namesrv).field("topic", topic).field("size", size);
        j.field("serialize", a.str("--serialize", "json").toLowerCase(Locale.ROOT));
        j.field("sender", sender.equals("sync") ? "sync x" + senders : "async");
        j.field("offered_rate", rate).field("warmup_s", warmup).field("duration_s", duration);
        j.field("send_issue_rate", issueRate);
        j.field("achieved_rate", ackRate);
        j.field("max_pacing_lag_us", maxLagNanos / 1000);
        j.field("measure_start_epoch_ms", measureStartEpochMs);
        j.field("measure_end_epoch_ms", measureEndEpochMs);
        j.field("sent", measuredSent).field("ok", acked).field("failed", failed.get());
        j.field("outstanding_after_drain", outstanding);
        j.field("consume", consume);
        j.field("received", received.get());
        j.field("lost", consume ? Math.max(0, acked - received.get()) : 0);
        j.field("foreign_received", foreign.get());
        j.name("errors").beginArray();
        errors.stream().sorted().forEach(j::value);
        j.endArray();
        j.name("send");
        Stats.summary(j, sendHist);
        j.name("e2e");
        if (consume) {
            Stats.summary(j, e2eHist);
        } else {
            j.nullValue();
        }
        j.name("send_percentiles").raw(Stats.series(sendHist));
        j.name("e2e_percentiles").raw(consume ? Stats.series(e2eHist) : "[]");
        j.endObject();
        Files.writeString(out, j.toString());

        System.out.printf(Locale.ROOT,
            "OpenLoop %s size=%d offered=%.0f/s achieved=%.0f/s sent=%d ok=%d failed=%d received=%d | send %s | e2e %s%n",
            topic, size, rate, ackRate, measuredSent, acked, failed.get(), received.get(), Stats.human(sendHist),
            consume ? Stats.human(e2eHist) : "off");
    }

    private Message message(String topic, byte[] filler, long intendedNanos, byte kind) {
        byte[] body = filler.clone();
        ByteBuffer.wrap(body).putLong(intendedNanos).putLong(runId).put(kind);
        return new Message(topic, body);
    }

    /** Parks until shortly before {@code due}, then spins the last few tens of µs (the park has ~50 µs slack). */
    private static void waitUntil(long due) {
        while (true) {
            long left = due - System.nanoTime();
            if (left <= 0) {
                return;
            }
            if (left > 100_000) {
                LockSupport.parkNanos(left - 80_000);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** A message and its intended send time, queued for the sync sender pool. */
    private record Due(Message msg, long intended) {
    }

    /**
     * {@code --sender sync}: N threads take due messages from an unbounded queue and send them synchronously;
     * latency is still measured from the intended time, so queueing in front of a busy pool counts.
     */
    private final class SyncSenders {
        final java.util.concurrent.LinkedBlockingQueue<Due> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        private final Thread[] threads;
        private volatile boolean stopped;

        SyncSenders(DefaultMQProducer producer, int n) {
            threads = new Thread[n];
            for (int i = 0; i < n; i++) {
                threads[i] = new Thread(() -> loop(producer), "bench-sender-" + i);
                threads[i].setDaemon(true);
                threads[i].start();
            }
        }

        private void loop(DefaultMQProducer producer) {
            while (!stopped) {
                Due d;
                try {
                    d = queue.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (d == null) {
                    continue;
                }
                boolean measured = d.intended >= measureFrom;
                try {
                    SendResult r = producer.send(d.msg);
                    onResult(r, measured, d.intended);
                } catch (Exception e) {
                    onFailure(e, measured);
                } finally {
                    inFlight.decrementAndGet();
                }
            }
        }

        void stop() {
            stopped = true;
        }
    }

    private void onResult(SendResult r, boolean measured, long intended) {
        long now = System.nanoTime();
        if (!measured) {
            return;
        }
        if (r.getSendStatus() == SendStatus.SEND_OK) {
            ok.incrementAndGet();
            Stats.record(sendHist, (now - intended) / 1000);
            lastAckNanos.accumulateAndGet(now, Math::max);
        } else {
            failed.incrementAndGet();
            error("status " + r.getSendStatus());
        }
    }

    private void onFailure(Throwable e, boolean measured) {
        if (measured) {
            failed.incrementAndGet();
            error(e);
        }
    }

    private void send(DefaultMQProducer producer, Message msg, long intended) {
        boolean measured = intended >= measureFrom;
        inFlight.incrementAndGet();
        try {
            producer.send(msg, new SendCallback() {
                @Override
                public void onSuccess(SendResult r) {
                    onResult(r, measured, intended);
                    inFlight.decrementAndGet();
                }

                @Override
                public void onException(Throwable e) {
                    onFailure(e, measured);
                    inFlight.decrementAndGet();
                }
            });
        } catch (Exception e) {
            onFailure(e, measured);
            inFlight.decrementAndGet();
        }
    }

    private void error(Throwable e) {
        error(e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    private void error(String s) {
        if (errors.size() < 8) {
            // Messages carry a trailing FAQ URL and sometimes ids; the first line is enough to tell kinds apart.
            errors.add(s.lines().findFirst().orElse(s));
        }
    }

    private DefaultMQPushConsumer startConsumer(String namesrv, String topic, String group, long pid)
        throws Exception {
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(group);
        c.setNamesrvAddr(namesrv);
        c.setInstanceName("bench_c_" + pid);
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
        c.setConsumeMessageBatchMaxSize(1);
        c.setConsumeThreadMin(4);
        c.setConsumeThreadMax(4);
        c.subscribe(topic, "*");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            long now = System.nanoTime();
            for (MessageExt m : msgs) {
                onMessage(m.getBody(), now);
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        return c;
    }

    private void onMessage(byte[] body, long now) {
        if (body == null || body.length < 17) {
            foreign(now);
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(body);
        long intended = b.getLong();
        if (b.getLong() != runId) {
            foreign(now);
            return;
        }
        if (b.get() == KIND_PROBE) {
            probesReceived.incrementAndGet();
        } else if (intended >= measureFrom) {
            received.incrementAndGet();
            Stats.record(e2eHist, (now - intended) / 1000);
        } else {
            receivedWarmup.incrementAndGet();
        }
    }

    private void foreign(long now) {
        foreign.incrementAndGet();
        lastForeignNanos.accumulateAndGet(now, Math::max);
    }

    /**
     * Sends a probe every 200 ms until the consumer has received one (its queues are assigned and it pulls) and no
     * message of an earlier run has arrived for 1 s (a new group may start at offset 0 of a topic with a backlog).
     */
    private void awaitSteadyConsumer(DefaultMQProducer producer, String topic, byte[] filler) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (probesReceived.get() == 0) {
                Common.trySendSync(producer, message(topic, filler, System.nanoTime(), KIND_PROBE));
            } else if (System.nanoTime() - lastForeignNanos.get() > TimeUnit.SECONDS.toNanos(1)) {
                return;
            }
            Thread.sleep(200);
        }
        System.err.printf("OpenLoop: consumer not steady after 30 s (probes received %d, foreign messages %d); "
            + "measuring anyway%n", probesReceived.get(), foreign.get());
    }

}
