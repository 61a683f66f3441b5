package io.thruster.compat.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out loopback ports below the Linux ephemeral range (so outgoing connections never take them), never the
 * same twice in one suite run. A broker gets a block: listenPort-2 (fast/VIP), listenPort, listenPort+1 (HA).
 */
public final class Ports {
    private static int next = 20000 + ThreadLocalRandom.current().nextInt(0, 1000) * 10;

    private Ports() {
    }

    /** A port p such that p and every p+offset are currently bindable on all interfaces and on loopback. */
    public static synchronized int allocate(int... offsets) {
        for (int attempts = 0; attempts < 2000; attempts++) {
            int p = next;
            next += 10;
            if (next > 32000) {
                next = 20000;
            }
            boolean ok = free(p);
            for (int o : offsets) {
                ok = ok && free(p + o);
            }
            if (ok) {
                return p;
            }
        }
        throw new IllegalStateException("no free port block found");
    }

    /** A port for a NameServer (listenPort). */
    public static int namesrv() {
        return allocate();
    }

    /** listenPort for a broker; listenPort-2 and listenPort+1 are free too. */
    public static int broker() {
        return allocate(-2, 1);
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            return false;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            return false;
        }
        return true;
    }
}
