package ai.marft.lm;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.marft.InputError;

/**
 * Where the engine's arrays live: {@code cpu}, {@code cuda} or {@code cuda:N}. Every base manager the
 * engine creates takes this device, so the base, adapters, value head and optimizer moments (all made
 * in managers under the model's) sit on it, and nothing is created elsewhere by default.
 */
public final class Devices {
    private Devices() {}

    /** The device {@code spec} names; an {@link InputError} naming {@code where} for anything else. */
    public static Device parse(String spec, String where) {
        if (spec == null || spec.equals("cpu")) return Device.cpu();
        if (spec.equals("cuda")) return Device.gpu(0);
        if (spec.matches("cuda:\\d{1,2}")) return Device.gpu(Integer.parseInt(spec.substring(5)));
        throw new InputError(where + ": device '" + spec + "': expected cpu, cuda or cuda:N");
    }

    /** {@code device}, after checking that the tensor library can use it (one line otherwise). */
    public static Device requireAvailable(Device device, String where) {
        if (device.isGpu()) {
            int count = Engine.getInstance().getGpuCount();
            if (device.getDeviceId() >= count)
                throw new InputError(where + ": device cuda:" + device.getDeviceId() + " is not available: PyTorch sees " + count
                        + " CUDA device(s) (the bundled native library is the CPU build; docs/engine.md, 'CUDA', says how to use a CUDA one)");
        }
        return device;
    }
}
