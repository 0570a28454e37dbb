package ai.marft.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.marft.config.TrainConfig;
import ai.marft.env.QaEnv;
import ai.marft.env.VecEnv;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.env.arith.ArithGrader;
import ai.marft.lm.LmEngine;
import ai.marft.lm.Tokenizer;
import ai.marft.mas.AgentStep;
import ai.marft.mas.Profiles;
import ai.marft.mas.Rollout;
import ai.marft.mas.RolloutBatch;
import ai.marft.mas.Team;
import ai.marft.train.EpochProblemSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * MARFT-T with the planner on models/tiny-arith-b and the critic (and solver) on models/tiny-arith,
 * whose tokenizers differ (configs/arith_hetero.json's team): the critic's features of every planner
 * token are the critic base's hidden states, from a separate plain forward over the critic-tokenized
 * text, after the critic tokens that the planner's text before that token already holds (found here by
 * comparing decoded strings); the solver reads its own ids as before; the KL-to-base penalty takes each
 * agent's own base.
 */
class TppoAcrossTokenizersTest {
    private static TrainConfig config() {
        TrainConfig c = new TrainConfig();
        c.algorithmName = "TPPO";
        c.maxNewTokens = 24;
        c.temperature = 1.0;
        c.loraR = 4;
        c.loraAlpha = 8;
        c.klCoef = 0.1;
        return c;
    }

    @Test
    void plannerTokensReadTheCriticsStateAfterTheTextTheyFollow() {
        Path a = Path.of("models/tiny-arith"), b = Path.of("models/tiny-arith-b");
        Team team = Profiles.load(Path.of("configs/arith_hetero.json"));
        assertThat(team.roles()).containsExactly("planner", "solver");
        TrainConfig cfg = config();
        try (TeamEngines engines = TeamEngines.load(List.of(b, a), a);
             Algorithm tppo = Algorithm.create(engines, team, cfg, 3, null)) {
            assertThat(engines.sharesCriticTokenizer(0)).isFalse();
            assertThat(engines.sharesCriticTokenizer(1)).isTrue();
            LmEngine critic = engines.critic();
            Tokenizer planTok = engines.agent(0).tokenizer(), criticTok = critic.tokenizer();
            VecEnv envs = QaEnv.vectorised(3, team.roles(), team.withAnswer(), new ArithGrader(),
                    new EpochProblemSource(new ArithGenerator(4).generate(6), 5), 2);
            envs.reset();
            RolloutBatch batch = Rollout.run(tppo.policy(), envs, 2, 77);
            int checked = 0, respelt = 0, h = critic.model().config().hidden();
            try (NDManager m = critic.model().manager().newSubManager()) {
                Experience x = tppo.prepare(m, batch);
                Decisions ds = x.decisions();
                long width = x.criticFeatures().getShape().get(1);
                float[] feats = x.criticFeatures().toFloatArray();
                for (int d = 0; d < ds.size(); d++) {
                    AgentStep s = ds.get(d);
                    int[] ids = s.actionTokens();
                    // fresh adapters: each agent is its own base, so its KL to base is zero (the planner's
                    // base log-probs come from tiny-arith-b, not from the critic's forward of other ids)
                    assertThat(x.klToBase()[d]).as("decision %d", d).isCloseTo(0, within(1e-4));
                    float[][] want;
                    if (ds.agentOf(d) == 1) { // the solver: its own ids, token j at the position predicting it
                        want = plainForward(critic, s.criticPromptTokens(), ids);
                        for (int j = 0; j < ids.length; j++) near(feats, d, j, width, h, want[j]);
                        continue;
                    }
                    String text = s.actionText();
                    if (!text.chars().allMatch(c -> c < 128)) continue; // the hand count below is in characters
                    assertThat(planTok.decodeAction(ids)).isEqualTo(text);
                    int[] cids = criticTok.encode(text);
                    if (!Arrays.equals(cids, ids)) respelt++;
                    String[] pieces = Arrays.stream(cids).mapToObj(c -> criticTok.decode(new int[] {c})).toArray(String[]::new);
                    assertThat(String.join("", pieces)).isEqualTo(text);
                    int[] seq = Arrays.copyOf(cids, cids.length + 1);
                    seq[cids.length] = criticTok.eosId(); // one more slot: the state after the last critic token
                    want = plainForward(critic, s.criticPromptTokens(), seq);
                    for (int j = 0; j < ids.length; j++) {
                        String before = planTok.decodeAction(Arrays.copyOf(ids, j)); // what the planner had written
                        int k = 0;
                        StringBuilder read = new StringBuilder();
                        while (k < pieces.length && before.startsWith(read + pieces[k])) read.append(pieces[k++]);
                        near(feats, d, j, width, h, want[k]);
                    }
                    checked++;
                }
            }
            assertThat(checked).as("planner decisions checked").isGreaterThanOrEqualTo(3);
            assertThat(respelt).as("planner actions the critic's tokenizer spells with other ids").isPositive();
        }
    }

