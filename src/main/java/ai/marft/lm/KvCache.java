package ai.marft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for a batch, preallocated to {@code capacity} slots and written in
 * place (no per-step concatenation). Slots not written yet are hidden by the attention mask.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys, values; // [B, Hkv, capacity, D]
    private final int capacity;

    public KvCache(NDManager parent, ModelConfig c, int batch, int capacity) {
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        keys = new NDArray[c.layers()];
        values = new NDArray[c.layers()];
        Shape s = new Shape(batch, c.kvHeads(), capacity, c.headDim());
        for (int l = 0; l < c.layers(); l++) {
            keys[l] = manager.zeros(s);
            values[l] = manager.zeros(s);
        }
    }

    public int capacity() {
        return capacity;
    }

    /** Stores k, v [B, Hkv, T, D] at slots [start, start + T). */
    void write(int layer, int start, NDArray k, NDArray v) {
        long t = k.getShape().get(2);
        NDIndex at = new NDIndex(":, :, {}:{}", start, start + t);
        keys[layer].set(at, k);
        values[layer].set(at, v);
    }

    NDArray keys(int layer) {
        return keys[layer];
    }

    NDArray values(int layer) {
        return values[layer];
    }

    @Override
    public void close() {
        manager.close();
    }
}
