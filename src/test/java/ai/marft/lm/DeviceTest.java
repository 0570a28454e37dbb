package ai.marft.lm;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.marft.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Device placement: every base manager is made on a named device, a model's arrays sit on the one asked for, bad or absent devices are one line. */
class DeviceTest {
    @TempDir
    Path tmp;

    @Test
    void everyBaseManagerOfTheMainCodeNamesItsDevice() throws IOException {
        // a newBaseManager() without a device would put arrays on the library's default device (a GPU when one is there)
        Pattern call = Pattern.compile("newBaseManager\\((\\s*)\\)");
        List<String> bare = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = call.matcher(Files.readString(f));
                while (m.find()) bare.add(f.toString());
            }
        }
        assertThat(bare).as("calls of NDManager.newBaseManager() without a device").isEmpty();
    }

    @Test
    void aModelsArraysAndItsAdaptersSitOnTheChosenDevice() {
        try (LmEngine engine = LmEngine.load(TinyModels.write(tmp.resolve("m"), TinyModels.Flavour.QWEN2, 3), Device.cpu())) {
            var lora = new LoraConfig(4, 8, List.of(LoraTarget.of("q_proj"), LoraTarget.of("v_proj")));
            List<NDArray> arrays = new ArrayList<>(engine.adapters().create("a", lora, 1).parameters());
            ValueHead head = ValueHead.create(engine.model().manager(), engine.model().config().hidden(), 2);
            arrays.addAll(head.parameters());
            assertThat(engine.model().manager().getDevice()).isEqualTo(Device.cpu());
            for (NDArray a : arrays) assertThat(a.getDevice()).as(a.getName()).isEqualTo(Device.cpu());
            head.close();
        }
    }

    @Test
    void unknownOrAbsentDevicesAreOneLine() {
        assertThatThrownBy(() -> Devices.parse("tpu", "--device")).isInstanceOf(InputError.class)
                .hasMessage("--device: device 'tpu': expected cpu, cuda or cuda:N");
        assertThat(Devices.parse("cuda:1", "x")).isEqualTo(Device.gpu(1));
        assumeTrue(Engine.getInstance().getGpuCount() == 0, "a CUDA device is visible: the absent-device message cannot be checked here");
        assertThatThrownBy(() -> LmEngine.load(tmp.resolve("nowhere"), Device.gpu(0))).isInstanceOf(InputError.class)
                .hasMessageContaining("device cuda:0 is not available: PyTorch sees 0 CUDA device(s)");
    }
}
