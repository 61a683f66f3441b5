package io.thruster.compat.harness;

/**
 * The properties file given with -c to every NameServer (Java or Thruster). Identical content for both, so that
 * getNamesrvConfig (which also lists extra properties loaded from this file, and reports configStorePath = this
 * file) is comparable.
 */
public final class NamesrvConfigFile {
    private NamesrvConfigFile() {
    }

    public static String text(int port) {
        return "listenPort=" + port + "\n";
    }
}
