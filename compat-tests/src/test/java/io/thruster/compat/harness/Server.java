package io.thruster.compat.harness;

import java.nio.file.Path;

/** A server process under test or used as reference: a NameServer or a broker, Java or Thruster. */
public interface Server extends AutoCloseable {
    /** e.g. "java-namesrv-4.9.8", "thruster-namesrv", "java-broker-5.3.3". */
    String kind();

    /** Port it serves on (listenPort). */
    int port();

    /** "127.0.0.1:port", as given to -n / registered by brokers. */
    default String addr() {
        return "127.0.0.1:" + port();
    }

    /** Its private directory (home, config, logs). */
    Path dir();

    ManagedProcess process();

    /** Stops it: SIGTERM, wait, SIGKILL. */
    @Override
    default void close() {
        process().close();
    }
}
