package ai.marft.mas;

import ai.marft.env.BoxedGrader;
import ai.marft.env.ProblemSource;
import ai.marft.env.QaEnv;
import ai.marft.env.Problem;
import ai.marft.env.VecEnv;
import ai.marft.lm.SamplingParams;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RolloutTest {
    static final SamplingParams PARAMS = new SamplingParams(64, 1.0, 0, 1.0);
    static final List<Problem> PROBLEMS = List.of(new Problem("1+1", "2"), new Problem("2+2", "4"), new Problem("3+3", "6"));

    /** a; b and c see a; d sees b and c. d is graded. */
    static Team diamond() {
        return Team.of("test", List.of(
                new Profile("a", "[A]", false, null, Map.of()),
                new Profile("b", "[B]", false, List.of("a"), Map.of()),
                new Profile("c", "[C]", false, List.of("a"), Map.of()),
                new Profile("d", "[D]", true, List.of("b", "c"), Map.of())));
    }

    static VecEnv envs(Team team, int n, int horizon) {
        VecEnv v = QaEnv.vectorised(n, team.roles(), team.withAnswer(), new BoxedGrader(), ProblemSource.sequential(PROBLEMS), horizon);
        v.reset();
        return v;
    }

    /** Replies "role(problem)#k" with k drawn from the row seed: depends on prompt and seed only. */
    static final FakeGenerator.Script ECHO = (prompt, rowSeed) ->
            FakeGenerator.roleOf(prompt) + "(" + FakeGenerator.problemOf(prompt) + ")#" + Math.floorMod(rowSeed, 1000);

    @Test
    void agentsActLayerByLayerInOneBatchedCallPerLayer() {
        Team team = diamond();
        FakeGenerator gen = new FakeGenerator(ECHO);
        RolloutBatch b = Rollout.run(new TeamPolicy(team, gen, TeamPolicy.roleAdapters(team), PARAMS), envs(team, 3, 3), 2, 99);

        assertThat(gen.calls).hasSize(2 * 3); // T steps × 3 layers
        for (int t = 0; t < 2; t++) {
            assertThat(gen.calls.get(3 * t).adapters()).containsExactly("a", "a", "a");
            assertThat(gen.calls.get(3 * t + 1).adapters()).containsExactly("b", "c", "b", "c", "b", "c");
            assertThat(gen.calls.get(3 * t + 2).adapters()).containsExactly("d", "d", "d");
            for (int l = 0; l < 3; l++) assertThat(gen.calls.get(3 * t + l).seed()).isEqualTo(Seeds.mix(Seeds.mix(99, t), l));
        }
        // env 1, step 0: c's prompt holds a's action of env 1; d's holds b's and c's of env 1, not a's
        String a1 = b.action(0, 1, 0).actionText(), b1 = b.action(0, 1, 1).actionText(), c1 = b.action(0, 1, 2).actionText();
        assertThat(a1).startsWith("a(2+2)#");
        String state = "<|im_start|>problem: 2+2<|im_end|>\n";
        assertThat(gen.calls.get(1).prompts().get(3)).isEqualTo("[C]" + state + "<|im_start|>a: " + a1 + "<|im_end|>\n<|im_start|>c: ");
        assertThat(gen.calls.get(2).prompts().get(1)).isEqualTo(
                "[D]" + state + "<|im_start|>b: " + b1 + "<|im_end|>\n<|im_start|>c: " + c1 + "<|im_end|>\n<|im_start|>d: ");
        // the recorded prompt ids are the prompt the generator saw
        assertThat(new CharTokenizer().decode(b.action(0, 1, 3).promptTokens())).isEqualTo(gen.calls.get(2).prompts().get(1));
    }

    @Test
    void recordsActionTokensWithEosTextWithoutAndTheGeneratorsLogprobs() {
        Team team = diamond();
        FakeGenerator gen = new FakeGenerator((prompt, seed) -> "ok");
        RolloutBatch b = Rollout.run(new TeamPolicy(team, gen, TeamPolicy.roleAdapters(team), PARAMS), envs(team, 2, 1), 1, 5);
        AgentStep s = b.action(0, 1, 2);
        assertThat(s.actionTokens()).containsExactly(3 + 'o', 3 + 'k', CharTokenizer.EOS);
        assertThat(s.actionText()).isEqualTo("ok");
        assertThat(s.endedWithEos()).isTrue();
        assertThat(s.observation()).isEqualTo("<|im_start|>problem: 2+2<|im_end|>\n");
        // row 3 of layer 1's call (env 1, agent c): log-probs as the generator defines them
        long rowSeed = Seeds.mix(Seeds.mix(Seeds.mix(5, 0), 1), 3);
        for (int k = 0; k < 3; k++)
            assertThat(s.logprobs()[k]).isEqualTo(-0.01f - (Seeds.mix(rowSeed, k) >>> 40) / (float) (1L << 24));
        assertThat(s.logprobSum()).isCloseTo((double) s.logprobs()[0] + s.logprobs()[1] + s.logprobs()[2], org.assertj.core.data.Offset.offset(1e-9));
        assertThat(b.tokenCount()).isEqualTo(1 * 2 * 4 * 3);
    }

    @Test
    void anyStopTokenTheEngineReportsIsLeftOutOfTheText() {
        // engines may stop on several ids (Qwen: <|im_end|> as well as <|endoftext|>); the last token goes either way
        Team team = Team.of("test", List.of(new Profile("solo", "", true)));
        CharTokenizer tok = new CharTokenizer();
        ai.marft.lm.TextGenerator imEnd = new ai.marft.lm.TextGenerator() {
            @Override
            public List<ai.marft.lm.Generation> generate(List<int[]> prompts, List<String> adapters, SamplingParams params, long seed) {
                return prompts.stream().map(p -> new ai.marft.lm.Generation(tok.encode("hi<|im_end|>"), new float[]{-1, -2, -3}, true)).toList();
            }

            @Override
            public ai.marft.lm.Tokenizer tokenizer() {
                return tok;
            }
        };
        RolloutBatch b = Rollout.run(new TeamPolicy(team, imEnd, List.of("solo"), PARAMS), envs(team, 1, 1), 1, 0);
        assertThat(b.action(0, 0, 0).actionText()).isEqualTo("hi");
        assertThat(b.action(0, 0, 0).actionTokens()).containsExactly(3 + 'h', 3 + 'i', 2);
    }

    @Test
    void truncatedActionKeepsAllItsTokens() {
        Team team = Team.of("test", List.of(new Profile("solo", "", true)));
        FakeGenerator gen = new FakeGenerator((prompt, seed) -> "a long answer");
        RolloutBatch b = Rollout.run(new TeamPolicy(team, gen, List.of("solo"), new SamplingParams(4, 0, 0, 1)), envs(team, 1, 1), 1, 0);
        assertThat(b.action(0, 0, 0).actionText()).isEqualTo("a lo");
        assertThat(b.action(0, 0, 0).endedWithEos()).isFalse();
        assertThat(b.action(0, 0, 0).actionTokens()).hasSize(4);
    }

    @Test
    void horizonAutoResetAndDoneMasks() {
        // a duo over problems 1+1, 2+2, 3+3 (2 envs, sequential source, horizon 2): the actor is right on
        // its first try for 1+1, on its second try for 2+2, never for 3+3
        Team team = Team.of("test", List.of(new Profile("reasoner", "", false), new Profile("actor", "", true)));
        FakeGenerator gen = new FakeGenerator((prompt, seed) -> {
            if (FakeGenerator.roleOf(prompt).equals("reasoner")) return "think";
            boolean retry = prompt.contains("judge: The answer is incorrect.");
            return switch (FakeGenerator.problemOf(prompt)) {
                case "1+1" -> "\\boxed{2}";
                case "2+2" -> retry ? "\\boxed{4}" : "\\boxed{5}";
                default -> "\\boxed{0}";
            };
        });
        RolloutBatch b = Rollout.run(new TeamPolicy(team, gen, TeamPolicy.roleAdapters(team), PARAMS), envs(team, 2, 2), 4, 1);
        // env 0: 1+1 (done t0), 3+3 (t1, t2: done at horizon), 2+2 (t3: wrong, not done)
        // env 1: 2+2 (t0 wrong, t1 right: done), 1+1 (t2 done), 3+3 (t3 wrong)
        assertThat(b.dones()).isDeepEqualTo(new boolean[][]{{true, false}, {false, true}, {true, true}, {false, false}});
        assertThat(b.rewards()[1]).isDeepEqualTo(new double[][]{{0, 0}, {0, 1}});
        assertThat(b.rewards()[2]).isDeepEqualTo(new double[][]{{0, 0}, {0, 1}});
        String[][] problems = new String[4][2];
        for (int t = 0; t < 4; t++) for (int e = 0; e < 2; e++) problems[t][e] = (String) b.infos().get(t).get(e).get(QaEnv.PROBLEM);
        assertThat(problems).isDeepEqualTo(new String[][]{{"1+1", "2+2"}, {"3+3", "2+2"}, {"3+3", "1+1"}, {"2+2", "3+3"}});
        assertThat(b.infos().get(2).get(0)).containsEntry(QaEnv.STEP, 2).containsEntry(QaEnv.CORRECT, false);
        // the second try at 2+2 saw the judge's verdict on the first
        assertThat(b.action(1, 1, 1).observation()).isEqualTo(
                "<|im_start|>problem: 2+2<|im_end|>\nreasoner: think\nactor: \\boxed{5}\njudge: The answer is incorrect.\n");
        // final observations: env 0 is mid-episode on 2+2, env 1 on 3+3
        assertThat(b.finalObservations().get(0).getFirst()).isEqualTo(
                "<|im_start|>problem: 2+2<|im_end|>\nreasoner: think\nactor: \\boxed{5}\njudge: The answer is incorrect.\n");
        assertThat(new CharTokenizer().decode(b.bootstrapPrompts()[1]))
                .isEqualTo("<|im_start|>problem: 3+3<|im_end|>\nreasoner: think\nactor: \\boxed{0}\njudge: The answer is incorrect.\n<|im_start|>reasoner: ");
    }

    @Test
    void sameSeedSameRolloutOtherSeedOtherRollout() {
        Team team = diamond();
        RolloutBatch first = Rollout.run(new TeamPolicy(team, new FakeGenerator(ECHO), TeamPolicy.roleAdapters(team), PARAMS), envs(team, 2, 3), 3, 7);
        RolloutBatch again = Rollout.run(new TeamPolicy(team, new FakeGenerator(ECHO), TeamPolicy.roleAdapters(team), PARAMS), envs(team, 2, 3), 3, 7);
        RolloutBatch other = Rollout.run(new TeamPolicy(team, new FakeGenerator(ECHO), TeamPolicy.roleAdapters(team), PARAMS), envs(team, 2, 3), 3, 8);
        for (int t = 0; t < 3; t++)
            for (int e = 0; e < 2; e++)
                for (int i = 0; i < 4; i++) {
                    AgentStep x = first.action(t, e, i), y = again.action(t, e, i);
                    assertThat(y.promptTokens()).isEqualTo(x.promptTokens());
                    assertThat(y.actionTokens()).isEqualTo(x.actionTokens());
                    assertThat(y.logprobs()).isEqualTo(x.logprobs());
                    assertThat(y.actionText()).isEqualTo(x.actionText());
                }
        assertThat(first.rewards()).isDeepEqualTo(again.rewards());
        assertThat(first.action(2, 1, 3).actionText()).isNotEqualTo(other.action(2, 1, 3).actionText());
    }
}
