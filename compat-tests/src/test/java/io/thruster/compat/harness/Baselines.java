package io.thruster.compat.harness;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assertions;

/**
 * Results of the Java-NameServer runs, computed once per key and shared with the Thruster runs of the same test
 * class in the same JVM (run order: Java first; a Thruster test run alone computes its baseline itself).
 */
public final class Baselines<T> {
    private record Failed(Throwable cause) {
    }

    private final Map<String, Object> done = new ConcurrentHashMap<>();

    /** The baseline for {@code key}, computing it now if needed; rethrows if computing it fails. */
    @SuppressWarnings("unchecked")
    public synchronized T get(String key, Supplier<T> compute) {
        Object o = done.get(key);
        if (o == null) {
            try {
                T v = compute.get();
                done.put(key, v);
                return v;
            } catch (RuntimeException | Error e) {
                done.put(key, new Failed(e));
                throw e;
            }
        }
        if (o instanceof Failed f) {
            return Assertions.fail("the Java NameServer baseline " + key + " failed earlier, nothing to compare with",
                f.cause());
        }
        return (T) o;
    }
}
