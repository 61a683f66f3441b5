package io.thruster.compat.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Runs independent tasks (process starts, stops) concurrently; rethrows the first failure after all finished. */
public final class Parallel {
    private Parallel() {
    }

    public static <T> List<T> all(List<Callable<T>> tasks) {
        return allCollecting(tasks, x -> { });
    }

    /**
     * Like {@link #all}, but hands every successful result to {@code onSuccess} as soon as it is available, so a
     * caller can still clean up what did start when another task failed.
     */
    public static <T> List<T> allCollecting(List<Callable<T>> tasks, java.util.function.Consumer<T> onSuccess) {
        List<CompletableFuture<T>> fs = new ArrayList<>();
        for (Callable<T> c : tasks) {
            CompletableFuture<T> f = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    T v = c.call();
                    onSuccess.accept(v);
                    f.complete(v);
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            }, "compat-parallel");
            t.setDaemon(true);
            t.start();
            fs.add(f);
        }
        List<T> out = new ArrayList<>();
        Throwable first = null;
        for (CompletableFuture<T> f : fs) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause();
                } else {
                    first.addSuppressed(e.getCause());
                }
                out.add(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (first instanceof RuntimeException re) {
            throw re;
        }
        if (first instanceof Error err) {
            throw err;
        }
        if (first != null) {
            throw new CompletionException(first);
        }
        return out;
    }

    /** Closes every resource concurrently (nulls skipped), swallowing nothing: the first failure is rethrown. */
    public static void closeAll(AutoCloseable... resources) {
        List<Callable<Void>> tasks = new ArrayList<>();
        for (AutoCloseable r : resources) {
            if (r != null) {
                tasks.add(() -> {
                    r.close();
                    return null;
                });
            }
        }
        all(tasks);
    }
}
