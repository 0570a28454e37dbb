package ai.marft.pretrain;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.mas.Profiles;
import ai.marft.mas.Team;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The router model's teacher: its calls, one turn per step in the rollout's prompt, each call equally often. */
class RouterTeacherTest {
    static final Path ROUTER = Path.of("configs/arith_router.json");

    @Test
    void theArithRoutersCallsAreTheTwoRoutesThatReachTheSolver() {
        RouterTeacher t = new RouterTeacher(Profiles.loadWithoutModels(ROUTER), ROUTER.toString());
        assertThat(t.role()).isEqualTo("router");
        assertThat(t.calls()).containsExactly("call: planner, solver", "call: solver"); // never the planner alone: no answer
    }

    @Test
    void routesLeaveOutNoGradedAgentAndKeepTheActingOrder() throws Exception {
        Team team = Profiles.parse("test", Json.MAPPER.readTree("""
                [{"role": "r", "prompt": "[R]", "with_answer": false, "router": true, "default_route": ["a", "b", "c"]},
                 {"role": "a", "prompt": "[A]", "with_answer": false, "depends_on": ["r"]},
                 {"role": "b", "prompt": "[B]", "with_answer": true, "depends_on": ["r"]},
                 {"role": "c", "prompt": "[C]", "with_answer": false, "depends_on": ["r", "a"]}]"""));
        // graded b in every call; a and c each in or out, in acting order a, b, c (c after a: it depends on a)
        assertThat(new RouterTeacher(team, "test").calls())
                .containsExactlyInAnyOrder("call: a, b, c", "call: a, b", "call: b, c", "call: b");
    }

    @Test
    void oneTurnPerStepInTheRolloutsPromptWithEachCallHalfTheTime() {
        Team team = Profiles.loadWithoutModels(ROUTER);
        RouterTeacher t = new RouterTeacher(team, ROUTER.toString());
        ArithTeacher dual = new ArithTeacher(ArithTeacherTest.DUAL, Map.of("planner", 0.0, "solver", 0.0), 0, 3, false);
        Random rng = new Random(5);
        Map<String, Integer> counts = new HashMap<>();
        int turns = 0;
        for (var p : new ArithGenerator(9).generate(700)) {
            Episode e = dual.episode(p, rng); // mostly wrong: up to three steps
            List<Transcript> ts = t.turns(e, rng);
            assertThat(ts).hasSize(e.steps());
            assertThat(e.states()).hasSize(e.steps());
            for (int s = 0; s < e.steps(); s++) {
                Transcript x = ts.get(s);
                assertThat(x.step()).isEqualTo(s + 1);
                // the profile's prompt, the state, the router's opener (PromptFormat, MARFT.md §3): what a rollout asks the router
                assertThat(x.prompt()).isEqualTo(team.agent(0).prompt() + e.states().get(s) + "<|im_start|>router: ");
                counts.merge(x.action(), 1, Integer::sum);
                turns++;
            }
            assertThat(e.states().getFirst()).isEqualTo("<|im_start|>problem: " + p.problem() + "<|im_end|>\n");
            if (e.steps() > 1) assertThat(e.states().get(1)).contains("judge: The answer is incorrect.");
        }
        assertThat(counts.keySet()).isEqualTo(Set.of("call: planner, solver", "call: solver"));
        // n fair draws: n/2 +- 4.5 standard deviations (sqrt(n)/2)
        assertThat(turns).isGreaterThan(1400);
        assertThat((double) counts.get("call: solver")).isBetween(turns / 2.0 - 4.5 * Math.sqrt(turns) / 2, turns / 2.0 + 4.5 * Math.sqrt(turns) / 2);
    }

    @Test
    void aStreamWithARouterIsTheRoutersTurnsAlone() {
        RouterTeacher t = new RouterTeacher(Profiles.loadWithoutModels(ROUTER), ROUTER.toString());
        TranscriptSource source = new TranscriptSource(TranscriptSourceTest.DUAL, TranscriptSourceTest.SOLO, t, PretrainerTest.tiny(1, 1), Set.of(), 3);
        assertThat(source.next(50)).isNotEmpty().allSatisfy(x -> {
            assertThat(x.role()).isEqualTo("router");
            assertThat(t.calls()).contains(x.action());
        });
    }

    @Test
    void aTeamWithoutARouterIsOneLine() {
        assertThatThrownBy(() -> new RouterTeacher(Profiles.load(PretrainerTest.DUAL), "configs/arith_dual.json"))
                .isInstanceOf(InputError.class).hasMessage("profiles configs/arith_dual.json: no agent has \"router\": true (a router model imitates the router's turns)");
    }

    @Test
    void aRouterModelSharesTheTokenizerItWasGiven(@TempDir Path out) throws Exception {
        RouterTeacher t = new RouterTeacher(Profiles.loadWithoutModels(ROUTER), ROUTER.toString());
        try (Pretrainer p = new Pretrainer(PretrainerTest.tiny(2, 2), out, PretrainerTest.DUAL, PretrainerTest.SOLO, t, Path.of("models/tiny-arith"))) {
            for (String f : List.of("tokenizer.json", "tokenizer_config.json"))
                assertThat(Files.readAllBytes(out.resolve(f))).isEqualTo(Files.readAllBytes(Path.of("models/tiny-arith", f)));
            assertThat(p.tokenizer().vocabSize()).isEqualTo(384);
            assertThat(p.nextBatch()).isNotNull();
        }
    }
}
