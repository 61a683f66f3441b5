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
        return start(v, dir, Map.of(), "-Xmx192m", simpleName, args);
    }

    /**
     * As {@link #start(RmqVersion, Path, String, String...)} with environment entries (e.g. NAMESRV_ADDR, which the
     * stock client reads when no NameServer is set in code) and a heap flag. {@code simpleName} is relative to
     * {@code io.thruster.compat.apps} ({@code "quickstart.Producer"}).
     */
    public static ManagedProcess start(RmqVersion v, Path dir, Map<String, String> env, String heap,
        String simpleName, String... args) {
        List<String> cmd = JavaJvm.command(v, RmqVersion.Role.CLIENT, dir, List.of(heap),
            Map.of(), Env.appsClasses().toString(),
            "io.thruster.compat.apps." + simpleName, List.of(args));
        return ManagedProcess.start(simpleName.toLowerCase() + "-" + v, cmd, dir, env, false)
            .withDefaultGrace(Duration.ofSeconds(5));
    }
}
