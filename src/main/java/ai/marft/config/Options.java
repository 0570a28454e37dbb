package ai.marft.config;

import ai.marft.InputError;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table of training options read off {@link TrainConfig}'s {@link Opt} declarations: names,
 * types, defaults, help, ranges; checks one value or a whole config (ranges, then relations between
 * options) with one line naming the option, the value and what is allowed.
 */
public final class Options {
    /** One declared option. */
    public record Spec(String name, Field field, Opt opt, Object defaultValue) {
        public Class<?> type() {
            return field.getType();
        }

        public boolean isBoolean() {
            return type() == boolean.class;
        }
    }

    private static final Map<String, Spec> SPECS = read();

    private Options() {}

    private static Map<String, Spec> read() {
        TrainConfig defaults = new TrainConfig();
        Map<String, Spec> out = new LinkedHashMap<>();
        for (Field f : TrainConfig.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers())) continue;
            Opt opt = f.getAnnotation(Opt.class);
            if (opt == null) throw new IllegalStateException("TrainConfig." + f.getName() + " has no @Opt declaration");
            try {
                out.put(snake(f.getName()), new Spec(snake(f.getName()), f, opt, f.get(defaults)));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** {@code nRolloutThreads} → {@code n_rollout_threads} (Jackson's snake case, which names the JSON keys). */
    static String snake(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }

    /** Every option, in declaration order. */
    public static List<Spec> all() {
        return List.copyOf(SPECS.values());
    }

    /** The option called {@code name}, or null. */
    public static Spec get(String name) {
        return SPECS.get(name);
    }

    /**
     * Checks {@code value} against the declared range or choices of option {@code name}; {@code where}
     * says where the value came from (e.g. {@code --temperature}, {@code config run.yaml}).
     */
    public static void check(String name, Object value, String where) {
        Spec s = SPECS.get(name);
        if (s == null) throw new IllegalArgumentException("no option " + name);
        Opt o = s.opt();
        if (value instanceof Number n) {
            double v = n.doubleValue();
            boolean low = o.minExclusive() ? v > o.min() : v >= o.min();
            if (!low || !(v <= o.max()) || Double.isNaN(v)) throw new InputError(where + ": " + name + " = " + value + ": must be " + range(o));
        } else if (o.choices().length > 0 && value != null) {
            List<String> allowed = Arrays.asList(o.choices());
            List<?> values = value instanceof List<?> l ? l : List.of(value);
            for (Object v : values)
                if (!allowed.contains(String.valueOf(v)))
                    throw new InputError(where + ": " + name + " = " + v + ": must be one of " + String.join(", ", allowed));
        }
    }

    /**
     * Checks a sampling value given to {@code eval} (or {@code generate}) against the declared range of
     * the training option {@code name}; there, temperature 0 is also allowed: greedy decoding.
     */
    public static void checkSampling(String name, Number value, String where) {
        boolean greedy = name.equals("temperature") && value.doubleValue() == 0;
        if (greedy) return;
        try {
            check(name, value, where);
        } catch (InputError e) {
            throw name.equals("temperature") ? new InputError(e.getMessage() + ", or 0 for greedy decoding") : e;
        }
    }

    /** What a number must be, e.g. {@code > 0}, {@code in [0, 1]}. */
    static String range(Opt o) {
        boolean hasMin = o.min() != Double.NEGATIVE_INFINITY, hasMax = o.max() != Double.POSITIVE_INFINITY;
        String min = num(o.min()), max = num(o.max());
        if (hasMin && hasMax) return "in " + (o.minExclusive() ? "(" : "[") + min + ", " + max + "]";
        if (hasMin) return (o.minExclusive() ? "> " : ">= ") + min;
        if (hasMax) return "<= " + max;
        return "a number";
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /**
     * Checks every option of {@code cfg} and the relations between them; {@code origin} maps an option
     * name to where its value came from (absent: the default).
     */
    public static void validate(TrainConfig cfg, Map<String, String> origin) {
        for (Spec s : SPECS.values()) {
            try {
                check(s.name(), s.field().get(cfg), origin.getOrDefault(s.name(), "default"));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        for (String required : List.of("model_name_or_path", "profile_path", "dataset_path"))
            if (isBlank(SPECS.get(required), cfg)) throw new InputError("option '" + required + "' is required");
        if (cfg.useEval && (cfg.evalDatasetPath == null || cfg.evalDatasetPath.isBlank()))
            throw new InputError("option 'eval_dataset_path' is required by use_eval");
        ai.marft.lm.Devices.parse(cfg.device, where(origin, "device"));
        int rows = cfg.nRolloutThreads * cfg.episodeLength;
        if (cfg.numMiniBatch > rows)
            throw new InputError(where(origin, "num_mini_batch") + ": num_mini_batch = " + cfg.numMiniBatch + ": must be at most the "
                    + rows + " environment steps of a rollout (n_rollout_threads x episode_length)");
        if ("GRPO".equals(cfg.algorithmName) && cfg.nRolloutThreads % cfg.groupSize != 0)
            throw new InputError(where(origin, "group_size") + ": group_size = " + cfg.groupSize + ": GRPO needs it to divide n_rollout_threads ("
                    + cfg.nRolloutThreads + ")");
        if ("openai".equals(cfg.rolloutBackend) && (cfg.rolloutServers.isEmpty() || cfg.adapterSyncDir == null || cfg.adapterSyncDir.isBlank()))
            throw new InputError(where(origin, "rollout_backend") + ": rollout_backend = openai needs rollout_servers (at least one URL) and "
                    + "adapter_sync_dir (a folder the servers read)");
        for (String url : cfg.rolloutServers)
            if (!url.matches("https?://[^\\s/]+(:\\d+)?/?"))
                throw new InputError(where(origin, "rollout_servers") + ": rollout_servers entry '" + url + "': expected http://host:port");
        if (cfg.contextWindow <= cfg.maxNewTokens)
            throw new InputError(where(origin, "context_window") + ": context_window = " + cfg.contextWindow + ": must exceed max_new_tokens ("
                    + cfg.maxNewTokens + ")");
    }

    private static String where(Map<String, String> origin, String name) {
        return origin.getOrDefault(name, "default");
    }

    private static boolean isBlank(Spec s, TrainConfig cfg) {
        try {
            Object v = s.field().get(cfg);
            return v == null || v.toString().isBlank();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The options as {@code --help} lists them: name, default, allowed values, help. */
    public static List<String> helpLines() {
        List<String> out = new ArrayList<>();
        for (Spec s : SPECS.values()) {
            Opt o = s.opt();
            String allowed = o.choices().length > 0 ? ", one of " + String.join(" ", o.choices())
                    : s.defaultValue() instanceof Number || s.type() == Double.class ? (range(o).equals("a number") ? "" : ", " + range(o)) : "";
            String tag = switch (o.ref()) {
                case OURS -> " [ours]";
                case STORE_FALSE -> " [store_false]";
                case UNUSED -> " [no effect here]";
                case SAME -> "";
            };
            out.add(String.format(Locale.ROOT, "  --%s  default %s%s%s", s.name(), s.defaultValue(), allowed, tag));
            StringBuilder line = new StringBuilder("      ");
            for (String word : o.help().split(" ")) { // wrapped here: picocli would wrap the footer without indent
                if (line.length() + word.length() > 78) {
                    out.add(line.toString().stripTrailing());
                    line = new StringBuilder("      ");
                }
                line.append(word).append(' ');
            }
            out.add(line.toString().stripTrailing());
        }
        return out;
    }
}
