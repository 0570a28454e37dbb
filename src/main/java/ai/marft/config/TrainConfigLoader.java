package ai.marft.config;

import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link TrainConfig}: defaults, then a YAML or JSON file, then command-line flags under the
 * reference's names ({@code --lr 1e-6}, {@code --lr=1e-6}). Bare boolean flags act as in the reference's
 * argparse: {@code store_false} flags such as {@code --use_huber_loss} turn the feature OFF.
 */
public final class TrainConfigLoader {
    /** Reference flags with argparse action store_false: naming them bare sets them false. */
    private static final Set<String> STORE_FALSE = Set.of("use_huber_loss", "use_clipped_value_loss",
            "use_max_grad_norm", "use_gae", "use_value_active_masks", "use_policy_active_masks", "cuda",
            "cuda_deterministic", "use_orthogonal");
    /** Reference flags that mean nothing here (GPU placement, vLLM, unused network sizes); accepted with a warning. */
    private static final Set<String> IGNORED = Set.of("cuda", "cuda_deterministic", "n_training_threads",
            "n_eval_rollout_threads", "dataset_name", "flag", "n_agents", "use_vllm", "multi_gpu", "hidden_size",
            "use_orthogonal", "use_gae", "use_proper_time_limits", "use_value_active_masks",
            "use_policy_active_masks", "model_dir", "use_render", "save_gifs", "render_episodes", "ifi");

    private TrainConfigLoader() {}

    /** Loads {@code file} (may be null) then applies {@code args}; warnings for ignored flags go to stderr. */
    public static TrainConfig load(Path file, List<String> args) {
        TrainConfig config = new TrainConfig();
        Set<String> known = knownNames();
        if (file != null) {
            if (!Files.isRegularFile(file)) throw new InputError("config " + file + ": no such file");
            ObjectMapper mapper = file.toString().matches(".*\\.ya?ml$") ? Json.YAML : Json.MAPPER;
            JsonNode tree;
            try {
                tree = mapper.readTree(file.toFile());
            } catch (IOException e) {
                throw new InputError("config " + file + ": cannot parse (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
            if (tree == null || !tree.isObject()) throw new InputError("config " + file + ": expected a mapping of option names to values");
            tree.fieldNames().forEachRemaining(name -> check(known, name, "config " + file));
            apply(config, (ObjectNode) tree, "config " + file);
        }
        apply(config, parseFlags(args, known), "command line");
        return config;
    }

    private static ObjectNode parseFlags(List<String> args, Set<String> known) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) throw new InputError("unexpected argument '" + a + "' (options look like --name value)");
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            name = name.replace('-', '_');
            check(known, name, "command line");
            if (value == null) {
                boolean nextIsValue = i + 1 < args.size() && !args.get(i + 1).startsWith("--");
                if (nextIsValue) value = args.get(++i);
                else if (isBoolean(name)) value = String.valueOf(!STORE_FALSE.contains(name));
                else throw new InputError("option --" + name + " needs a value");
            }
            out.put(name, value);
        }
        return out;
    }

    private static boolean isBoolean(String name) {
        if (STORE_FALSE.contains(name)) return true;
        JsonNode d = Json.MAPPER.valueToTree(new TrainConfig()).get(name);
        return d != null && d.isBoolean() || Set.of("use_eval", "use_linear_lr_decay", "use_proper_time_limits",
                "use_vllm", "multi_gpu", "use_render", "save_gifs").contains(name);
    }

    private static void check(Set<String> known, String name, String where) {
        if (IGNORED.contains(name)) {
            System.err.println("marft: " + where + ": option '" + name + "' is accepted for compatibility and has no effect here");
        } else if (!known.contains(name)) {
            throw new InputError(where + ": unknown option '" + name + "'");
        }
    }

    private static void apply(TrainConfig config, ObjectNode values, String where) {
        ObjectNode relevant = values.deepCopy();
        IGNORED.forEach(relevant::remove);
        if (relevant.isEmpty()) return;
        for (Map.Entry<String, JsonNode> e : relevant.properties()) {
            try {
                JsonNode one = Json.MAPPER.createObjectNode().set(e.getKey(), e.getValue());
                Json.MAPPER.readerForUpdating(config).readValue(one);
            } catch (IOException ex) {
                throw new InputError(where + ": option '" + e.getKey() + "': bad value " + e.getValue());
            }
        }
    }

    private static Set<String> knownNames() {
        Set<String> names = new HashSet<>();
        Json.MAPPER.valueToTree(new TrainConfig()).fieldNames().forEachRemaining(names::add);
        return names;
    }
}
