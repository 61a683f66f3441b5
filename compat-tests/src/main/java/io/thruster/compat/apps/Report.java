package io.thruster.compat.apps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** What one flow observed, printed as "@@ flow TYPE payload" lines (see {@link Flows}). */
final class Report {
    final String flow;
    private final List<Runnable> closers = new ArrayList<>();

    Report(String flow) {
        this.flow = flow;
    }

    static void line(String flow, String type, String payload) {
        String p = payload.replace('\r', ' ').replace('\n', ' ');
        synchronized (System.out) {
            System.out.println("@@ " + flow + " " + type + (p.isEmpty() ? "" : " " + p));
            System.out.flush();
        }
    }

    void emit(String type, String payload) {
        line(flow, type, payload);
    }

    /** A property the flow must have on any broker; returns {@code ok}. */
    boolean check(boolean ok, String what) {
        emit(ok ? "CHECK-OK" : "CHECK-FAIL", what);
        return ok;
    }

    /** An observation Thruster must reproduce exactly (compared with the Java broker of the same version). */
    void fact(String key, Object value) {
        emit("FACT", key + "=" + value);
    }

    /** A response code: compared with the Java broker of the client's own version. */
    void code(String key, Object value) {
        emit("CODE", key + "=" + value);
    }

    /** Shown in reports, never compared (timings, remarks). */
    void info(String key, Object value) {
        emit("INFO", key + "=" + value);
    }

    /** Registers a client to shut down when the flow ends (if the flow did not do it itself). */
    synchronized void closeLater(Runnable r) {
        closers.add(r);
    }

    /** Shuts every registered client down concurrently, waiting at most 6 s. */
    void closeAll() {
        List<Runnable> todo;
        synchronized (this) {
            todo = new ArrayList<>(closers);
            closers.clear();
        }
        CountDownLatch l = new CountDownLatch(todo.size());
        for (Runnable r : todo) {
            Thread t = new Thread(() -> {
                try {
                    r.run();
                } catch (Throwable e) {
                    // shutting down: nothing to report
                } finally {
                    l.countDown();
                }
            }, "close-" + flow);
            t.setDaemon(true);
            t.start();
        }
        try {
            l.await(6, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
