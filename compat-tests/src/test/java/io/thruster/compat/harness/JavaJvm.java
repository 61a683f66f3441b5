package io.thruster.compat.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Builds the command line of a child JVM running a stock RocketMQ main class of a given version, with an
 * isolated home: -Duser.home=DIR/home (logs, ~/store, ~/namesrv/kvConfig.json) and -Drocketmq.home.dir=DIR/rocketmq.
 * Logging: 4.x reads DIR/rocketmq/conf/logback_{namesrv,broker,tools}.xml (missing = fatal), 5.x takes
 * -Drmq.logback.configurationFile=DIR/logback.xml; both write to DIR/home/logs/rocketmqlogs/.
 */
public final class JavaJvm {
    /** Needed on JDK 17 (4.9.x MappedFile cleaner reflection, netty direct buffers). */
    public static final List<String> JDK17_FLAGS = List.of(
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED");

    private JavaJvm() {
    }

    public static Path home(Path dir) {
        return dir.resolve("home");
    }

    public static Path rocketmqHome(Path dir) {
        return dir.resolve("rocketmq");
    }

    /**
     * java FLAGS heap -Duser.home -Drocketmq.home.dir [logback] extraProps -cp CP main args. Writes the logback
     * files the version needs.
     */
    public static List<String> command(RmqVersion v, RmqVersion.Role role, Path dir, List<String> heap,
        Map<String, String> sysProps, String extraClasspath, String mainClass, List<String> args) {
        writeLogging(v, dir);
        List<String> cmd = new ArrayList<>();
        cmd.add(Env.javaExe().toString());
        cmd.addAll(JDK17_FLAGS);
        cmd.addAll(heap);
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:-UsePerfData");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Djava.net.preferIPv4Stack=true");
        cmd.add("-Duser.home=" + home(dir));
        cmd.add("-Drocketmq.home.dir=" + rocketmqHome(dir));
        if (v.shadedLogback()) {
            cmd.add("-Drmq.logback.configurationFile=" + dir.resolve("logback.xml"));
        } else if (role == RmqVersion.Role.CLIENT) {
            // a 4.x client logs its remoting layer through slf4j; logback (on the classpath via the tools jars)
            // would otherwise default to DEBUG on stdout
            cmd.add("-Dlogback.configurationFile=" + rocketmqHome(dir).resolve("conf").resolve("logback_tools.xml"));
        }
        for (Map.Entry<String, String> e : sysProps.entrySet()) {
            cmd.add("-D" + e.getKey() + "=" + e.getValue());
        }
        String cp = v.classpath(role);
        if (extraClasspath != null) {
            cp = extraClasspath + ":" + cp;
        }
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(mainClass);
        cmd.addAll(args);
        return Collections.unmodifiableList(cmd);
    }

    private static void writeLogging(RmqVersion v, Path dir) {
        try {
            Files.createDirectories(home(dir));
            Path rmqHome = rocketmqHome(dir);
            Files.createDirectories(rmqHome);
            String logDir = home(dir).resolve("logs").resolve("rocketmqlogs").toString();
            if (v.shadedLogback()) {
                Files.writeString(dir.resolve("logback.xml"), logback("org.apache.rocketmq.logging.", logDir + "/rocketmq.log"));
            } else {
                Path conf = rmqHome.resolve("conf");
                Files.createDirectories(conf);
                for (String r : new String[] {"namesrv", "broker", "tools"}) {
                    Files.writeString(conf.resolve("logback_" + r + ".xml"), logback("", logDir + "/" + r + ".log"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One INFO file appender; {@code pkg} is the shading prefix of the logback classes (5.x). */
    private static String logback(String pkg, String file) {
        return "<configuration>\n"
            + "  <appender name=\"F\" class=\"" + pkg + "ch.qos.logback.core.FileAppender\">\n"
            + "    <file>" + file + "</file>\n"
            + "    <encoder><pattern>%d{yyyy-MM-dd HH:mm:ss.SSS} %-5p [%t] %c{1} - %m%n</pattern></encoder>\n"
            + "  </appender>\n"
            + "  <root level=\"INFO\"><appender-ref ref=\"F\"/></root>\n"
            + "</configuration>\n";
    }
}
