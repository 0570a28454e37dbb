package ai.marft.cli;

/**
 * The global {@code --verbose} switch (also {@code MARFT_VERBOSE=1}): shows the libraries' INFO and
 * WARN lines, which src/main/resources/simplelogger.properties keeps off the console by default.
 * bin/marft reads the same switch to keep the JVM's own start-up warning.
 */
final class Verbose {
    static final String ENV = "MARFT_VERBOSE";
    private static final String LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private Verbose() {}

    /** Whether $MARFT_VERBOSE asks for it (set and neither empty nor 0). */
    static boolean fromEnvironment() {
        String v = System.getenv(ENV);
        return v != null && !v.isEmpty() && !v.equals("0");
    }

    /** Must run before the first logger is made (the command's work), as the logging reads its level once. */
    static void apply(boolean verbose) {
        if (verbose) System.setProperty(LEVEL, "info");
    }
}
