package ai.marft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One named LoRA adapter over the frozen base: per layer and target, A [r, in] and B [out, r]
 * (PEFT orientation, gradients attached). Initialised like PEFT: A kaiming-uniform (bound 1/√in), B = 0,
 * so a fresh adapter leaves outputs unchanged. Saved and loaded in the PEFT layout.
 */
public final class LoraAdapter implements AutoCloseable {
    private final String name;
    private final LoraConfig config;
    private final NDManager manager;
    private final NDArray[][] a, b; // [layer][target index]

    private LoraAdapter(String name, LoraConfig config, NDManager manager, NDArray[][] a, NDArray[][] b) {
        this.name = name;
        this.config = config;
        this.manager = manager;
        this.a = a;
        this.b = b;
        for (NDArray[] row : a) for (NDArray x : row) x.setRequiresGradient(true);
        for (NDArray[] row : b) for (NDArray x : row) x.setRequiresGradient(true);
    }

    /** A fresh adapter (B = 0) with A drawn from {@code seed}. */
    static LoraAdapter create(String name, ModelConfig c, LoraConfig lc, NDManager parent, long seed) {
        NDManager m = parent.newSubManager();
        Random rng = new Random(seed);
        int nt = lc.targets().size();
        NDArray[][] a = new NDArray[c.layers()][nt], b = new NDArray[c.layers()][nt];
        for (int l = 0; l < c.layers(); l++)
            for (int t = 0; t < nt; t++) {
                LoraTarget target = lc.targets().get(t);
                int in = target.in(c);
                float bound = (float) (1 / Math.sqrt(in));
                float[] values = new float[lc.r() * in];
                for (int i = 0; i < values.length; i++) values[i] = (rng.nextFloat() * 2 - 1) * bound;
                a[l][t] = Owned.of(m.create(values, new Shape(lc.r(), in)));
                b[l][t] = m.zeros(new Shape(target.out(c), lc.r()));
            }
        return new LoraAdapter(name, lc, m, a, b);
    }

    public String name() {
        return name;
    }

    public LoraConfig config() {
        return config;
    }

    /** A of (layer, target) or null when the target is not adapted. */
    NDArray a(int layer, LoraTarget target) {
        int t = config.targets().indexOf(target);
        return t < 0 ? null : a[layer][t];
    }

    NDArray b(int layer, LoraTarget target) {
        int t = config.targets().indexOf(target);
        return t < 0 ? null : b[layer][t];
    }

    /** Trainable tensors (all A then all B), gradients attached. */
    public List<NDArray> parameters() {
        List<NDArray> l = new ArrayList<>();
        for (NDArray[] row : a) l.addAll(List.of(row));
        for (NDArray[] row : b) l.addAll(List.of(row));
        return l;
    }

    /** Bytes of the adapter's tensors. */
    public long bytes() {
        return parameters().stream().mapToLong(x -> x.getShape().size() * 4).sum();
    }

    /**
     * The adapter's contribution for one forward pass. With {@code withGrad}, gradients flow to A and B
     * (inside the caller's GradientCollector); without, detached views are used. The views belong to {@code m}.
     */
    LoraDelta delta(NDManager m, boolean withGrad) {
        int layers = a.length, nt = config.targets().size();
        NDArray[][] at = new NDArray[layers][nt], bt = new NDArray[layers][nt];
        try (NDScope scope = new NDScope()) { // intermediates die here; the two operands move to m
            scope.suppressNotUsedWarning();
            for (int l = 0; l < layers; l++)
                for (int t = 0; t < nt; t++) {
                    NDArray al = withGrad ? a[l][t] : a[l][t].stopGradient(), bl = withGrad ? b[l][t] : b[l][t].stopGradient();
                    at[l][t] = al.transpose();
                    bt[l][t] = Scalars.mul(bl.transpose(), config.scaling());
                    NDScope.unregister(at[l][t], bt[l][t]);
                    at[l][t].attach(m);
                    bt[l][t].attach(m);
                }
        }
        List<LoraTarget> targets = config.targets();
        return (layer, target, in, out) -> {
            int t = targets.indexOf(target);
            return t < 0 ? out : out.add(in.matMul(at[layer][t]).matMul(bt[layer][t]));
        };
    }

    /** Writes adapter_config.json and adapter_model.safetensors (PEFT key names) into dir. */
    public void save(Path dir, String baseModelNameOrPath) {
        ObjectNode cfg = Json.MAPPER.createObjectNode();
        cfg.put("peft_type", "LORA");
        cfg.put("task_type", "CAUSAL_LM");
        cfg.put("r", config.r());
        cfg.put("lora_alpha", config.alpha());
        cfg.put("lora_dropout", 0.0);
        cfg.put("bias", "none");
        cfg.put("fan_in_fan_out", false);
        cfg.put("inference_mode", true);
        cfg.put("base_model_name_or_path", baseModelNameOrPath);
        var targets = cfg.putArray("target_modules");
        for (LoraTarget t : config.targets()) targets.add(t.module);
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (int l = 0; l < a.length; l++)
            for (int t = 0; t < config.targets().size(); t++) {
                String key = key(l, config.targets().get(t));
                w.add(key + ".lora_A.weight", a[l][t]);
                w.add(key + ".lora_B.weight", b[l][t]);
            }
        try {
            Files.createDirectories(dir);
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("adapter_config.json").toFile(), cfg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir, e);
        }
        w.metadata("format", "pt").write(dir.resolve("adapter_model.safetensors"), "F32");
    }

    private static String key(int layer, LoraTarget t) {
        return "base_model.model.model.layers." + layer + "." + t.part + "." + t.module;
    }

    /** Reads a PEFT LoRA folder for a model of config c; wrong shapes or missing tensors are {@link InputError}s. */
    static LoraAdapter load(String name, Path dir, ModelConfig c, NDManager parent) {
        Path cfgFile = dir.resolve("adapter_config.json");
        JsonNode j;
        try {
            j = Json.MAPPER.readTree(cfgFile.toFile());
        } catch (IOException e) {
            throw new InputError(cfgFile + ": cannot read adapter config (" + e.getMessage() + ")", e);
        }
        if (!j.path("peft_type").asText("LORA").equals("LORA"))
            throw new InputError(cfgFile + ": peft_type " + j.path("peft_type").asText() + " is not LORA");
        if (!j.path("r").canConvertToInt()) throw new InputError(cfgFile + ": field 'r' is missing");
        List<LoraTarget> targets = new ArrayList<>();
        for (JsonNode t : j.path("target_modules")) targets.add(LoraTarget.of(t.asText()));
        if (targets.isEmpty()) throw new InputError(cfgFile + ": 'target_modules' must be a non-empty list");
        LoraConfig lc = new LoraConfig(j.get("r").asInt(), j.path("lora_alpha").asDouble(j.get("r").asInt()), targets);
        NDManager m = parent.newSubManager();
        try (SafeTensors st = SafeTensors.openFile(dir.resolve("adapter_model.safetensors"))) {
            NDArray[][] a = new NDArray[c.layers()][targets.size()], b = new NDArray[c.layers()][targets.size()];
            for (int l = 0; l < c.layers(); l++)
                for (int t = 0; t < targets.size(); t++) {
                    LoraTarget target = targets.get(t);
                    String key = key(l, target);
                    a[l][t] = st.load(m, key + ".lora_A.weight", lc.r(), target.in(c));
                    b[l][t] = st.load(m, key + ".lora_B.weight", target.out(c), lc.r());
                }
            return new LoraAdapter(name, lc, m, a, b);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
