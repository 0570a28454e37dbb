package ai.marft.cli;

import ai.marft.lm.Devices;
import ai.marft.lm.LmEngine;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The engine commands' {@code --device} option (a picocli mixin): where the model's arrays live. */
final class DeviceOption {
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE})")
    String device;

    /** The chosen device (one line when it is not a device name). */
    ai.djl.Device device() {
        return Devices.parse(device, "--device");
    }

    /** Loads the model folder onto the chosen device (one line when the device is unknown or unavailable). */
    LmEngine load(Path modelDir) {
        return LmEngine.load(modelDir, Devices.parse(device, "--device"));
    }
}
