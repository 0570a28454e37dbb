package ai.marft;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared/data (beside the checkout in development and CI); tests that need it skip with a reason when absent. */
public final class SharedData {
    private SharedData() {}

    /** The data folder: -Dmarft.shared, $MARFT_SHARED, or ../shared next to the project root. */
    public static Path dir() {
        String prop = System.getProperty("marft.shared", System.getenv("MARFT_SHARED"));
        Path base = prop != null ? Path.of(prop) : Path.of("..", "shared");
        return base.resolve("data").toAbsolutePath().normalize();
    }

    /** A file under the data folder; the calling test is skipped (not failed) when it is absent. */
    public static Path require(String relative) {
        Path p = dir().resolve(relative);
        Assumptions.assumeTrue(Files.exists(p), "shared data not present: " + p + " (set -Dmarft.shared or MARFT_SHARED)");
        return p;
    }
}
