package ai.marft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.marft.InputError;
import ai.marft.lm.decode.RowLora;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Named LoRA adapters over one frozen base model: the base weights exist once, each adapter holds
 * only its A/B matrices. A batch may mix adapters row by row (one agent per row).
 */
public final class AdapterSet implements AutoCloseable {
    private final CausalLm base;
    private final Map<String, LoraAdapter> adapters = new LinkedHashMap<>();

    public AdapterSet(CausalLm base) {
        this.base = base;
    }

    /** Adds a fresh adapter (B = 0: outputs unchanged until trained). */
    public LoraAdapter create(String name, LoraConfig config, long seed) {
        return put(LoraAdapter.create(name, base.config(), config, base.manager(), seed));
    }

    /** Adds the PEFT adapter stored in {@code dir} under {@code name}. */
    public LoraAdapter load(String name, Path dir) {
        return put(LoraAdapter.load(name, dir, base.config(), base.manager()));
    }

    private LoraAdapter put(LoraAdapter a) {
        LoraAdapter old = adapters.put(a.name(), a);
        if (old != null) old.close();
        return a;
    }

    /** The adapter called name; an unknown name is an {@link InputError}. */
    public LoraAdapter get(String name) {
        LoraAdapter a = adapters.get(name);
        if (a == null) throw new InputError("no LoRA adapter named '" + name + "' (have " + adapters.keySet() + ")");
        return a;
    }

    public Set<String> names() {
        return adapters.keySet();
    }

    /** Drops and frees an adapter. */
    public void remove(String name) {
        LoraAdapter a = adapters.remove(name);
        if (a != null) a.close();
    }

    /** Sum of the adapters' tensor bytes. */
    public long bytes() {
        return adapters.values().stream().mapToLong(LoraAdapter::bytes).sum();
    }

    /**
     * The LoRA contribution for a batch whose row b uses adapter {@code names.get(b)} (null: none),
     * without gradients. One adapter for all rows uses plain matmuls; a mix stacks the rows' A and B
     * (zeros for bare rows, ranks padded) and uses batched matmuls. Arrays belong to {@code m}.
     */
    LoraDelta forRows(NDManager m, List<String> names) {
        List<LoraAdapter> rows = new ArrayList<>();
        for (String n : names) rows.add(n == null ? null : get(n));
        LoraAdapter first = rows.getFirst();
        if (rows.stream().allMatch(a -> a == first)) return first == null ? LoraDelta.NONE : first.delta(m, false);
        ModelConfig c = base.config();
        Set<LoraTarget> targets = EnumSet.noneOf(LoraTarget.class);
        int rank = 0;
        for (LoraAdapter a : rows)
            if (a != null) {
                targets.addAll(a.config().targets());
                rank = Math.max(rank, a.config().r());
            }
        int layers = c.layers();
        NDArray[][] at = new NDArray[layers][LoraTarget.values().length], bt = new NDArray[layers][LoraTarget.values().length];
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (int l = 0; l < layers; l++)
                for (LoraTarget t : targets) {
                    NDList as = new NDList(), bs = new NDList();
                    for (LoraAdapter a : rows) {
                        NDArray ai = a == null ? null : a.a(l, t), bi = a == null ? null : a.b(l, t);
                        if (ai == null) {
                            as.add(m.zeros(new Shape(t.in(c), rank)));
                            bs.add(m.zeros(new Shape(rank, t.out(c))));
                            continue;
                        }
                        NDArray aT = ai.stopGradient().transpose(), bT = bi.stopGradient().transpose().mul((float) a.config().scaling());
                        int r = a.config().r();
                        if (r < rank) {
                            aT = aT.concat(m.zeros(new Shape(t.in(c), rank - r)), 1);
                            bT = bT.concat(m.zeros(new Shape(rank - r, t.out(c))), 0);
                        }
                        as.add(aT);
                        bs.add(bT);
                    }
                    at[l][t.ordinal()] = NDArrays.stack(as, 0); // [B, in, r]
                    bt[l][t.ordinal()] = NDArrays.stack(bs, 0); // [B, r, out]
                    NDScope.unregister(at[l][t.ordinal()], bt[l][t.ordinal()]);
                    at[l][t.ordinal()].attach(m);
                    bt[l][t.ordinal()].attach(m);
                }
        }
        return (layer, target, in, out) -> {
            NDArray a = at[layer][target.ordinal()];
            return a == null ? out : out.add(in.matMul(a).matMul(bt[layer][target.ordinal()]));
        };
    }

    /**
     * The adapters of a batch whose row b uses {@code names.get(b)} (null: none) for the fused decoder:
     * each distinct adapter's current A and B copied once (no gradient).
     */
    RowLora rowLora(List<String> names) {
        List<LoraAdapter> distinct = new ArrayList<>();
        int[] rowAdapter = new int[names.size()];
        for (int b = 0; b < names.size(); b++) {
            if (names.get(b) == null) {
                rowAdapter[b] = -1;
                continue;
            }
            LoraAdapter a = get(names.get(b));
            int k = distinct.indexOf(a);
            if (k < 0) {
                k = distinct.size();
                distinct.add(a);
            }
            rowAdapter[b] = k;
        }
        if (distinct.isEmpty()) return RowLora.NONE;
        int layers = base.config().layers();
        RowLora lora = new RowLora(layers, rowAdapter, distinct.size());
        for (int k = 0; k < distinct.size(); k++) {
            LoraAdapter a = distinct.get(k);
            for (int l = 0; l < layers; l++)
                for (LoraTarget t : a.config().targets())
                    lora.set(k, l, t, a.a(l, t).toFloatArray(), a.b(l, t).toFloatArray(), a.config().r(), a.config().scaling());
        }
        return lora;
    }

    @Override
    public void close() {
        for (LoraAdapter a : adapters.values()) a.close();
        adapters.clear();
    }
}
