package ai.marft.eval;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.env.BoxedGrader;
import ai.marft.env.Problem;
import ai.marft.mas.FakeGenerator;
import ai.marft.mas.Profile;
import ai.marft.mas.Team;
import ai.marft.mas.TeamPolicy;
import ai.marft.lm.SamplingParams;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EvaluatorTest {
    static final SamplingParams GREEDY = new SamplingParams(32, 0, 0, 1);
    /** Problems "p0".."p9" with answers "0".."9". */
    static final List<Problem> DATA = IntStream.range(0, 10).mapToObj(i -> new Problem("p" + i, "" + i)).toList();

    static Team duo() {
        return Team.of("test", List.of(new Profile("reasoner", "", false), new Profile("actor", "", true)));
    }

    static int problemNumber(String prompt) {
        return Integer.parseInt(FakeGenerator.problemOf(prompt).substring(1));
    }

    /** Actor right on even problems; the reasoner rambles past max tokens on problems divisible by 3. */
    static final FakeGenerator.Script EVEN_RIGHT = (prompt, seed) -> {
        int p = problemNumber(prompt);
        if (FakeGenerator.roleOf(prompt).equals("reasoner")) return p % 3 == 0 ? "x".repeat(40) : "plan";
        return p % 2 == 0 ? "\\boxed{" + p + "}" : p == 1 ? "no idea" : "\\boxed{" + (p + 1) + "}";
    };

    @Test
    void accuracyIntervalWellFormednessAndRecords(@TempDir Path dir) throws IOException {
        FakeGenerator gen = new FakeGenerator(EVEN_RIGHT);
        EvalReport r = new Evaluator(new TeamPolicy(duo(), gen, List.of("reasoner", "actor"), GREEDY), new BoxedGrader())
                .run(DATA, EvaluatorOptions.of(10), null);
        assertThat(r.n()).isEqualTo(10);
        assertThat(r.correct()).isEqualTo(5);
        assertThat(r.accuracy()).isEqualTo(0.5);
        // Wilson 95% for 5/10 from the quadratic (p̂ - p)² = z² p (1 - p) / n, solved in Python
        assertThat(r.ci95()[0]).isCloseTo(0.236593090512564, within(1e-12));
        assertThat(r.ci95()[1]).isCloseTo(0.763406909487436, within(1e-12));
        // reasoner truncated on p0, p3, p6, p9: 6/10 well formed; actor states no answer only on p1: 9/10
        assertThat(r.wellFormed()).containsExactly(0.6, 0.9);
        // tokens: reasoner 4 × 32 (cut) + 6 × ("plan" + EOS); actor: "\boxed{d}" + EOS = 10 on 8 problems,
        // "\boxed{10}" + EOS = 11 on p9, "no idea" + EOS = 8 on p1
        assertThat(r.tokens()).isEqualTo(4 * 32 + 6 * 5 + 8 * 10 + 11 + 8);
        EpisodeRecord p1 = r.records().get(1), p4 = r.records().get(4);
        assertThat(p1).isEqualTo(new EpisodeRecord(1, 0, "p1", "1", null, false, 0.0, 1,
                "<|im_start|>problem: p1<|im_end|>\nreasoner: plan\nactor: no idea\njudge: The answer is incorrect.\n"));
        assertThat(p4.answer()).isEqualTo("4");
        assertThat(p4.correct()).isTrue();

        Path jsonl = dir.resolve("out/eval.jsonl");
        r.writeJsonl(jsonl);
        List<String> lines = Files.readAllLines(jsonl);
        assertThat(lines).hasSize(10);
        JsonNode line4 = Json.MAPPER.readTree(lines.get(4));
        assertThat(line4.get("problem").asText()).isEqualTo("p4");
        assertThat(line4.get("answer").asText()).isEqualTo("4");
        assertThat(line4.get("correct").asBoolean()).isTrue();
        assertThat(line4.get("transcript").asText()).endsWith("judge: The answer is correct.\n");
        assertThat(Json.MAPPER.readTree(lines.get(1)).get("answer").isNull()).isTrue();

        JsonNode json = r.toJson();
        assertThat(json.get("accuracy").asDouble()).isEqualTo(0.5);
        assertThat(json.get("n").asInt()).isEqualTo(10);
        assertThat(json.get("ci95").get(0).asDouble()).isEqualTo(r.ci95()[0]);
        assertThat(json.get("well_formed").get("actor").asDouble()).isEqualTo(0.9);
        assertThat(r.table()).contains("accuracy     0.5000  (5/10)  95% CI [0.2366, 0.7634]").contains("  reasoner  0.6000");
    }

    @Test
    void episodesAreBatchedUpToTheBatchSize() {
        FakeGenerator gen = new FakeGenerator(EVEN_RIGHT);
        new Evaluator(new TeamPolicy(duo(), gen, List.of("reasoner", "actor"), GREEDY), new BoxedGrader())
                .run(DATA, new EvaluatorOptions(10, 1, 0, 1, 4), null);
        // 10 one-step episodes, 4 in flight: rounds of 4, 4, 2; two layers (calls) per round
        assertThat(gen.calls.stream().map(c -> c.prompts().size())).containsExactly(4, 4, 4, 4, 2, 2);
        assertThat(gen.calls.get(2).prompts().stream().map(EvaluatorTest::problemNumber)).containsExactly(4, 5, 6, 7);
    }

    @Test
    void batchSizeDoesNotChangeWhatEachEpisodeSees() {
        // a script that ignores the seed, over a horizon of 3 where episodes end at different steps:
        // any batch size must give the records of running the episodes one by one
        FakeGenerator.Script slow = (prompt, seed) -> {
            int p = problemNumber(prompt), tries = prompt.split("incorrect", -1).length - 1;
            if (FakeGenerator.roleOf(prompt).equals("reasoner")) return "try " + tries;
            return tries >= p % 4 ? "\\boxed{" + p + "}" : "\\boxed{?}";
        };
        List<EpisodeRecord> oneByOne = new Evaluator(new TeamPolicy(duo(), new FakeGenerator(slow), List.of("reasoner", "actor"), GREEDY), new BoxedGrader())
                .run(DATA, new EvaluatorOptions(10, 2, 0, 3, 1), null).records();
        // problem p needs p mod 4 wrong tries first (p mod 4 = 3 never gets there within the horizon); two samples each
        assertThat(oneByOne.stream().map(EpisodeRecord::steps)).containsExactly(1, 1, 2, 2, 3, 3, 3, 3, 1, 1, 2, 2, 3, 3, 3, 3, 1, 1, 2, 2);
        assertThat(oneByOne.stream().filter(EpisodeRecord::correct).count()).isEqualTo(16); // all but p3 and p7
        for (int batch : new int[]{3, 7, 64})
            assertThat(new Evaluator(new TeamPolicy(duo(), new FakeGenerator(slow), List.of("reasoner", "actor"), GREEDY), new BoxedGrader())
                    .run(DATA, new EvaluatorOptions(10, 2, 0, 3, batch), null).records()).as("batch " + batch).isEqualTo(oneByOne);
    }

    @Test
    void wideLayersShareTheBatch() {
        // two independent solvers in one layer: 5 rows per call allow 2 episodes (4 rows) in flight
        Team pair = Team.of("test", List.of(new Profile("s1", "", true, List.of(), Map.of()), new Profile("s2", "", true, List.of(), Map.of())));
        FakeGenerator gen = new FakeGenerator((prompt, seed) -> FakeGenerator.roleOf(prompt).equals("s1") ? "\\boxed{" + problemNumber(prompt) + "}" : "?");
        EvalReport r = new Evaluator(new TeamPolicy(pair, gen, List.of("s1", "s2"), GREEDY), new BoxedGrader())
                .run(DATA, new EvaluatorOptions(5, 1, 0, 1, 5), null);
        assertThat(gen.calls.stream().map(c -> c.prompts().size())).containsExactly(4, 4, 2);
        assertThat(gen.calls.getFirst().adapters()).containsExactly("s1", "s2", "s1", "s2");
        assertThat(r.accuracy()).isEqualTo(1.0); // score 0.5 > 0 counts as correct, as the judge says
        assertThat(r.records().getFirst().score()).isEqualTo(0.5);
        assertThat(r.wellFormed()).containsExactly(1.0, 0.0);
    }

    @Test
    void horizonLetsTheTeamRetryAfterTheJudge() {
        // right only after being told it was wrong; single-agent team
        Team solo = Team.of("test", List.of(new Profile("solver", "[S]", true)));
        FakeGenerator.Script retry = (prompt, seed) -> prompt.contains("incorrect") ? "\\boxed{" + problemNumber(prompt) + "}" : "\\boxed{x}";
        EvalReport once = new Evaluator(new TeamPolicy(solo, new FakeGenerator(retry), List.of("solver"), GREEDY), new BoxedGrader())
                .run(DATA, EvaluatorOptions.of(3), null);
        EvalReport twice = new Evaluator(new TeamPolicy(solo, new FakeGenerator(retry), List.of("solver"), GREEDY), new BoxedGrader())
                .run(DATA, new EvaluatorOptions(3, 1, 0, 2, 8), null);
        assertThat(once.accuracy()).isZero();
        assertThat(once.ci95()[1]).isCloseTo(0.5614970317550454, within(1e-12)); // Wilson upper bound of 0/3
        assertThat(twice.accuracy()).isEqualTo(1.0);
        assertThat(twice.records().get(2).steps()).isEqualTo(2);
        assertThat(twice.records().get(2).transcript()).isEqualTo("<|im_start|>problem: p2<|im_end|>\nsolver: \\boxed{x}\n"
                + "judge: The answer is incorrect.\nsolver: \\boxed{2}\njudge: The answer is correct.\n");
    }

    @Test
    void samplesAreSeparateEpisodesAndTheSeedFixesThem() {
        // right when the row seed is even: a coin flip per row
        FakeGenerator.Script coin = (prompt, seed) -> FakeGenerator.roleOf(prompt).equals("reasoner") ? "r"
                : (seed & 1) == 0 ? "\\boxed{" + problemNumber(prompt) + "}" : "\\boxed{-}";
        EvaluatorOptions opts = new EvaluatorOptions(4, 3, 11, 1, 6);
        EvalReport a = new Evaluator(new TeamPolicy(duo(), new FakeGenerator(coin), List.of("reasoner", "actor"), new SamplingParams(16, 1, 0, 1)), new BoxedGrader())
                .run(DATA, opts, null);
        EvalReport b = new Evaluator(new TeamPolicy(duo(), new FakeGenerator(coin), List.of("reasoner", "actor"), new SamplingParams(16, 1, 0, 1)), new BoxedGrader())
                .run(DATA, opts, null);
        assertThat(a.n()).isEqualTo(12);
        assertThat(a.records().stream().map(e -> e.index() + ":" + e.sample()))
                .containsExactly("0:0", "0:1", "0:2", "1:0", "1:1", "1:2", "2:0", "2:1", "2:2", "3:0", "3:1", "3:2");
        assertThat(b.records()).isEqualTo(a.records());
        assertThat(a.correct()).isBetween(1, 11); // 12 coin flips: all equal would mean the rows share a seed
    }

    @Test
    void singleAgentTeamOnTheBaseModel() {
        Team solo = Team.of("test", List.of(new Profile("solver", "[S]", true)));
        FakeGenerator gen = new FakeGenerator((prompt, seed) -> "\\boxed{" + problemNumber(prompt) % 3 + "}");
        EvalReport r = new Evaluator(new TeamPolicy(solo, gen, TeamPolicy.baseModel(solo), GREEDY), new BoxedGrader())
                .run(DATA, EvaluatorOptions.of(6), null);
        assertThat(gen.calls).hasSize(1);
        assertThat(gen.calls.getFirst().adapters()).hasSize(6).containsOnlyNulls();
        assertThat(gen.calls.getFirst().prompts().getFirst()).isEqualTo("[S]<|im_start|>problem: p0<|im_end|>\n<|im_start|>solver: ");
        assertThat(r.correct()).isEqualTo(3); // p0, p1, p2 answer n mod 3 = n
        assertThat(r.wellFormed()).containsExactly(1.0);
    }

    @Test
    void progressGoesToTheGivenStream() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        new Evaluator(new TeamPolicy(duo(), new FakeGenerator(EVEN_RIGHT), List.of("reasoner", "actor"), GREEDY), new BoxedGrader())
                .run(DATA, EvaluatorOptions.of(2), new PrintStream(buf, true));
        assertThat(buf.toString()).startsWith("eval 100% [").contains("episode 2/2  accuracy so far 0.500");
    }

    @Test
    void moreProblemsThanTheDatasetHasIsAnInputError() {
        Evaluator ev = new Evaluator(new TeamPolicy(duo(), new FakeGenerator(EVEN_RIGHT), List.of("reasoner", "actor"), GREEDY), new BoxedGrader());
        assertThatThrownBy(() -> ev.run(DATA, EvaluatorOptions.of(11), null)).isInstanceOf(InputError.class)
                .hasMessage("asked for 11 problems but the dataset has 10");
        assertThatThrownBy(() -> new EvaluatorOptions(0, 1, 0, 1, 1)).isInstanceOf(InputError.class);
    }

    @Test
    void wilsonIntervalMatchesIndependentValues() {
        // roots of (1 + z²/n) p² - (2 p̂ + z²/n) p + p̂² = 0, computed in Python
        assertThat(EvalReport.wilson(17, 40, EvalReport.Z95)).containsExactly(new double[]{0.28509392559950375, 0.5780493145800892}, within(1e-12));
        assertThat(EvalReport.wilson(0, 10, EvalReport.Z95)).containsExactly(new double[]{0.0, 0.2775327998628892}, within(1e-12));
        assertThat(EvalReport.wilson(10, 10, EvalReport.Z95)).containsExactly(new double[]{0.7224672001371114, 1.0}, within(1e-12));
        assertThat(EvalReport.wilson(1, 1, EvalReport.Z95)).containsExactly(new double[]{0.20654931437723742, 1.0}, within(1e-12));
    }
}
