package io.thruster.compat.apps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Driver of the broker flows (producer, consumers, retry/DLQ, delay, bad input): one JVM per client version runs
 * many independent flows concurrently, each on its own topics and groups (suffixed with a client tag), against one
 * broker, and reports what it observed as lines the test parses:
 *
 * <pre>
 * &#64;&#64; &lt;flow&gt; START
 * &#64;&#64; &lt;flow&gt; CHECK-OK|CHECK-FAIL &lt;what&gt;   a property the flow must have (on any broker)
 * &#64;&#64; &lt;flow&gt; FACT &lt;key&gt;=&lt;value&gt;          an observation that must be equal on Java and Thruster
 * &#64;&#64; &lt;flow&gt; CODE &lt;key&gt;=&lt;value&gt;          a response code: compared with the Java broker of the client's version
 * &#64;&#64; &lt;flow&gt; INFO &lt;key&gt;=&lt;value&gt;          shown, never compared (timings, remarks)
 * &#64;&#64; &lt;flow&gt; ERROR &lt;exception&gt;            the flow threw
 * &#64;&#64; &lt;flow&gt; END &lt;millis&gt;
 * </pre>
 *
 * <p>Usage: {@code Flows <namesrv> <clientTag> <brokerName> <flow,flow,...|all> <deadlineSeconds>}. Exit 0 when
 * every flow ended (whatever its checks said), 3 when the deadline passed first.
 */
public final class Flows {
    static String namesrv;
    static String tag;
    static String brokerName;
    static final long T0 = System.currentTimeMillis();

    interface Flow {
        void run(Report r) throws Exception;
    }

    static final Map<String, Flow> ALL = new LinkedHashMap<>();

    static {
        ProducerFlows.register(ALL);
        BadInputFlows.register(ALL);
        ConsumerFlows.register(ALL);
    }

    private Flows() {
    }

    public static void main(String[] args) throws Exception {
        namesrv = args[0];
        tag = args[1];
        brokerName = args[2];
        List<String> names = new ArrayList<>();
        if ("all".equals(args[3])) {
            names.addAll(ALL.keySet());
        } else {
            for (String n : args[3].split(",")) {
                if (!ALL.containsKey(n)) {
                    throw new IllegalArgumentException("unknown flow " + n + "; known: " + ALL.keySet());
                }
                names.add(n);
            }
        }
        long deadlineMs = Long.parseLong(args[4]) * 1000;
        CountDownLatch done = new CountDownLatch(names.size());
        Map<String, Boolean> ended = new ConcurrentHashMap<>();
        for (String n : names) {
            Thread t = new Thread(() -> {
                Report r = new Report(n);
                r.emit("START", "");
                long t0 = System.currentTimeMillis();
                try {
                    ALL.get(n).run(r);
                } catch (Throwable e) {
                    r.emit("ERROR", e.toString().replace('\n', ' '));
                    e.printStackTrace();
                } finally {
                    r.closeAll();
                    r.emit("END", Long.toString(System.currentTimeMillis() - t0));
                    ended.put(n, true);
                    done.countDown();
                }
            }, "flow-" + n);
            t.setDaemon(true);
            t.start();
            sleep(100); // not every client instance at the same moment
        }
        boolean ok = done.await(deadlineMs, TimeUnit.MILLISECONDS);
        for (String n : names) {
            if (!ended.containsKey(n)) {
                Report.line(n, "TIMEOUT", "flow still running after " + args[4] + " s");
            }
        }
        System.out.flush();
        // Client instances still open (a flow that timed out) are not shut down: the 5.3.3 client lingers ~3 s per
        // instance in shutdown; exiting closes the connections, which the broker treats as unregistration.
        Runtime.getRuntime().halt(ok ? 0 : 3);
    }

    /** Topic or group name of this flow for this client: {@code <base>_<tag>}. */
    static String name(String base) {
        return base + "_" + tag;
    }

    static long now() {
        return System.currentTimeMillis();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code cond} every 50 ms until true or {@code timeoutMs} passed; returns the last value. */
    static boolean await(long timeoutMs, java.util.function.BooleanSupplier cond) {
        long deadline = now() + timeoutMs;
        while (true) {
            boolean v;
            try {
                v = cond.getAsBoolean();
            } catch (RuntimeException e) {
                v = false;
            }
            if (v) {
                return true;
            }
            if (now() > deadline) {
                return false;
            }
            sleep(50);
        }
    }
}
