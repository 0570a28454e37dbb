package ai.marft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.marft.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects named float tensors and writes them as one safetensors file in F32, F16 or BF16
 * (BF16 rounds to nearest even). Used for adapters, the value head, saved models and test fixtures.
 */
public final class SafeTensorsWriter {
    private record Tensor(float[] data, long[] shape) {}

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Adds a tensor from plain floats (row-major). */
    public SafeTensorsWriter add(String name, float[] data, long... shape) {
        long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (n != data.length) throw new IllegalArgumentException(name + ": " + data.length + " values for shape " + Arrays.toString(shape));
        if (tensors.put(name, new Tensor(data, shape.clone())) != null) throw new IllegalArgumentException("duplicate tensor " + name);
        return this;
    }

    /** Adds a copy of an array's values (converted to F32). */
    public SafeTensorsWriter add(String name, NDArray array) {
        float[] values = array.getDataType() == DataType.FLOAT32 ? array.toFloatArray()
                : toFloats(array);
        return add(name, values, array.getShape().getShape());
    }

    private static float[] toFloats(NDArray array) {
        try (NDArray f = array.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    /** A string entry of the header's {@code __metadata__}. */
    public SafeTensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Writes the file; dtype is "F32", "F16" or "BF16". */
    public void write(Path file, String dtype) {
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new IllegalArgumentException("dtype " + dtype);
        };
        ObjectNode header = Json.MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtype);
            var shape = t.putArray("shape");
            for (long d : e.getValue().shape) shape.add(d);
            long bytes = (long) e.getValue().data.length * width;
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] head;
        try {
            head = Json.MAPPER.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (head.length + 7) / 8 * 8; // keeps tensor data 8-byte aligned
        byte[] headPadded = Arrays.copyOf(head, padded);
        Arrays.fill(headPadded, head.length, padded, (byte) ' ');
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
                out.write(len.array());
                out.write(headPadded);
                ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor t : tensors.values()) {
                    for (float v : t.data) {
                        if (buf.remaining() < 4) {
                            out.write(buf.array(), 0, buf.position());
                            buf.clear();
                        }
                        switch (width) {
                            case 4 -> buf.putFloat(v);
                            default -> buf.putShort(dtype.equals("F16") ? Float.floatToFloat16(v) : toBf16(v));
                        }
                    }
                }
                out.write(buf.array(), 0, buf.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Round-to-nearest-even truncation of an F32 to its upper 16 bits. */
    static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) return (short) 0x7fc0;
        int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }
}
