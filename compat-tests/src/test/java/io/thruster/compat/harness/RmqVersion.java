package io.thruster.compat.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stock Apache RocketMQ version and the classpath each of its roles runs with.
 *
 * <p>4.9.8: rocketmq-namesrv and rocketmq-broker 4.9.8 were never published to Maven Central. The "4.9.8"
 * NameServer is the rocketmq-namesrv 4.9.7 jar on top of the 4.9.8 common/remoting/srvutil/client/tools jars
 * (cp-4.9.8.txt; the namesrv module changed between the two tags only in the UPDATE_NAMESRV_CONFIG black-list
 * check), and the "4.9.8" broker is the stock 4.9.7 broker (cp-4.9.7.txt). mqadmin and the client are 4.9.8.
 */
public enum RmqVersion {
    V4_9_8("4.9.8", "4.9.8", "4.9.7", false),
    V5_3_3("5.3.3", "5.3.3", "5.3.3", true);

    /** Roles a RocketMQ JVM can play. */
    public enum Role { NAMESRV, BROKER, TOOLS, CLIENT }

    private final String label;
    private final String cpMain;
    private final String cpBroker;
    private final boolean shadedLogback;

    RmqVersion(String label, String cpMain, String cpBroker, boolean shadedLogback) {
        this.label = label;
        this.cpMain = cpMain;
        this.cpBroker = cpBroker;
        this.shadedLogback = shadedLogback;
    }

    public String label() {
        return label;
    }

    /** 5.x logs through a shaded logback configured by -Drmq.logback.configurationFile; 4.x needs conf/logback_*.xml. */
    public boolean shadedLogback() {
        return shadedLogback;
    }

    /** Actual artifact version behind a role (differs from the label for the 4.9.8 broker). */
    public String artifactVersion(Role role) {
        return role == Role.BROKER ? cpBroker : cpMain;
    }

    public String classpath(Role role) {
        Path f = Env.cpDir().resolve("cp-" + artifactVersion(role) + ".txt");
        try {
            return Files.readString(f).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("missing " + f + " (run the suite through Maven: it resolves the"
                + " stock RocketMQ classpaths in generate-resources)", e);
        }
    }

    public static RmqVersion of(String label) {
        for (RmqVersion v : values()) {
            if (v.label.equals(label)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown RocketMQ version " + label);
    }

    @Override
    public String toString() {
        return label;
    }
}
