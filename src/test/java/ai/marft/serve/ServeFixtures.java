package ai.marft.serve;

import ai.djl.ndarray.NDArray;
import ai.marft.Json;
import ai.marft.lm.LmEngine;
import ai.marft.lm.LoraAdapter;
import ai.marft.lm.LoraConfig;
import ai.marft.lm.LoraTarget;
import ai.marft.lm.TinyModels;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Tiny models, adapters and a chat template for the serve tests. */
final class ServeFixtures {
    /** ChatML, the format of the Qwen chat templates, in its shortest Jinja form. */
    static final String CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private ServeFixtures() {}

    /** A tiny byte-tokenizer model in {@code dir}; with {@code chatTemplate}, its tokenizer_config.json gets {@link #CHATML}. */
    static Path model(Path dir, long seed, boolean chatTemplate) throws IOException {
        TinyModels.write(dir, TinyModels.Flavour.QWEN2, seed, true);
        if (chatTemplate) {
            Path cfg = dir.resolve("tokenizer_config.json");
            ObjectNode c = (ObjectNode) Json.MAPPER.readTree(cfg.toFile());
            c.put("chat_template", CHATML);
            Json.MAPPER.writeValue(cfg.toFile(), c);
        }
        return dir;
    }

    /** Creates adapter {@code name} in {@code engine} with random non-zero B (as after training) and saves it (PEFT) to {@code out}. */
    static LoraAdapter adapter(LmEngine engine, String name, long seed, Path out) {
        return adapter(engine, name, seed, out, "tiny");
    }

    /** As above, the saved adapter_config.json naming {@code base} as its base_model_name_or_path. */
    static LoraAdapter adapter(LmEngine engine, String name, long seed, Path out, String base) {
        LoraAdapter a = engine.adapters().create(name, new LoraConfig(4, 8, List.of(LoraTarget.Q, LoraTarget.V)), seed);
        randomizeB(a, seed + 1);
        if (out != null) a.save(out, base);
        return a;
    }

    /** Writes random values into an adapter's B matrices (the second half of its parameters). */
    static void randomizeB(LoraAdapter a, long seed) {
        Random rng = new Random(seed);
        List<NDArray> ps = a.parameters();
        for (NDArray p : ps.subList(ps.size() / 2, ps.size())) {
            float[] v = new float[(int) p.getShape().size()];
            for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * 0.3);
            try (NDArray view = p.stopGradient(); NDArray src = p.getManager().create(v, p.getShape())) {
                view.muli(0).addi(src); // in place on a detached view: writes the parameter's storage
            }
        }
    }
}
