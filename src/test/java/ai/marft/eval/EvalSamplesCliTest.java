package ai.marft.eval;

import ai.marft.Json;
import ai.marft.cli.Main;
import ai.marft.env.arith.ArithGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code marft eval --samples 3 --json} on the embedded model: the summary's clustered interval and
 * pass@k are those of the per-problem counts read back from the records file it wrote.
 */
class EvalSamplesCliTest {
    @Test
    void jsonCarriesTheClusteredIntervalAndPassAtK(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data.json"), records = tmp.resolve("records.jsonl");
        Json.MAPPER.writeValue(data.toFile(), new ArithGenerator(1000).generate(6).stream()
                .map(p -> Json.MAPPER.createObjectNode().put("problem", p.problem()).put("final_answer", p.finalAnswer())).toList());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("eval", "--model", "models/tiny-arith", "--profiles", "configs/arith_dual.json", "--dataset", data.toString(),
                    "--samples", "3", "--temperature", "1.0", "--max-new-tokens", "40", "--threads", "1", "--records", records.toString(), "--json");
        } finally {
            System.setOut(old);
        }
        assertThat(code).isZero();
        JsonNode j = Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));

        List<JsonNode> lines = Files.readAllLines(records).stream().map(l -> {
            try {
                return Json.MAPPER.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(lines).hasSize(18);
        int[] correct = new int[6];
        for (JsonNode l : lines) if (l.get("correct").asBoolean()) correct[l.get("index").asInt()]++;
        ProblemClusters.Estimate acc = ProblemClusters.estimate(correct, 3, 1), all = ProblemClusters.estimate(correct, 3, 3);
        assertThat(j.get("ci95").get(0).asDouble()).isCloseTo(acc.ci95()[0], within(1e-12));
        assertThat(j.get("ci95").get(1).asDouble()).isCloseTo(acc.ci95()[1], within(1e-12));
        assertThat(j.get("ci95_effective_n").asDouble()).isBetween(6.0, 18.0);
        assertThat(j.get("pass_at_k").properties()).extracting(e -> e.getKey()).containsExactly("1", "2", "3");
        assertThat(j.get("pass_at_k").get("3").get("estimate").asDouble()).isCloseTo(all.value(), within(1e-12));
        // pass@3 from 3 samples is the fraction of problems with at least one right sample
        long solved = java.util.Arrays.stream(correct).filter(c -> c > 0).count();
        assertThat(all.value()).isCloseTo(solved / 6.0, within(1e-12));
    }
}
