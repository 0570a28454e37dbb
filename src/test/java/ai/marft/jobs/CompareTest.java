package ai.marft.jobs;

import ai.marft.Json;
import ai.marft.cli.Main;
import ai.marft.lm.TinyModels;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** marft compare on a tiny random model: every variant trains and is evaluated; the table's statistics. */
class CompareTest {
    @TempDir
    Path tmp;

    @Test
    void meanAndSampleStdOverSeeds() {
        Compare.MeanStd m = Compare.MeanStd.of(new double[]{0.5, 0.7, 0.6});
        assertThat(m.mean()).isCloseTo(0.6, within(1e-12));
        assertThat(m.std()).isCloseTo(0.1, within(1e-12)); // sqrt((0.01 + 0.01 + 0) / 2)
        assertThat(Compare.MeanStd.of(new double[]{0.25}).std()).isNaN();
        Compare.Options o = new Compare.Options(List.of("appo"), 1, 2, 10, 1, Path.of("s.json"), 1);
        String t = Compare.table(List.of(new Compare.Run("appo", 10, 0.5, 10, 4, 60, 1000), new Compare.Run("appo", 11, 0.7, 10, 6, 62, 1200)), o);
        assertThat(t).contains("| appo | 2 | 0.600 ± 0.141 | 5.0 ± 1.4 | 61 ± 1 | 1100 ± 141 |");
    }

    /**
     * Hand values of the two-sided paired t-test. df 2: d = (0.10, 0.07, 0.13), mean 0.1, sd 0.03, t = 0.1 / (0.03 / √3)
     * = 5.7735, and Student's t with 2 degrees of freedom has the closed form p = 1 − |t| / √(2 + t²) = 0.028714.
     * df 1: d = (0.1, 0.3), t = 0.2 / (0.141421 / √2) = 2, Cauchy: p = 1 − (2/π)·atan 2 = 0.295167.
     */
    @Test
    void pairedTestOverSeedsAgainstClosedForms() {
        PairedTest t = PairedTest.of(new double[] {0.60, 0.62, 0.65}, new double[] {0.50, 0.55, 0.52});
        assertThat(t.meanDifference()).isCloseTo(0.1, within(1e-12));
        assertThat(t.t()).isCloseTo(5.773503, within(1e-5));
        assertThat(t.p()).isCloseTo(0.028714, within(1e-5));
        PairedTest one = PairedTest.of(new double[] {0.5, 0.7}, new double[] {0.4, 0.4});
        assertThat(one.t()).isCloseTo(2.0, within(1e-9));
        assertThat(one.p()).isCloseTo(0.295167, within(1e-5));
        assertThat(PairedTest.of(new double[] {0.5, 0.6}, new double[] {0.4, 0.5}).p()).isZero(); // the same difference every seed

        Compare.Options o = new Compare.Options(List.of("appo", "appo_ref"), 1, 3, 10, 1, Path.of("s.json"), 1);
        String table = Compare.table(List.of(new Compare.Run("appo", 10, 0.60, 10, 4, 60, 1000), new Compare.Run("appo", 11, 0.62, 10, 4, 60, 1000),
                new Compare.Run("appo", 12, 0.65, 10, 4, 60, 1000), new Compare.Run("appo_ref", 10, 0.50, 10, 4, 60, 1000),
                new Compare.Run("appo_ref", 11, 0.55, 10, 4, 60, 1000), new Compare.Run("appo_ref", 12, 0.52, 10, 4, 60, 1000)), o);
        assertThat(table).contains("| appo − appo_ref | 3 | +10.0 | 5.77 | 0.029 | yes |");
    }

