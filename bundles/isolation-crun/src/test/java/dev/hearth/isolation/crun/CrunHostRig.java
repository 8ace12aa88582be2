package dev.hearth.isolation.crun;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hearth.isolation.DriverAvailability;
import java.nio.file.Path;

/**
 * What the container tests need from the host: root, crun, umoci and the sample images built into
 * target/images. Off CI, a machine without them skips the tests; on CI (CI=true) they must be there.
 */
final class CrunHostRig {

    static final Path IMAGES = Path.of("target", "images").toAbsolutePath();

    private CrunHostRig() {
    }

    /** Settings with a short run directory of the test's own and a store in {@code state}. */
    static CrunSettings settings(String name, Path state) {
        Path run = Path.of("/run/hearth-test", name + "-" + ProcessHandle.current().pid());
        return new CrunSettings(run, state.resolve("images"), IMAGES, "crun", 64, 4L << 20, 2, 10_000, 600_000,
                Path.of(System.getProperty("java.home")));
    }

    /** Skips the test (or fails it on CI) when the driver cannot run here. */
    static void requireAvailable(CrunIsolationDriver driver) {
        DriverAvailability availability = driver.availability();
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(availability.available(), availability.reason());
        }
        assumeTrue(availability.available(), availability.reason());
    }
}
