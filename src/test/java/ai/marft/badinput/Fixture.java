package ai.marft.badinput;

import ai.marft.Json;
import ai.marft.cli.Main;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.lm.TinyModels;
import ai.marft.train.AtomicDir;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The valid inputs the bad-input cases start from, written once into a shared folder: a tiny model
 * with a tokenizer, a one-agent profiles file, a six-problem arith dataset, a run config, and a
 * finished two-iteration run whose checkpoints the checkpoint cases break (in copies) or resume.
 */
final class Fixture {
    static Path root, model, profiles, dataset, run, checkpoint;

    private Fixture() {}

    /** Builds the shared inputs under {@code dir} (once per test class). */
    static void build(Path dir) throws IOException {
        root = dir;
        model = TinyModels.write(dir.resolve("model"), TinyModels.Flavour.QWEN2, 4, true);
        dataset = dir.resolve("data.json");
        Json.MAPPER.writeValue(dataset.toFile(), new ArithGenerator(3).generate(6).stream()
                .map(p -> Json.MAPPER.createObjectNode().put("problem", p.problem()).put("final_answer", p.finalAnswer())).toList());
        profiles = dir.resolve("profiles.json");
        Files.writeString(profiles, "[{\"role\": \"solver\", \"prompt\": \"<|im_start|>system: solve<|im_end|>\\n\", \"with_answer\": true}]");
        run = dir.resolve("run");
        int code = Main.run(trainArgs(run, "--num_env_steps", "4", "--save_interval", "1"));
        if (code != 0) throw new IllegalStateException("the fixture run failed with exit code " + code);
        checkpoint = run.resolve("checkpoints/steps_0002");
        if (!AtomicDir.isComplete(checkpoint)) throw new IllegalStateException("the fixture run wrote no checkpoint " + checkpoint);
    }

    /** A valid {@code marft train} command line writing into {@code runDir}, followed by {@code more} flags (later ones win). */
    static String[] trainArgs(Path runDir, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--algorithm_name", "APPO", "--env_name", "arith", "--n_rollout_threads", "2",
                "--ppo_epoch", "1", "--lr", "1e-3", "--max_new_tokens", "4", "--context_window", "256", "--horizon", "1", "--num_env_steps", "4",
                "--profile_path", profiles.toString(), "--dataset_path", dataset.toString(), "--model_name_or_path", model.toString(),
                "--run_dir", runDir.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /**
     * A valid {@code marft eval} command line on the base model writing records into {@code dir};
     * {@code more} (option, value pairs, or a bare option) replaces or adds options.
     */
    static String[] evalArgs(Path dir, String... more) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("--model", model.toString());
        o.put("--profiles", profiles.toString());
        o.put("--dataset", dataset.toString());
        o.put("--n", "2");
        o.put("--max-new-tokens", "4");
        o.put("--task", "arith");
        o.put("--records", dir.resolve("records.jsonl").toString());
        for (int i = 0; i < more.length; i++) {
            boolean hasValue = i + 1 < more.length && !more[i + 1].startsWith("--");
            o.put(more[i], hasValue ? more[++i] : null);
        }
        List<String> a = new ArrayList<>(List.of("eval"));
        o.forEach((k, v) -> {
            a.add(k);
            if (v != null) a.add(v);
        });
        return a.toArray(String[]::new);
    }

    /** {@code args} with {@code more} appended. */
    static String[] plus(String[] args, String... more) {
        String[] out = new String[args.length + more.length];
        System.arraycopy(args, 0, out, 0, args.length);
        System.arraycopy(more, 0, out, args.length, more.length);
        return out;
    }

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, bytes);
    }

    /** A copy of the fixture model in {@code dir/model}. */
    static Path copyModel(Path dir) throws IOException {
        return copyTree(model, dir.resolve("model"));
    }

    /** The model copy with its config.json edited by {@code edit}. */
    static Path modelWithConfig(Path dir, Consumer<ObjectNode> edit) throws IOException {
        Path m = copyModel(dir);
        ObjectNode cfg = (ObjectNode) Json.MAPPER.readTree(m.resolve("config.json").toFile());
        edit.accept(cfg);
        Json.MAPPER.writeValue(m.resolve("config.json").toFile(), cfg);
        return m;
    }

    /** Replaces the first occurrence of {@code from} by {@code to} (same length: offsets stay valid) in a binary file. */
    static void replaceBytes(Path file, String from, String to) throws IOException {
        if (from.length() != to.length()) throw new IllegalArgumentException("same length needed");
        byte[] b = Files.readAllBytes(file), f = from.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + f.length <= b.length; i++) {
            if (java.util.Arrays.equals(b, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(to.getBytes(StandardCharsets.US_ASCII), 0, b, i, f.length);
                Files.write(file, b);
                return;
            }
        }
        throw new IllegalArgumentException(from + " not found in " + file);
    }

    /** Cuts {@code file} to {@code fraction} of its length. */
    static void truncate(Path file, double fraction) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(b, (int) (b.length * fraction)));
    }

    static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
        return to;
    }

    /**
     * Makes {@code dir} read-only, or aborts the case when that has no effect (running as root,
     * where permission bits do not stop writes).
     */
    static Path readOnly(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        Assumptions.assumeFalse(Files.isWritable(dir), "chmod does not make a folder read-only for this user (root?): the case cannot be set up");
        return dir;
    }

    /** Restores write permission below {@code dir} so the temporary folder can be removed. */
    static void makeWritable(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isDirectory).sorted(Comparator.naturalOrder()).toList())
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path p) throws IOException {
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