    @Test
    void aPlannerSpellingItsTextByteByByteReadsWhereTheCriticsTokensEnd() {
        // the rollouts' plans split alike in both tokenizers (other ids, same pieces); a sampled spelling need not
        Path a = Path.of("models/tiny-arith"), b = Path.of("models/tiny-arith-b");
        try (TeamEngines engines = TeamEngines.load(List.of(b, a), a)) {
            LmEngine critic = engines.critic();
            Tokenizer planTok = engines.agent(0).tokenizer(), criticTok = critic.tokenizer();
            String prompt = "<|im_start|>system: plan<|im_end|>\n<|im_start|>problem: 1 + 2<|im_end|>\n<|im_start|>planner:", text = "12, so 3";
            int[] plan = new int[text.length() + 1]; // one byte token per character, then the stop token
            for (int c = 0; c < text.length(); c++) {
                int[] one = planTok.encode(text.substring(c, c + 1));
                assertThat(one).hasSize(1);
                plan[c] = one[0];
            }
            plan[text.length()] = planTok.eosId();
            int[] criticPrompt = criticTok.encodePrompt(prompt);
            AgentStep planner = new AgentStep("o", planTok.encodePrompt(prompt), plan, text, new float[plan.length], true, criticPrompt);
            int[] solve = criticTok.encode(" 3 \\boxed{3}");
            AgentStep solver = new AgentStep("o", criticPrompt, solve, " 3 \\boxed{3}", new float[solve.length], false);
            // the critic spells the text "1" | "2" | "," | " so" | " 3" (ends 1, 2, 3, 6, 8); the planner's tokens
            // start at 0, 1, ..., 7 and its stop token at 8:
            int[] cids = criticTok.encode(text);
            assertThat(Arrays.stream(cids).mapToObj(c -> criticTok.decode(new int[] {c}))).containsExactly("1", "2", ",", " so", " 3");
            int[] expected = {0, 1, 2, 3, 3, 3, 4, 4, 5};
            Decisions x = new Decisions(1, 1, 2, List.of(planner, solver));
            List<TokenAlignment.Row> rows = TokenAlignment.rows(x, engines, new boolean[] {false, true});
            assertThat(rows.get(0).positions()).containsExactly(expected);
            int width = Math.max(plan.length, solve.length), h = critic.model().config().hidden();
            try (NDManager m = critic.model().manager().newSubManager()) {
                float[] feats = BaseFeatures.alignedPositions(critic, m, rows, width, null).features().toFloatArray();
                int[] seq = Arrays.copyOf(cids, cids.length + 1);
                seq[cids.length] = criticTok.eosId();
                float[][] want = plainForward(critic, criticPrompt, seq);
                for (int j = 0; j < plan.length; j++) near(feats, 0, j, width, h, want[expected[j]]);
                want = plainForward(critic, criticPrompt, solve);
                for (int j = 0; j < solve.length; j++) near(feats, 1, j, width, h, want[j]);
                for (int j = solve.length; j < width; j++) near(feats, 1, j, width, h, new float[h]); // zeros beyond an action
            }
        }
    }

    /** The critic base's final hidden states after the prompt and each prefix of {@code action} (plain tensor forward, no adapter). */
    private static float[][] plainForward(LmEngine engine, int[] prompt, int[] action) {
        try (NDManager m = engine.model().manager().newSubManager()) {
            NDArray hs = engine.baseHidden(m, List.of(prompt), List.of(action)); // [1, len, H]
            int h = (int) hs.getShape().get(2);
            float[] f = hs.toFloatArray();
            float[][] out = new float[action.length][];
            for (int j = 0; j < action.length; j++) out[j] = Arrays.copyOfRange(f, j * h, (j + 1) * h);
            return out;
        }
    }

    private static void near(float[] feats, int d, int j, long width, int h, float[] want) {
        float[] got = Arrays.copyOfRange(feats, (int) ((d * width + j) * h), (int) ((d * width + j + 1) * h));
        for (int c = 0; c < h; c++) assertThat((double) got[c]).as("decision %d token %d unit %d", d, j, c).isCloseTo(want[c], within(1e-5));
    }
}
