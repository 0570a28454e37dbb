package ai.marft.algo;

import ai.djl.ndarray.NDArray;
import ai.marft.lm.LmEngine;
import ai.marft.lm.LoraConfig;
import ai.marft.lm.LoraTarget;
import ai.marft.lm.SamplingParams;
import ai.marft.lm.Scalars;
import ai.marft.lm.TinyModels;
import ai.marft.mas.AgentStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The KL-to-base estimate has no cliff: an action token outside the base's top-k (log-prob −1e9 under the
 * filtered sampling distribution) still gets a finite estimate, the difference of the two unfiltered
 * log-probs, checked against the engine's independent temperature-1 scorer ({@link LmEngine#logprobs}).
 */
class BaseKlTest {
    @TempDir
    Path tmp;

    @Test
    void aTokenOutsideTheBasesTopKGivesTheUnfilteredLogRatio() {
        try (LmEngine engine = LmEngine.load(TinyModels.write(tmp.resolve("m"), TinyModels.Flavour.LLAMA, 4))) {
            int[] prompt = {3, 9, 14, 5};
            // the action: the token the base finds least likely after the prompt (far outside its top-1)
            int worst = leastLikelyNext(engine, prompt);
            int[] action = {worst};
            AgentStep step = new AgentStep("o", prompt, action, "", new float[] {0f}, false);
            var lora = new LoraConfig(4, 8, List.of(LoraTarget.of("q_proj"), LoraTarget.of("v_proj")));
            engine.adapters().create("agent", lora, 1);
            SamplingParams topOne = new SamplingParams(4, 1.0, 1, 1.0);

            // fresh adapter (B = 0): the agent is the base, so the estimate is 0, not 1e9
            double fresh = sum(BaseKl.agentTokens(engine, "agent", List.of(step), topOne, null)[0]);
            assertThat(fresh).isCloseTo(0, within(1e-5));

            // moved adapter: log pi_agent(a|o) - log pi_base(a|o) at temperature 1, unfiltered
            for (NDArray p : engine.adapters().get("agent").parameters()) p.addi(Scalars.mul(p.onesLike(), 0.05));
            int[] seq = {3, 9, 14, 5, worst};
            double want = engine.logprobs(List.of(seq), "agent")[0][3] - engine.logprobs(List.of(seq), null)[0][3];
            double got = sum(BaseKl.agentTokens(engine, "agent", List.of(step), topOne, null)[0]);
            assertThat(Math.abs(want)).as("the adapter moved the log-prob").isGreaterThan(1e-3);
            assertThat(got).isCloseTo(want, within(1e-4));
        }
    }

    /**
     * The rollout's own unfiltered log-probs (recorded while sampling under top-k) stand in for scoring the
     * actions again with the adapter: the estimate is the same within 1e-4 either way; and a base side
     * already known (the critic's pass) is used as given.
     */
    @Test
    void theRolloutsUnfilteredLogprobsGiveTheScoredEstimate() {
        try (LmEngine engine = LmEngine.load(TinyModels.write(tmp.resolve("m"), TinyModels.Flavour.QWEN2, 4))) {
            var lora = new LoraConfig(4, 8, List.of(LoraTarget.of("q_proj"), LoraTarget.of("v_proj")));
            engine.adapters().create("agent", lora, 1);
            for (NDArray p : engine.adapters().get("agent").parameters()) p.addi(Scalars.mul(p.onesLike(), 0.05));
            SamplingParams sampling = new SamplingParams(8, 0.7, 5, 1.0);
            List<int[]> prompts = List.of(new int[] {3, 9, 14, 5}, new int[] {7, 2});
            var gens = engine.generate(prompts, java.util.Collections.nCopies(2, "agent"), sampling, 3);
            List<AgentStep> recorded = new java.util.ArrayList<>(), bare = new java.util.ArrayList<>();
            for (int b = 0; b < 2; b++) {
                var g = gens.get(b);
                assertThat(g.unfilteredLogprobs()).as("the fused path records them").isNotNull();
                recorded.add(new AgentStep("o", prompts.get(b), g.tokens(), "", g.logprobs(), g.endedWithEos(), prompts.get(b), g.unfilteredLogprobs()));
                bare.add(new AgentStep("o", prompts.get(b), g.tokens(), "", g.logprobs(), g.endedWithEos()));
            }
            double[][] fromRollout = BaseKl.agentTokens(engine, "agent", recorded, sampling, null);
            double[][] scored = BaseKl.agentTokens(engine, "agent", bare, sampling, null);
            boolean moved = false;
            for (int b = 0; b < 2; b++)
                for (int j = 0; j < scored[b].length; j++) {
                    assertThat(fromRollout[b][j]).as("row %d token %d", b, j).isCloseTo(scored[b][j], within(1e-4));
                    moved |= Math.abs(scored[b][j]) > 1e-3;
                }
            assertThat(moved).as("the adapter moved some log-prob").isTrue();

            AgentStep one = new AgentStep("o", new int[] {1, 2}, new int[] {4, 5}, "", new float[] {-9f, -9f}, false, new int[] {1, 2},
                    new float[] {-1.5f, -0.25f});
            double[][] given = BaseKl.agentTokens(engine, "agent", List.of(one), sampling, new float[][] {{-2.0f, -0.75f}});
            assertThat(given[0]).containsExactly(0.5, 0.5);
        }
    }

    private static double sum(double[] x) {
        return java.util.Arrays.stream(x).sum();
    }

    private static int leastLikelyNext(LmEngine engine, int[] prompt) {
        int vocab = engine.model().config().vocabSize(), worst = 0;
        double low = Double.POSITIVE_INFINITY;
        for (int t = 0; t < vocab; t++) {
            int[] seq = {prompt[0], prompt[1], prompt[2], prompt[3], t};
            double lp = engine.logprobs(List.of(seq), null)[0][3];
            if (lp < low) {
                low = lp;
                worst = t;
            }
        }
        return worst;
    }
}
