package io.thruster.compat.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The broker.conf every broker of the suite gets, Java or Thruster: same keys, same values (only the port and
 * directories differ), so store files have the same sizes and a store can be handed over between them.
 */
public final class BrokerConf {
    /**
     * Short delay levels, identical on Java and Thruster: level 1 = 1 s, 2 = 2 s (delay tests); retries use levels
     * 3, 4, 5 = 1 s, 2 s, 3 s (growing delays); 17 = 10 s (a message still parked at a hand-over).
     */
    public static final String MESSAGE_DELAY_LEVEL = "1s 2s 1s 2s 3s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 10s 1s";

    private BrokerConf() {
    }

    /** The base settings of a broker named {@code brokerName} on {@code port} with its store in {@code storeDir}. */
    public static Map<String, String> base(String brokerName, int port, Path storeDir) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("brokerClusterName", "DefaultCluster");
        conf.put("brokerName", brokerName);
        conf.put("brokerId", "0");
        conf.put("brokerRole", "ASYNC_MASTER");
        conf.put("flushDiskType", "ASYNC_FLUSH");
        conf.put("listenPort", Integer.toString(port));
        conf.put("brokerIP1", "127.0.0.1");
        conf.put("brokerIP2", "127.0.0.1");
        conf.put("storePathRootDir", storeDir.toString());
        conf.put("storePathCommitLog", storeDir.resolve("commitlog").toString());
        conf.put("autoCreateTopicEnable", "true");
        conf.put("autoCreateSubscriptionGroup", "true");
        conf.put("mappedFileSizeCommitLog", Integer.toString(32 * 1024 * 1024));
        conf.put("mappedFileSizeConsumeQueue", Integer.toString(20 * 20_000));
        conf.put("maxHashSlotNum", "5000");
        conf.put("maxIndexNum", "20000");
        // 5.x reads it as a percentage from broker.conf; 4.x from a system property (JavaBroker sets it)
        conf.put("diskSpaceWarningLevelRatio", "98");
        // determinism: a 4.9.x broker creates and registers RMQ_SYS_TRANS_HALF_TOPIC at its first transaction check
        // (60 s after start by default), which would make topic lists / wipe counts depend on scenario timing
        conf.put("transactionCheckInterval", Long.toString(3_600_000L));
        return conf;
    }

    /** Settings of the broker-flow and hand-over scenarios on top of {@link #base}. */
    public static Map<String, String> flows() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("messageDelayLevel", MESSAGE_DELAY_LEVEL);
        // Java only: a SEND that waited longer than this in the broker's queue is answered SYSTEM_BUSY
        // "[TIMEOUT_CLEAN_QUEUE]" (default 200 ms), which the flows' start burst on 2 cores triggers; a oneway send
        // is then silently lost and a send to a selected queue is not retried
        conf.put("waitTimeMillsInSendQueue", "3000");
        return conf;
    }

    /** Writes {@code conf} as a properties file. */
    public static Path write(Path file, Map<String, String> conf) {
        StringBuilder text = new StringBuilder();
        conf.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
