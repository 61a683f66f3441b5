package io.thruster.compat.harness;

import java.nio.file.Path;
import java.util.function.Function;

/** Which NameServer a scenario runs against: a stock Java one of some version, or Thruster's. */
public record NamesrvSpec(String label, boolean isThruster, Function<Path, Server> starter) {

    public static NamesrvSpec java(RmqVersion v) {
        return new NamesrvSpec("java-" + v, false, dir -> JavaNamesrv.start(v, dir));
    }

    public static NamesrvSpec thrusterNamesrv() {
        return new NamesrvSpec("thruster", true, ThrusterProcess::namesrv);
    }

    /** Thruster's NameServer mirroring the Java NameServer it is compared with ({@link #javaReference}). */
    public static NamesrvSpec thrusterMirroring(RmqVersion brokerVersion) {
        String ref = Env.refNamesrv();
        RmqVersion mirror = "same".equals(ref) ? brokerVersion : RmqVersion.of(ref);
        return new NamesrvSpec("thruster", true, dir -> ThrusterProcess.namesrv(dir, mirror));
    }

    /** The Java NameServer a Thruster run is compared with for a broker of version {@code brokerVersion}. */
    public static NamesrvSpec javaReference(RmqVersion brokerVersion) {
        String ref = Env.refNamesrv();
        return java("same".equals(ref) ? brokerVersion : RmqVersion.of(ref));
    }

    public Server start(Path dir) {
        return starter.apply(dir);
    }

    @Override
    public String toString() {
        return label;
    }
}