    @Test
    void everyVariantTrainsForTheBudgetAndGetsAHeldOutAccuracy() throws Exception {
        Path config = tinyConfig();
        Path out = tmp.resolve("cmp");
        int code = Main.run("compare", "--config", config.toString(), "--variants", "appo,tppo,grpo,solo,abat", "--minutes", "10",
                "--seeds", "1", "--heldout", "3", "--abat-interval", "1", "--out", out.toString());
        assertThat(code).isZero();
        JsonNode runs = Json.MAPPER.readTree(out.resolve("compare.json").toFile()).get("runs");
        List<String> variants = new ArrayList<>();
        for (JsonNode r : runs) {
            variants.add(r.get("variant").asText());
            assertThat(r.get("iterations").asLong()).as("num_env_steps 8 / 4 threads").isEqualTo(2);
            assertThat(r.get("heldOut").asInt()).isEqualTo(3);
            assertThat(r.get("accuracy").asDouble()).isBetween(0.0, 1.0);
            assertThat(r.get("tokens").asLong()).isPositive();
            assertThat(r.get("seed").asLong()).isEqualTo(3);
        }
        assertThat(variants).containsExactly("appo", "tppo", "grpo", "solo", "abat");
        String md = Files.readString(out.resolve("compare.md"));
        for (String v : variants) assertThat(md).contains("| " + v + " | 1 | ");
        // abat with interval 1: the planner learns at iteration 1, the solver at iteration 2; appo trains both each time
        List<String> abat = Files.readAllLines(out.resolve("abat/seed0/metrics.jsonl")), appo = Files.readAllLines(out.resolve("appo/seed0/metrics.jsonl"));
        assertThat(Json.MAPPER.readTree(abat.get(0)).has("grad_norm_solver")).isFalse();
        assertThat(Json.MAPPER.readTree(abat.get(1)).has("grad_norm_planner")).isFalse();
        assertThat(Json.MAPPER.readTree(appo.get(0)).has("grad_norm_solver")).isTrue();
        assertThat(Json.MAPPER.readTree(Files.readAllLines(out.resolve("solo/seed0/metrics.jsonl")).get(0)).has("grad_norm_planner")).isFalse();
        assertThat(Json.MAPPER.readTree(Files.readAllLines(out.resolve("grpo/seed0/metrics.jsonl")).get(0)).get("value_loss").isNull()).isTrue();
    }

    /**
     * --jobs 2 runs the comparison in child JVMs two at a time, each at one thread; every run is
     * deterministic at one thread, so the table's runs equal those of the same comparison in this JVM.
     */
    @Test
    void jobsInChildProcessesGiveTheRunsOfOneProcess() throws Exception {
        Path config = tinyConfig();
        List<JsonNode> results = new ArrayList<>();
        for (String jobs : List.of("1", "2")) {
            Path out = tmp.resolve("cmp" + jobs);
            assertThat(Main.run("compare", "--config", config.toString(), "--variants", "appo,grpo", "--minutes", "10", "--seeds", "2",
                    "--heldout", "3", "--threads", "1", "--jobs", jobs, "--out", out.toString())).isZero();
            JsonNode runs = Json.MAPPER.readTree(out.resolve("compare.json").toFile()).get("runs");
            for (JsonNode r : runs) ((com.fasterxml.jackson.databind.node.ObjectNode) r).remove("trainSeconds"); // wall clock
            results.add(runs);
        }
        assertThat(results.get(1)).hasSize(4).isEqualTo(results.get(0));
        assertThat(Files.readString(tmp.resolve("cmp2/jobs/run3.log"))).contains("grpo"); // the child's console
        assertThat(Files.readString(tmp.resolve("cmp2/compare.md"))).contains("| appo − grpo | 2 |");
    }

    /** A compare config over a tiny random model: 2 iterations of 4 environments per run. */
    private Path tinyConfig() throws java.io.IOException {
        Path model = TinyModels.write(tmp.resolve("model"), TinyModels.Flavour.LLAMA, 9, true);
        Path config = tmp.resolve("compare.yaml");
        Files.writeString(config, """
                model_name_or_path: %s
                profile_path: configs/arith_dual.json
                env_name: arith
                seed: 3
                n_rollout_threads: 4
                group_size: 2
                episode_length: 1
                horizon: 1
                num_env_steps: 8
                max_new_tokens: 4
                temperature: 0.8
                lr: 1.0e-2
                lora_r: 4
                gradient_cp_steps: 1
                target_kl: 10
                save_interval: 1000
                """.formatted(model));
        return config;
    }

    @Test
    void anUnknownVariantIsAUserError() {
        assertThat(Main.run("compare", "--variants", "appo,ppo", "--out", tmp.resolve("x").toString())).isEqualTo(2);
    }
}
