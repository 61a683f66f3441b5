package io.thruster.compat.harness;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A minimal RocketMQ remoting client used only for harness readiness checks (the suite's JVM loads no RocketMQ
 * class): sends GET_BROKER_CLUSTER_INFO (106) with a JSON header and returns the response body as text.
 */
public final class RemotingProbe {
    private RemotingProbe() {
    }

    /** Body of GET_BROKER_CLUSTER_INFO from {@code port} on loopback, or null on any error / non-SUCCESS. */
    public static String clusterInfo(int port) {
        return request(port, 106);
    }

    /** Sends request {@code code} without header fields or body; the response body, or null unless SUCCESS. */
    public static String request(int port, int code) {
        String header = "{\"code\":" + code + ",\"flag\":0,\"language\":\"JAVA\",\"opaque\":1,"
            + "\"serializeTypeCurrentRPC\":\"JSON\",\"version\":409}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(3000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(4 + h.length);
            out.writeInt(h.length); // high byte 0 = JSON
            out.write(h);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int total = in.readInt();
            int hl = in.readInt() & 0xFFFFFF;
            byte[] rh = new byte[hl];
            in.readFully(rh);
            byte[] body = new byte[total - 4 - hl];
            in.readFully(body);
            String respHeader = new String(rh, StandardCharsets.UTF_8);
            if (!respHeader.replace(" ", "").matches(".*\"code\":0[,}].*")) {
                return null;
            }
            return new String(body, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Waits until the NameServer on {@code namesrvPort} lists {@code brokerAddr} in its cluster info. Needed because
     * a 5.3.3 broker prints its boot line before it has registered (its first registration may only happen with the
     * periodic task, 10 s after start). Throws with the last answer on timeout.
     */
    public static long awaitRegistered(int namesrvPort, String brokerAddr, Duration timeout) {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = clusterInfo(namesrvPort);
            if (last != null && last.contains("\"" + brokerAddr + "\"")) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            ManagedProcess.sleep(200);
        }
        throw new IllegalStateException("broker " + brokerAddr + " not registered with NameServer 127.0.0.1:"
            + namesrvPort + " within " + timeout + "; last GET_BROKER_CLUSTER_INFO body: " + last);
    }

    /**
     * Waits until the broker on {@code brokerPort} answers GET_BROKER_RUNTIME_INFO (28) with SUCCESS: right after
     * start a 4.9.x broker answers SYSTEM_ERROR "java.util.NoSuchElementException" until its first stats sample,
     * which would put a spurious stack trace into clusterList.
     */
    public static long awaitRuntimeInfo(int brokerPort, Duration timeout) {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String body = request(brokerPort, 28);
            if (body != null && body.contains("putTps")) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            ManagedProcess.sleep(200);
        }
        throw new IllegalStateException("broker 127.0.0.1:" + brokerPort + " did not serve runtime info within " + timeout);
    }
}
