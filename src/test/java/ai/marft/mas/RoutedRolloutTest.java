package ai.marft.mas;

import ai.marft.env.BoxedGrader;
import ai.marft.env.ProblemSource;
import ai.marft.env.QaEnv;
import ai.marft.env.VecEnv;
import ai.marft.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A router's action decides per environment who acts next; absent agents are null, batched calls shrink, malformed routing falls back. */
class RoutedRolloutTest {
    private static Team routed() throws Exception {
        return Profiles.parse("test", Json.MAPPER.readTree("""
                [{"role": "router", "prompt": "[R]", "with_answer": false, "router": true, "default_route": ["planner", "solver"]},
                 {"role": "planner", "prompt": "[P]", "with_answer": false, "depends_on": ["router"]},
                 {"role": "solver", "prompt": "[S]", "with_answer": true, "depends_on": ["router", "planner"]}]"""));
    }

    /** Problem 1+1: the router calls the solver alone; 2+2: planner then solver; 3+3: something malformed. The solver is right. */
    private static final FakeGenerator.Script SCRIPT = (prompt, seed) -> switch (FakeGenerator.roleOf(prompt)) {
        case "router" -> switch (FakeGenerator.problemOf(prompt)) {
            case "1+1" -> "call: solver";
            case "2+2" -> " call: planner, solver";
            default -> "let the solver do it";
        };
        case "planner" -> "plan";
        default -> "\\boxed{" + (char) ('0' + 2 * (FakeGenerator.problemOf(prompt).charAt(0) - '0')) + "}";
    };

    @Test
    void eachEnvironmentTakesItsOwnRoute() throws Exception {
        Team team = routed();
        FakeGenerator gen = new FakeGenerator(SCRIPT);
        VecEnv envs = QaEnv.vectorised(3, team.roles(), team.withAnswer(), new BoxedGrader(), ProblemSource.sequential(RolloutTest.PROBLEMS), 3);
        envs.reset();
        RolloutBatch b = Rollout.run(new TeamPolicy(team, gen, TeamPolicy.roleAdapters(team), RolloutTest.PARAMS), envs, 1, 7, -0.1);

        // layers router | planner | solver: the planner's call holds only the environments that routed to it
        assertThat(gen.calls).hasSize(3);
        assertThat(gen.calls.get(1).prompts()).hasSize(2).allSatisfy(p -> assertThat(FakeGenerator.problemOf(p)).isIn("2+2", "3+3"));
        assertThat(gen.calls.get(2).prompts()).hasSize(3);
        assertThat(b.acted(0, 0, 1)).isFalse();
        assertThat(b.acted(0, 1, 1)).isTrue();
        assertThat(b.acted(0, 2, 1)).as("the default route calls the planner").isTrue();
        assertThat(b.routes()[0]).containsExactly("solver", "planner, solver", "planner, solver");
        assertThat(b.fallbacks()[0]).containsExactly(false, false, true);
        // the solver alone saw no planner turn; after a route through the planner it saw the plan
        String soloPrompt = gen.calls.get(2).prompts().get(0);
        assertThat(soloPrompt).doesNotContain("<|im_start|>planner:").doesNotContain("<|im_start|>router:"); // the routing line is not shown
        assertThat(gen.calls.get(2).prompts().get(1)).contains("<|im_start|>planner: plan<|im_end|>");
        // rewards: the solver was right everywhere (1); the malformed router loses the penalty
        assertThat(b.rewards()[0][0]).containsExactly(0, 0, 1);
        assertThat(b.rewards()[0][2]).containsExactly(-0.1, 0, 1);
        assertThat(b.tokenCount()).isEqualTo(b.action(0, 0, 0).actionTokens().length + b.action(0, 0, 2).actionTokens().length
                + b.action(0, 1, 0).actionTokens().length + b.action(0, 1, 1).actionTokens().length + b.action(0, 1, 2).actionTokens().length
                + b.action(0, 2, 0).actionTokens().length + b.action(0, 2, 1).actionTokens().length + b.action(0, 2, 2).actionTokens().length);
    }

