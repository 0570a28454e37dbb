package ai.marft.badinput;

import java.nio.file.Path;
import java.util.List;

/**
 * One bad input: {@code setup} writes what the case needs into its own folder and returns the
 * command line; the one error line must contain every string of {@code mentions} (what and where:
 * the file, option or field, and the bad value); {@code {dir}} in a mention stands for the case's folder.
 */
record Case(String name, Setup setup, List<String> mentions) {
    /** Writes the case's files into {@code dir} (may abort the case with a JUnit assumption) and returns the arguments. */
    @FunctionalInterface
    interface Setup {
        String[] args(Path dir) throws Exception;
    }

    static Case of(String name, Setup setup, String... mentions) {
        return new Case(name, setup, List.of(mentions));
    }

    @Override
    public String toString() {
        return name;
    }
}
