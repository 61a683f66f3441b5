package io.thruster.compat.harness;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stock quick-start, as a user runs it: {@code export NAMESRV_ADDR=...}, then the quickstart Producer (1000
 * messages to TopicTest) and the quickstart Consumer (group please_rename_unique_group_name_4, runs until killed)
 * — the suite's copies in {@code apps.quickstart}, with the code shape of the stock examples. Both client
 * versions' producers run at once (2000 messages), then both versions' consumers at once: they share the group,
 * so together they must receive every (queue, offset) the producers were told about, with the bodies sent.
 */
public final class QuickStart {
    private static final Pattern SENT = Pattern.compile(
        "^SendResult \\[sendStatus=(\\w+), msgId=\\S+, offsetMsgId=\\S+, messageQueue=MessageQueue \\[topic=TopicTest, "
            + "brokerName=(\\S+), queueId=(\\d+)\\], queueOffset=(\\d+)");
    private static final Pattern RECEIVED = Pattern.compile(
        "MessageExt \\[brokerName=(\\S*), queueId=(\\d+), storeSize=\\d+, queueOffset=(\\d+), .*?body=\\[([-0-9, ]*)\\]");

    /** Outcome; {@link #problems} is empty when the quick-start worked. */
    public record Result(Map<String, String> facts, Map<String, String> infos, List<String> problems) {
    }

    private QuickStart() {
    }

    public static Result run(String namesrvAddr, Path dir, List<RmqVersion> versions) {
        Map<String, String> facts = new LinkedHashMap<>();
        Map<String, String> infos = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Map<String, String> env = Map.of("NAMESRV_ADDR", namesrvAddr);
        long t0 = System.nanoTime();
        Set<String> sent = new TreeSet<>();
        List<Callable<String>> producers = new ArrayList<>();
        for (RmqVersion v : versions) {
            producers.add(() -> {
                try (ManagedProcess p = ClientApp.start(v, dir.resolve("quickstart-producer-" + v), env, "-Xmx128m",
                    "quickstart.Producer")) {
                    Integer code = p.waitFor(Duration.ofSeconds(90));
                    int ok = 0;
                    int lines = 0;
                    for (String l : p.stdoutText().split("\n")) {
                        Matcher m = SENT.matcher(l);
                        if (m.find()) {
                            lines++;
                            if (m.group(1).equals("SEND_OK")) {
                                ok++;
                            }
                            synchronized (sent) {
                                sent.add(m.group(3) + "@" + m.group(4));
                            }
                        }
                    }
                    synchronized (facts) {
                        facts.put("producer " + v, "exit " + code + ", " + ok + "/" + lines + " SEND_OK");
                    }
                    if (code == null || code != 0 || ok != 1000) {
                        synchronized (problems) {
                            problems.add("quickstart Producer " + v + ": exit " + code + ", " + ok + " SEND_OK of "
                                + lines + " results\n" + p.describe());
                        }
                    }
                }
                return null;
            });
        }
        Parallel.all(producers);
        infos.put("producersMs", Long.toString((System.nanoTime() - t0) / 1_000_000));
        facts.put("distinct (queue, offset) sent", Integer.toString(sent.size()));
        long t1 = System.nanoTime();
        List<ManagedProcess> consumers = new ArrayList<>();
        try {
            for (RmqVersion v : versions) {
                consumers.add(ClientApp.start(v, dir.resolve("quickstart-consumer-" + v), env, "-Xmx128m",
                    "quickstart.Consumer"));
            }
            Set<String> received = new TreeSet<>();
            Set<String> bodies = new TreeSet<>();
            Map<RmqVersion, Integer> per = new LinkedHashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            boolean started = false;
            while (System.nanoTime() < deadline) {
                received.clear();
                bodies.clear();
                started = true;
                for (int i = 0; i < consumers.size(); i++) {
                    String out = consumers.get(i).stdoutText();
                    started &= out.contains("Consumer Started.");
                    int n = 0;
                    for (String l : out.split("\n")) {
                        Matcher m = RECEIVED.matcher(l);
                        if (m.find()) {
                            n++;
                            received.add(m.group(2) + "@" + m.group(3));
                            bodies.add(decode(m.group(4)));
                        }
                    }
                    per.put(versions.get(i), n);
                }
                if (started && !sent.isEmpty() && received.containsAll(sent)) {
                    break;
                }
                ManagedProcess.sleep(500);
            }
            infos.put("consumersMs", Long.toString((System.nanoTime() - t1) / 1_000_000));
            infos.put("deliveries per consumer", per.toString());
            facts.put("consumers printed 'Consumer Started.'", Boolean.toString(started));
            Set<String> missing = new TreeSet<>(sent);
            missing.removeAll(received);
            facts.put("sent (queue, offset) not received", Integer.toString(missing.size()));
            Set<String> expectedBodies = new TreeSet<>();
            for (int i = 0; i < 1000; i++) {
                expectedBodies.add("Hello RocketMQ " + i);
            }
            facts.put("bodies", bodies.equals(expectedBodies) ? "Hello RocketMQ 0..999" : bodies.size() + " distinct");
            if (!started || !missing.isEmpty() || !bodies.equals(expectedBodies) || sent.size() != 1000 * versions.size()) {
                StringBuilder d = new StringBuilder();
                consumers.forEach(c -> d.append(ManagedProcess.tail(c.describe(), 8)).append('\n'));
                problems.add("quickstart Consumers: started=" + started + ", " + missing.size() + " of " + sent.size()
                    + " sent messages not received (e.g. " + missing.stream().limit(5).toList() + "), "
                    + bodies.size() + " distinct bodies\n" + d);
            }
        } finally {
            Parallel.closeAll(consumers.toArray(new AutoCloseable[0]));
        }
        return new Result(facts, infos, problems);
    }

    private static String decode(String bytes) {
        String[] parts = bytes.split(",\\s*");
        byte[] b = new byte[parts[0].isBlank() ? 0 : parts.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(parts[i].trim());
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