    @Test
    void evaluationCountsEachRouteItsAccuracyAndTheFallbacks() throws Exception {
        // routes as SCRIPT; the solver is right only after the planner's turn. Horizon 2, 3 problems x 2 samples:
        // 1+1 -> solver alone, wrong, so a second step, solver alone again, wrong: 2 samples x 2 steps = 4 steps, 0 right;
        // 2+2 -> planner, solver: right at step 1 (2 steps); 3+3 malformed -> default planner, solver: right (2 steps, 2 fallbacks)
        Team team = routed();
        FakeGenerator.Script script = (prompt, seed) -> FakeGenerator.roleOf(prompt).equals("solver") && !prompt.contains("<|im_start|>planner: plan")
                ? "\\boxed{0}" : SCRIPT.reply(prompt, seed);
        TeamPolicy policy = new TeamPolicy(team, new FakeGenerator(script), TeamPolicy.roleAdapters(team), RolloutTest.PARAMS);
        var report = new ai.marft.eval.Evaluator(policy, new BoxedGrader()).run(RolloutTest.PROBLEMS, new ai.marft.eval.EvaluatorOptions(3, 2, 0, 2, 8), null);
        assertThat(report.routing().steps()).isEqualTo(8);
        assertThat(report.routing().taken()).containsExactly(java.util.Map.entry("planner+solver", 4L), java.util.Map.entry("solver", 4L));
        assertThat(report.routing().correct()).containsExactly(java.util.Map.entry("planner+solver", 4L));
        assertThat(report.routing().fallbacks()).isEqualTo(2);
        assertThat(report.routing().share("solver")).isEqualTo(0.5);
        assertThat(report.routing().accuracy("solver")).isEqualTo(0.0);
        assertThat(report.routing().accuracy("planner+solver")).isEqualTo(1.0);
        assertThat(report.accuracy()).isEqualTo(4 / 6.0);
        var json = report.toJson().get("routing");
        assertThat(json.get("routes").get("planner+solver").asDouble()).isEqualTo(0.5);
        assertThat(json.get("accuracy").get("solver").asDouble()).isEqualTo(0.0);
        assertThat(json.get("fallbacks").asLong()).isEqualTo(2);
        assertThat(report.table()).contains("  solver          0.5000  accuracy 0.0000 (0/4)").contains("router fell back to its default route  2 (0.2500)");
    }

    @Test
    void aRewardOfAnAbsentAgentGoesToTheRouter() throws Exception {
        // the planner is graded here and left out by the route of 1+1: its (zero) reward and the solver's stay put,
        // but an environment rewarding the last agent when it is absent credits the router
        Team team = Profiles.parse("test", Json.MAPPER.readTree("""
                [{"role": "router", "prompt": "[R]", "with_answer": false, "router": true, "default_route": ["solver", "planner"]},
                 {"role": "solver", "prompt": "[S]", "with_answer": true, "depends_on": ["router"]},
                 {"role": "planner", "prompt": "[P]", "with_answer": false, "depends_on": ["router"]}]"""));
        FakeGenerator gen = new FakeGenerator((prompt, seed) -> FakeGenerator.roleOf(prompt).equals("router") ? "call: solver" : "\\boxed{2}");
        VecEnv envs = QaEnv.vectorised(1, team.roles(), team.withAnswer(), new BoxedGrader(), ProblemSource.sequential(RolloutTest.PROBLEMS), 3);
        envs.reset();
        RolloutBatch b = Rollout.run(new TeamPolicy(team, gen, TeamPolicy.roleAdapters(team), RolloutTest.PARAMS), envs, 1, 7, -0.1);
        assertThat(team.roles()).containsExactly("router", "solver", "planner");
        assertThat(b.acted(0, 0, 2)).isFalse();
        // QaEnv rewards the last agent in acting order (the absent planner) with the score 1: it goes to the router
        assertThat(b.rewards()[0][0]).containsExactly(1, 0, 0);
        assertThat(List.of(b.infos().get(0).get(0).get(QaEnv.CORRECT))).containsExactly(true);
    }
}
