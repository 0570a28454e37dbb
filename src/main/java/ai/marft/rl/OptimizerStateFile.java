package ai.marft.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW state in safetensors layout (readable by the {@code safetensors} Python package):
 * F32 tensors {@code exp_avg.J} and {@code exp_avg_sq.J} per parameter J (torch's state names),
 * and the per-parameter step counts in the metadata as {@code "steps": "s0,s1,..."}.
 */
final class OptimizerStateFile {
    /** Moments as plain floats and step counts, one entry per parameter. */
    record State(float[][] expAvg, float[][] expAvgSq, long[] steps) {}

    private OptimizerStateFile() {}

    static void write(Path file, NDArray[] expAvg, NDArray[] expAvgSq, long[] steps) {
        int n = expAvg.length;
        float[][] data = new float[2 * n][];
        long[][] shapes = new long[2 * n][];
        String[] names = new String[2 * n];
        for (int j = 0; j < n; j++) {
            names[j] = "exp_avg." + j;
            names[n + j] = "exp_avg_sq." + j;
            data[j] = toFloats(expAvg[j]);
            data[n + j] = toFloats(expAvgSq[j]);
            shapes[j] = expAvg[j].getShape().getShape();
            shapes[n + j] = expAvgSq[j].getShape().getShape();
        }
        Map<String, Object> header = new LinkedHashMap<>();
        // ordered maps only: Map.of's iteration order changes from one JVM to the next, and a checkpoint's bytes must not
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", "marft-adamw");
        meta.put("steps", String.join(",", Arrays.stream(steps).mapToObj(Long::toString).toList()));
        header.put("__metadata__", meta);
        long offset = 0;
        for (int t = 0; t < names.length; t++) {
            long end = offset + 4L * data[t].length;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", "F32");
            entry.put("shape", shapes[t]);
            entry.put("data_offsets", new long[] {offset, end});
            header.put(names[t], entry);
            offset = end;
        }
        try {
            byte[] json = Json.MAPPER.writeValueAsBytes(header);
            int padded = (json.length + 7) / 8 * 8; // the format pads the header with spaces to 8 bytes
            ByteBuffer buf = ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(padded).put(json);
            for (int p = json.length; p < padded; p++) buf.put((byte) ' ');
            for (float[] d : data) for (float x : d) buf.putFloat(x);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            Files.write(tmp, buf.array());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new InputError("optimizer state " + file + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    static State read(Path file, List<NDArray> params) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InputError("optimizer state " + file + ": file not found");
        } catch (IOException e) {
            throw new InputError("optimizer state " + file + ": cannot read (" + e.getMessage() + ")", e);
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = bytes.length >= 8 ? buf.getLong() : -1;
        if (headerLength < 2 || 8 + headerLength > bytes.length) {
            throw new InputError("optimizer state " + file + ": not a safetensors file (bad header length)");
        }
        JsonNode header;
        try {
            header = Json.MAPPER.readTree(new String(bytes, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InputError("optimizer state " + file + ": unreadable header (" + e.getMessage() + ")", e);
        }
        int n = params.size();
        String stepsText = header.path("__metadata__").path("steps").asText("");
        String[] parts = stepsText.isEmpty() ? new String[0] : stepsText.split(",");
        if (parts.length != n) {
            throw new InputError("optimizer state " + file + ": holds " + parts.length + " parameters, the optimizer has " + n);
        }
        long[] steps = new long[n];
        float[][] expAvg = new float[n][], expAvgSq = new float[n][];
        long dataStart = 8 + headerLength;
        for (int j = 0; j < n; j++) {
            try {
                steps[j] = Long.parseLong(parts[j].trim());
            } catch (NumberFormatException e) {
                throw new InputError("optimizer state " + file + ": step count '" + parts[j] + "' of parameter " + j + " is not a number");
            }
            long[] shape = params.get(j).getShape().getShape();
            expAvg[j] = tensor(file, header, "exp_avg." + j, shape, bytes, dataStart);
            expAvgSq[j] = tensor(file, header, "exp_avg_sq." + j, shape, bytes, dataStart);
        }
        return new State(expAvg, expAvgSq, steps);
    }

    private static float[] tensor(Path file, JsonNode header, String name, long[] shape, byte[] bytes, long dataStart) {
        JsonNode t = header.get(name);
        String where = "optimizer state " + file + ": tensor " + name;
        if (t == null) throw new InputError(where + " is missing");
        if (!"F32".equals(t.path("dtype").asText())) throw new InputError(where + " has dtype " + t.path("dtype").asText() + ", expected F32");
        long[] stored = new long[t.path("shape").size()];
        for (int d = 0; d < stored.length; d++) stored[d] = t.path("shape").get(d).asLong();
        if (!Arrays.equals(stored, shape)) {
            throw new InputError(where + " has shape " + Arrays.toString(stored) + ", the parameter has " + Arrays.toString(shape));
        }
        long begin = dataStart + t.path("data_offsets").path(0).asLong(-1), end = dataStart + t.path("data_offsets").path(1).asLong(-1);
        long count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (begin < dataStart || end > bytes.length || end - begin != 4 * count) {
            throw new InputError(where + " has bad data offsets");
        }
        float[] out = new float[(int) count];
        ByteBuffer.wrap(bytes, (int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    private static float[] toFloats(NDArray x) {
        return x.getDataType() == DataType.FLOAT32 ? x.toFloatArray() : floatCopy(x);
    }

    private static float[] floatCopy(NDArray x) {
        try (NDArray f = x.toType(DataType.FLOAT32, false)) {
            return f.toFloatArray();
        }
    }
}
