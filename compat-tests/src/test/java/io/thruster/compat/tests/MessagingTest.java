package io.thruster.compat.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thruster.compat.harness.Cluster;
import io.thruster.compat.harness.Env;
import io.thruster.compat.harness.ManagedProcess;
import io.thruster.compat.harness.MqAdmin;
import io.thruster.compat.harness.NamesrvSpec;
import io.thruster.compat.harness.Parallel;
import io.thruster.compat.harness.ClientApp;
import io.thruster.compat.harness.RmqVersion;
import io.thruster.compat.harness.ThrusterProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import io.thruster.compat.harness.Reaper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Test 2, messaging through a stock Java broker with routes from the NameServer under test. Two topics are
 * created in cluster mode ({@code updateTopic -c DefaultCluster}, which reads the cluster table from the
 * NameServer); then, in parallel, a 4.9.8 producer -> 5.3.3 push consumer on one topic and a 5.3.3 producer ->
 * 4.9.8 push consumer on the other. Every producer must get SEND_OK for all N messages and every consumer must
 * receive exactly the N keys/bodies sent.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MessagingTest {
    private static final int N = 40;

    @AfterAll
    static void stopLeftovers() {
        Reaper.drain();
    }

    static Stream<String> versions() {
        return Env.versions().stream();
    }

    record Pipeline(RmqVersion producer, RmqVersion consumer, String topic, String group, String prefix) {
    }

    static void run(NamesrvSpec ns, RmqVersion brokerVersion) {
        Path dir = Env.newRunDir("messaging-broker" + brokerVersion + "-" + ns.label());
        try (Cluster c = Cluster.start(ns, dir, brokerVersion, List.of("broker-a"), List.of(brokerVersion))) {
            List<Pipeline> pipelines = List.of(
                new Pipeline(RmqVersion.V4_9_8, RmqVersion.V5_3_3, "CompatMsgA", "CompatGroupA", "a498"),
                new Pipeline(RmqVersion.V5_3_3, RmqVersion.V4_9_8, "CompatMsgB", "CompatGroupB", "b533"));
            for (Pipeline p : pipelines) {
                MqAdmin.Result r = c.admin(brokerVersion, "updateTopic", "-c", "DefaultCluster", "-t", p.topic(),
                    "-r", "4", "-w", "4");
                assertTrue(r.stdout().contains("create topic to " + c.broker("broker-a").addr() + " success."),
                    "updateTopic -c DefaultCluster through " + ns + " did not reach the broker:\n" + r);
            }
            // the broker registers the new topics with the NameServer synchronously; make sure the route is there
            for (Pipeline p : pipelines) {
                awaitRoute(c, brokerVersion, p.topic());
            }
            List<Callable<String>> tasks = new ArrayList<>();
            for (Pipeline p : pipelines) {
                tasks.add(() -> pipeline(c, dir, p));
            }
            Parallel.all(tasks);
        }
    }

    private static void awaitRoute(Cluster c, RmqVersion tool, String topic) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        MqAdmin.Result r;
        do {
            r = c.admin(tool, "topicRoute", "-t", topic);
            if (r.stdout().contains("\"brokerName\":\"broker-a\"")) {
                return;
            }
            sleep(300);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no route for " + topic + " in " + c.namesrv() + ":\n" + r);
    }

    private static String pipeline(Cluster c, Path dir, Pipeline p) {
        String ns = c.namesrv().addr();
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < N; i++) {
            expected.add(p.prefix() + "-k" + i + " " + p.prefix() + "-body-" + i);
        }
        Path pd = dir.resolve("produce-" + p.producer() + "-" + p.topic());
        try (ManagedProcess prod = ClientApp.start(p.producer(), pd, "Produce", ns, p.topic(),
            "CompatProducer" + p.prefix(), Integer.toString(N), p.prefix())) {
            Integer code = prod.waitFor(Duration.ofSeconds(120));
            String out = prod.stdoutText();
            assertEquals(0, code, "producer " + p.producer() + " failed on " + p.topic() + "\n" + prod.describe());
            Set<String> sent = new TreeSet<>();
            for (String l : out.split("\n")) {
                if (l.startsWith("SENT ")) {
                    String[] f = l.split(" ");
                    assertEquals("SEND_OK", f[3], "send status: " + l);
                    sent.add(f[1] + " " + f[2]);
                }
            }
            assertEquals(expected, sent, "producer " + p.producer() + " output\n" + prod.describe());
        }
        Path cd = dir.resolve("consume-" + p.consumer() + "-" + p.topic());
        try (ManagedProcess cons = ClientApp.start(p.consumer(), cd, "Consume", ns, p.topic(), p.group(),
            Integer.toString(N), "90000")) {
            Integer code = cons.waitFor(Duration.ofSeconds(120));
            assertEquals(0, code, "consumer " + p.consumer() + " did not get all " + N + " messages of " + p.topic()
                + "\n" + cons.describe());
            Set<String> got = new TreeSet<>();
            for (String l : cons.stdoutText().split("\n")) {
                if (l.startsWith("RECV ")) {
                    String[] f = l.split(" ");
                    got.add(f[1] + " " + f[2]);
                }
            }
            assertEquals(expected, got, "consumer " + p.consumer() + " received a different set\n" + cons.describe());
        }
        return p.topic();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Order(1)
    @ParameterizedTest(name = "broker {0}: produce/consume with routes from the Java NameServer")
    @MethodSource("versions")
    void javaNamesrv(String version) {
        RmqVersion v = RmqVersion.of(version);
        run(NamesrvSpec.javaReference(v), v);
    }

    @Order(2)
    @ParameterizedTest(name = "broker {0}: produce/consume with routes from the Thruster NameServer")
    @MethodSource("versions")
    void thrusterNamesrv(String version) {
        ThrusterProcess.assumeAvailable();
        run(NamesrvSpec.thrusterNamesrv(), RmqVersion.of(version));
    }
}
