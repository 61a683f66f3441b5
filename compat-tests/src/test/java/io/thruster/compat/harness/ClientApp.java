package io.thruster.compat.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs one of the suite's client programs ({@code io.thruster.compat.apps.Produce} / {@code Consume}, compiled
 * against the 5.3.3 client API) in a child JVM on a version's client classpath.
 */
public final class ClientApp {
    private ClientApp() {
    }

    public static ManagedProcess start(RmqVersion v, Path dir, String simpleName, String... args) {
        List<String> cmd = JavaJvm.command(v, RmqVersion.Role.CLIENT, dir, List.of("-Xmx192m"),
            Map.of(), Env.appsClasses().toString(),
            "io.thruster.compat.apps." + simpleName, List.of(args));
        return ManagedProcess.start(simpleName.toLowerCase() + "-" + v, cmd, dir, Map.of(), false)
            .withDefaultGrace(Duration.ofSeconds(5));
    }
}
