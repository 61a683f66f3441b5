package io.thruster.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;

/**
 * Closed-loop throughput (the stock benchmark Producer's model, bounded in time): THREADS threads each send
 * SIZE-byte messages synchronously, back to back, for WARMUP + DURATION seconds; only the DURATION part is counted.
 */
public final class ClosedLoop {
    private static final String USAGE = "-n NAMESRV -t TOPIC [-s SIZE=1024] [--threads N=16] --duration SEC "
        + "[--warmup SEC=5] --out FILE.json [--serialize json|rocketmq]";

    public static void main(String[] argv) throws Exception {
        Args a = Args.parse("ClosedLoop", argv,
            List.of("-n", "-t", "-s", "--threads", "--duration", "--warmup", "--out", "--serialize"), List.of(), USAGE);
        Common.applySerialize(a.str("--serialize", "json"));
        run(a);
        System.exit(0);
    }

    private static void run(Args a) throws Exception {
        String namesrv = a.required("-n");
        String topic = a.required("-t");
        int size = a.integer("-s", 1024);
        int threads = a.integer("--threads", 16);
        double duration = a.dbl("--duration", 0);
        double warmup = a.dbl("--warmup", 5);
        Path out = Path.of(a.required("--out"));
        if (duration <= 0 || threads <= 0 || size <= 0) {
            throw new IllegalArgumentException("--duration, --threads and -s must be > 0");
        }

        DefaultMQProducer producer = Common.producer(namesrv, "bench_pg_" + ProcessHandle.current().pid());
        producer.start();
        byte[] body = new byte[size];
        ThreadLocalRandom.current().nextBytes(body);
        Common.warmUp(producer, topic, () -> new Message(topic, body));

        Histogram rt = new ConcurrentHistogram(Stats.HIGHEST_US, 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Set<String> errors = ConcurrentHashMap.newKeySet();
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmup * 1e9);
        long end = measureFrom + (long) (duration * 1e9);
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Thread(() -> {
                while (true) {
                    long t = System.nanoTime();
                    if (t >= end) {
                        return;
                    }
                    boolean measured = t >= measureFrom;
                    try {
                        SendResult r = producer.send(new Message(topic, body));
                        long done = System.nanoTime();
                        if (!measured) {
                            continue;
                        }
                        if (r.getSendStatus() == SendStatus.SEND_OK) {
                            ok.incrementAndGet();
                            Stats.record(rt, (done - t) / 1000);
                        } else {
                            failed.incrementAndGet();
                            addError(errors, "status " + r.getSendStatus());
                        }
                    } catch (Exception e) {
                        if (measured) {
                            failed.incrementAndGet();
                            addError(errors, e.getClass().getSimpleName() + ": " + e.getMessage());
                        }
                    }
                }
            }, "bench-closed-" + i);
            workers[i].start();
        }
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(30) + (long) ((warmup + duration) * 1000));
        }
        // Sends still running past `end` finish within the 3 s send timeout; they are counted if they succeed.
        double secs = Math.max(duration, (System.nanoTime() - measureFrom) / 1e9);
        producer.shutdown();

        double msgs = ok.get() / secs;
        Json j = new Json().beginObject();
        j.field("tool", "ClosedLoop");
        j.field("namesrv", namesrv).field("topic", topic).field("size", size).field("threads", threads);
        j.field("serialize", a.str("--serialize", "json").toLowerCase(Locale.ROOT));
        j.field("warmup_s", warmup).field("duration_s", duration);
        j.field("ok", ok.get()).field("failed", failed.get());
        j.field("msgs_per_s", msgs);
        j.field("mb_per_s", msgs * size / (1024.0 * 1024.0));
        j.field("avg_rt_us", rt.getTotalCount() == 0 ? 0 : rt.getMean());
        j.field("max_rt_us", rt.getMaxValue());
        j.field("p99_rt_us", rt.getValueAtPercentile(99));
        j.name("errors").beginArray();
        errors.stream().sorted().forEach(j::value);
        j.endArray();
        j.name("send");
        Stats.summary(j, rt);
        j.name("send_percentiles").raw(Stats.series(rt));
        j.endObject();
        Files.writeString(out, j.toString());
        System.out.printf(Locale.ROOT, "ClosedLoop %s size=%d threads=%d %.0f msg/s %.2f MB/s ok=%d failed=%d | rt %s%n",
            topic, size, threads, msgs, msgs * size / (1024.0 * 1024.0), ok.get(), failed.get(), Stats.human(rt));
    }

    private static void addError(Set<String> errors, String s) {
        if (errors.size() < 8) {
            errors.add(s.lines().findFirst().orElse(s));
        }
    }
}
