package ai.marft.config;

import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds a {@link TrainConfig}: defaults, then a YAML or JSON file, then command-line flags under the
 * reference's names ({@code --lr 1e-6}, {@code --lr=1e-6}), then the base model's
 * {@code generation_config.json} for what neither set ({@link GenerationConfigDefaults}), then {@link Options#validate} once, before
 * anything is written. Every name, type and range comes from the {@link Opt} declarations. Bare
 * boolean flags act as in the reference's argparse: {@code store_false} flags such as
 * {@code --use_huber_loss} turn the feature OFF, the others turn it on.
 */
public final class TrainConfigLoader {
    /** Reference flags that mean nothing here (GPU placement, vLLM, unused network sizes); accepted with a warning. */
    private static final Set<String> IGNORED = Set.of("cuda", "cuda_deterministic", "n_training_threads",
            "n_eval_rollout_threads", "dataset_name", "flag", "n_agents", "use_vllm", "multi_gpu", "hidden_size",
            "use_orthogonal", "use_gae", "use_proper_time_limits", "use_value_active_masks",
            "use_policy_active_masks", "model_dir", "use_render", "save_gifs", "render_episodes", "ifi");
    /** Of {@link #IGNORED}, the reference's store_false flags (a bare one names no value). */
    private static final Set<String> IGNORED_STORE_FALSE = Set.of("cuda", "cuda_deterministic", "use_gae",
            "use_value_active_masks", "use_policy_active_masks", "use_orthogonal");
    private static final Set<String> IGNORED_STORE_TRUE = Set.of("use_proper_time_limits", "use_vllm", "multi_gpu", "use_render", "save_gifs");

    private TrainConfigLoader() {}

    /** Loads {@code file} (may be null) then applies {@code args}, then validates; warnings go to stderr. */
    public static TrainConfig load(Path file, List<String> args) {
        TrainConfig config = new TrainConfig();
        Map<String, String> origin = new HashMap<>();
        if (file != null) apply(config, readFile(file), "config " + file, origin);
        apply(config, parseFlags(args), "command line", origin);
        GenerationConfigDefaults.apply(config, origin);
        Options.validate(config, origin);
        return config;
    }

    private static ObjectNode readFile(Path file) {
        if (Files.isDirectory(file)) throw new InputError("config " + file + ": is a folder, expected a YAML or JSON file");
        if (!Files.isRegularFile(file)) throw new InputError("config " + file + ": no such file");
        ObjectMapper mapper = (file.toString().matches(".*\\.ya?ml$") ? Json.YAML : Json.MAPPER).copy();
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JsonNode tree;
        try {
            tree = mapper.readTree(file.toFile());
        } catch (JsonProcessingException e) { // the parser's own words, with the line it stopped at
            String line = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? "" : " at line " + e.getLocation().getLineNr();
            throw new InputError("config " + file + ": cannot parse" + line + " (" + e.getOriginalMessage().lines().findFirst().orElse("") + ")");
        } catch (IOException e) {
            throw new InputError("config " + file + ": cannot read (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (tree == null || !tree.isObject()) throw new InputError("config " + file + ": expected a mapping of option names to values");
        return (ObjectNode) tree;
    }

    private static ObjectNode parseFlags(List<String> args) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) throw new InputError("unexpected argument '" + a + "' (options look like --name value)");
            String name = a.substring(2), value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            name = name.replace('-', '_');
            if (value == null) {
                boolean nextIsValue = i + 1 < args.size() && !args.get(i + 1).startsWith("--");
                Options.Spec s = Options.get(name);
                boolean bool = s != null ? s.isBoolean() : IGNORED_STORE_FALSE.contains(name) || IGNORED_STORE_TRUE.contains(name);
                boolean storeFalse = s != null ? s.opt().ref() == Opt.Ref.STORE_FALSE : IGNORED_STORE_FALSE.contains(name);
                if (bool && (!nextIsValue || !isBooleanWord(args.get(i + 1)))) value = String.valueOf(!storeFalse);
                else if (nextIsValue) value = args.get(++i);
                else if (s == null && !IGNORED.contains(name)) value = ""; // unknown: reported by apply
                else throw new InputError("option --" + name + " needs a value");
            }
            Options.Spec spec = Options.get(name);
            if (spec != null && spec.type() == List.class) { // --lora_targets q_proj,v_proj (or [q_proj, v_proj])
                var list = out.putArray(name);
                for (String item : value.replaceAll("[\\[\\]\\s]", "").split(",")) if (!item.isEmpty()) list.add(item);
            } else {
                out.put(name, value);
            }
        }
        return out;
    }

    private static boolean isBooleanWord(String s) {
        return s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false");
    }

    private static void apply(TrainConfig config, ObjectNode values, String where, Map<String, String> origin) {
        for (Map.Entry<String, JsonNode> e : values.properties()) {
            String name = e.getKey();
            Options.Spec s = Options.get(name);
            if (s == null) {
                if (!IGNORED.contains(name)) throw new InputError(where + ": unknown option '" + name + "' (marft train --help lists them)");
                System.err.println("marft: " + where + ": option '" + name + "' is accepted for compatibility and has no effect here");
                continue;
            }
            try {
                JsonNode one = Json.MAPPER.createObjectNode().set(name, e.getValue());
                Json.MAPPER.readerForUpdating(config).readValue(one);
            } catch (IOException ex) {
                throw new InputError(where + ": " + name + " = " + e.getValue() + ": expected " + typeName(s));
            }
            origin.put(name, where);
            Options.check(name, read(s, config), where);
            // a checkpoint's config.json lists every option: only a value someone changed is worth a warning
            if (s.opt().ref() == Opt.Ref.UNUSED && !Objects.equals(read(s, config), s.defaultValue()))
                System.err.println("marft: " + where + ": option '" + name + "' has no effect here (" + s.opt().help() + ")");
        }
    }

    private static Object read(Options.Spec s, TrainConfig config) {
        try {
            return s.field().get(config);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String typeName(Options.Spec s) {
        Class<?> t = s.type();
        if (t == int.class || t == long.class) return "an integer";
        if (t == double.class || t == Double.class) return "a number";
        if (t == boolean.class) return "true or false";
        if (t == List.class) return "a list of names";
        return "a string";
    }
}
