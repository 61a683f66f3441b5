package io.thruster.compat.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops finished scenarios in the background (a graceful broker stop takes 5-12 s and needs no CPU), so the next
 * scenario can start meanwhile. Test classes call {@link #drain()} in {@code @AfterAll}; whatever is still running
 * when the test JVM exits is SIGKILLed by {@link ManagedProcess}'s shutdown hook.
 */
public final class Reaper {
    private static final List<CompletableFuture<Void>> PENDING = new ArrayList<>();

    private Reaper() {
    }

    public static synchronized void submit(String what, Runnable stop) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                stop.run();
                f.complete(null);
            } catch (Throwable e) {
                System.err.println("[reaper] stopping " + what + " failed: " + e);
                f.complete(null);
            }
        }, "compat-reaper");
        t.setDaemon(true);
        t.start();
        PENDING.add(f);
    }

    /** Waits (up to 2 minutes) until every submitted stop has finished. */
    public static void drain() {
        List<CompletableFuture<Void>> all;
        synchronized (Reaper.class) {
            all = new ArrayList<>(PENDING);
            PENDING.clear();
        }
        try {
            CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("[reaper] " + e);
        }
    }
}
