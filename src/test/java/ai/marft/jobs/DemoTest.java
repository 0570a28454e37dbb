package ai.marft.jobs;

import ai.marft.train.AtomicDir;

import ai.marft.env.Problem;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.lm.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's plumbing on a tiny random model (the embedded model's learning is measured by running {@code marft demo}). */
class DemoTest {
    @TempDir
    Path tmp;

    @Test
    void measuresTrainsMeasuresAndLeavesTheFinalCheckpointAndReport() throws Exception {
        Path model = TinyModels.write(tmp.resolve("model"), TinyModels.Flavour.QWEN2, 6, true);
        Path cfg = tmp.resolve("demo.yaml");
        Files.writeString(cfg, String.join("\n", "model_name_or_path: " + model, "profile_path: configs/arith_dual.json", "env_name: arith",
                "n_rollout_threads: 2", "horizon: 1", "max_new_tokens: 4", "num_env_steps: 1000000", "lr: 1.0e-3", "save_interval: 0", ""));
        Path out = tmp.resolve("demo");
        Demo.Result r = Demo.run(cfg, out, 0.02, 6, false, null, new PrintStream(new ByteArrayOutputStream()));
        assertThat(r.before().n()).isEqualTo(6);
        assertThat(r.after().n()).isEqualTo(6);
        assertThat(r.mixBefore().n()).isEqualTo(6);
        assertThat(r.mixAfter().n()).isEqualTo(6);
        assertThat(ai.marft.report.BeforeAfter.read(out)).extracting(ai.marft.report.BeforeAfter::title)
                .containsExactly("unseen: 6 problems, none trained on", "task's mix: 6 fresh draws, " + r.mixInTraining() + " also trained on");
        assertThat(r.iterations()).isGreaterThanOrEqualTo(1);
        assertThat(AtomicDir.isComplete(out.resolve("checkpoints/final"))).isTrue();
        assertThat(Files.isDirectory(out.resolve("checkpoints/final/planner"))).isTrue();
        assertThat(Files.readString(out.resolve("report.md"))).contains("before (base model)", "after MARFT-A", "checkpoints/final");
        assertThat(r.table()).contains(String.format("%.3f", r.before().accuracy()));
    }

    @Test
    void heldOutProblemsAreNeverTrainedOnAndKeepTheTasksMixOfShapes() {
        Demo.Split split = Demo.split(300);
        List<Problem> held = split.heldOut();
        Set<String> texts = new HashSet<>();
        held.forEach(p -> texts.add(p.problem()));
        assertThat(held).hasSize(300);
        assertThat(texts).hasSize(300);
        assertThat(split.train()).hasSize(Demo.TRAIN_PROBLEMS).noneMatch(p -> texts.contains(p.problem()));
        // the generator draws 3 or 4 operands; both shapes are in the held-out set in similar shares
        long threeOperands = held.stream().filter(p -> p.problem().split(" ").length == 7).count();
        assertThat(threeOperands).isBetween(90L, 210L);
        // the task's mix: fresh draws that may be training problems: most three-operand ones are (2,916 of them, ~10,000 such draws)
        Set<String> train = new HashSet<>();
        split.train().forEach(p -> train.add(p.problem()));
        List<Problem> mix = split.mix();
        assertThat(mix).hasSize(300).extracting(Problem::problem).doesNotHaveDuplicates();
        long mixThree = mix.stream().filter(p -> p.problem().split(" ").length == 7).count();
        long mixThreeTrained = mix.stream().filter(p -> p.problem().split(" ").length == 7 && train.contains(p.problem())).count();
        assertThat(mixThree).isBetween(90L, 210L);
        assertThat((double) mixThreeTrained / mixThree).as("share of the mix's three-operand problems also trained on").isGreaterThan(0.8);
    }
}
