package ai.marft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads safetensors files (one file or a sharded {@code model.safetensors.index.json}) through a
 * read-only memory map: tensor bytes go from the mapped file straight to native tensors, never through
 * a heap copy. F32, F16 and BF16 are returned as F32 (BF16 is widened in Java: DJL aborts on BF16 arrays).
 */
public final class SafeTensors implements AutoCloseable {
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Largest slab handed to DJL at once (a ByteBuffer is limited to 2 GiB). */
    private static final long SLAB_BYTES = 1L << 30;

    /** Where one tensor lies: its file, dtype, shape and absolute byte range in the mapped file. */
    private record Entry(Path file, MemorySegment map, String dtype, long[] shape, long start, long end) {}

    private final Arena arena = Arena.ofShared();
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private SafeTensors() {}

    /** Opens {@code dir/model.safetensors}, or the shards listed in {@code dir/model.safetensors.index.json}. */
    public static SafeTensors openModel(Path dir) {
        Path single = dir.resolve("model.safetensors");
        Path index = dir.resolve("model.safetensors.index.json");
        SafeTensors st = new SafeTensors();
        try {
            if (Files.exists(single)) {
                st.map(single);
            } else if (Files.exists(index)) {
                JsonNode map;
                try {
                    map = Json.MAPPER.readTree(index.toFile()).path("weight_map");
                } catch (IOException e) {
                    throw new InputError(index + ": cannot read shard index (" + e.getMessage() + ")", e);
                }
                if (!map.isObject() || map.isEmpty()) throw new InputError(index + ": no 'weight_map' object");
                java.util.TreeSet<String> shards = new java.util.TreeSet<>();
                map.forEach(v -> shards.add(v.asText()));
                for (String shard : shards) st.map(dir.resolve(shard));
                for (Iterator<String> it = map.fieldNames(); it.hasNext(); ) {
                    String name = it.next();
                    if (!st.entries.containsKey(name))
                        throw new InputError(index + ": tensor " + name + " is listed in shard " + map.get(name).asText() + " but not found there");
                }
            } else {
                throw new InputError(dir + ": no model.safetensors nor model.safetensors.index.json");
            }
            return st;
        } catch (RuntimeException e) {
            st.close();
            throw e;
        }
    }

    /** Opens one safetensors file. */
    public static SafeTensors openFile(Path file) {
        SafeTensors st = new SafeTensors();
        try {
            st.map(file);
            return st;
        } catch (RuntimeException e) {
            st.close();
            throw e;
        }
    }

    private void map(Path file) {
        MemorySegment seg;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        } catch (IOException e) {
            throw new InputError(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (seg.byteSize() < 8) throw new InputError(file + ": not a safetensors file (shorter than 8 bytes)");
        long headerLen = seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLen <= 0 || 8 + headerLen > seg.byteSize())
            throw new InputError(file + ": not a safetensors file (header length " + headerLen + ")");
        String headerText = new String(seg.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        JsonNode header;
        try {
            header = Json.MAPPER.readTree(headerText);
        } catch (IOException e) {
            throw new InputError(file + ": safetensors header is not JSON (" + e.getMessage() + ")", e);
        }
        long base = 8 + headerLen;
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) continue;
            JsonNode t = f.getValue();
            String dtype = t.path("dtype").asText();
            JsonNode shapeNode = t.path("shape"), offs = t.path("data_offsets");
            long[] shape = new long[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) shape[i] = shapeNode.get(i).asLong();
            long start = base + offs.path(0).asLong(-1), end = base + offs.path(1).asLong(-1);
            long expect = Arrays.stream(shape).reduce(1, (a, b) -> a * b) * bytesPer(dtype, file, f.getKey());
            if (offs.size() != 2 || start < base || end > seg.byteSize() || end - start != expect)
                throw new InputError(file + ": tensor " + f.getKey() + " has bad data_offsets " + offs + " for " + dtype + Arrays.toString(shape));
            entries.put(f.getKey(), new Entry(file, seg, dtype, shape, start, end));
        }
    }

    private static int bytesPer(String dtype, Path file, String name) {
        return switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new InputError(file + ": tensor " + name + " has dtype " + dtype + " (supported: F32, F16, BF16)");
        };
    }

    /** Names of all tensors. */
    public Set<String> names() {
        return entries.keySet();
    }

    public boolean has(String name) {
        return entries.containsKey(name);
    }

    /** Shape of a tensor as stored. */
    public long[] shape(String name) {
        return entry(name).shape.clone();
    }

    private Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            Path where = entries.isEmpty() ? null : entries.values().iterator().next().file;
            throw new InputError((where == null ? "" : where + ": ") + "tensor " + name + " is missing");
        }
        return e;
    }

    /**
     * Loads a tensor as F32 into {@code manager}; {@code expected} is the shape it must have
     * (a mismatch is an {@link InputError} naming file and tensor).
     */
    public NDArray load(NDManager manager, String name, long... expected) {
        Entry e = entry(name);
        if (!Arrays.equals(e.shape, expected))
            throw new InputError(e.file + ": tensor " + name + " has shape " + Arrays.toString(e.shape) + ", expected " + Arrays.toString(expected));
        long n = Arrays.stream(e.shape).reduce(1, (a, b) -> a * b);
        int elemBytes = e.dtype.equals("F32") ? 4 : 2;
        long rows = e.shape.length == 0 ? 1 : e.shape[0];
        long rowElems = rows == 0 ? 0 : n / rows;
        long rowsPerSlab = Math.max(1, SLAB_BYTES / 4 / Math.max(1, rowElems));
        if (rows <= rowsPerSlab) return slab(manager, e, 0, n, new Shape(e.shape));
        NDList parts = new NDList();
        try {
            for (long r = 0; r < rows; r += rowsPerSlab) {
                long rr = Math.min(rowsPerSlab, rows - r);
                long[] s = e.shape.clone();
                s[0] = rr;
                parts.add(slab(manager, e, r * rowElems * elemBytes, rr * rowElems, new Shape(s)));
            }
            return NDArrays.concat(parts, 0);
        } finally {
            parts.close();
        }
    }

    /** Tensor bytes [offset, offset + n elements) of e as an F32 array owning its memory. */
    private static NDArray slab(NDManager manager, Entry e, long offset, long n, Shape shape) {
        MemorySegment src = e.map.asSlice(e.start + offset, n * (e.dtype.equals("F32") ? 4 : 2));
        switch (e.dtype) {
            case "F32" -> {
                return owned(manager, src, shape, DataType.FLOAT32);
            }
            case "F16" -> {
                try (NDArray half = manager.create(src.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN), shape, DataType.FLOAT16)) {
                    return half.toType(DataType.FLOAT32, true);
                }
            }
            default -> { // BF16: the upper 16 bits of an F32
                try (Arena tmp = Arena.ofConfined()) {
                    MemorySegment dst = tmp.allocate(n * 4, 64);
                    for (long i = 0; i < n; i++)
                        dst.set(FLOAT_LE, i * 4, Float.intBitsToFloat((src.get(SHORT_LE, i * 2) & 0xffff) << 16));
                    return owned(manager, dst, shape, DataType.FLOAT32);
                }
            }
        }
    }

    /** DJL wraps a direct buffer without copying; the copy makes the tensor outlive the map (and writable). */
    private static NDArray owned(NDManager manager, MemorySegment bytes, Shape shape, DataType type) {
        try (NDArray view = manager.create(bytes.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN), shape, type)) {
            return view.duplicate();
        }
    }

    /** Unmaps the files (arrays already loaded stay valid: they own their memory). */
    @Override
    public void close() {
        arena.close();
    }
}
