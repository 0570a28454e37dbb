package ai.marft.algo;

import static ai.marft.lm.Params.flat;

import ai.marft.config.TrainConfig;
import ai.marft.train.EpochProblemSource;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.marft.env.QaEnv;
import ai.marft.env.VecEnv;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.env.arith.ArithGrader;
import ai.marft.lm.Generation;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.lm.TextGenerator;
import ai.marft.lm.TinyModels;
import ai.marft.lm.Tokenizer;
import ai.marft.lm.ValueHead;
import ai.marft.mas.Profiles;
import ai.marft.mas.Rollout;
import ai.marft.mas.RolloutBatch;
import ai.marft.mas.Team;
import ai.marft.mas.TeamPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Flex-MG beyond the chain: the DAG team of configs/arith_dag.json (planner → solver_a, solver_b →
 * aggregator) trains with MARFT-A and MARFT-T on a tiny random model. Checks that each layer is one
 * generate call (both solvers together) and that GAE runs over the acting order: every advantage
 * satisfies A_j = r_j + γ·c_j·V_{j+1} − V_j + γλ·c_j·A_{j+1} with j+1 the next agent (next token) in
 * acting order, and the last one bootstraps from the critic at the first agent's next prompt.
 */
class FlexMgTrainingTest {
    static final double GAMMA = 0.9, LAMBDA = 0.8;
    static final int ENVS = 2, STEPS = 2;

    @TempDir
    Path tmp;
    LmEngine engine;
    Algorithm learner;

    /** Passes generate calls to the engine and remembers each call's adapters. */
    static final class RecordingGenerator implements TextGenerator {
        final LmEngine engine;
        final List<List<String>> calls = new ArrayList<>();

        RecordingGenerator(LmEngine engine) {
            this.engine = engine;
        }

        @Override
        public List<Generation> generate(List<int[]> prompts, List<String> adapters, SamplingParams params, long seed) {
            calls.add(List.copyOf(adapters));
            return engine.generate(prompts, adapters, params, seed);
        }

        @Override
        public Tokenizer tokenizer() {
            return engine.tokenizer();
        }
    }

    @AfterEach
    void tearDown() {
        if (learner != null) learner.close();
        if (engine != null) engine.close();
    }

    private static TrainConfig config(String algorithm) {
        TrainConfig c = new TrainConfig();
        c.algorithmName = algorithm;
        c.maxNewTokens = 3;
        c.temperature = 0.8;
        c.lr = 1e-2;
        c.criticLr = 1e-3;
        c.loraR = 4;
        c.loraAlpha = 8;
        c.agentIterationInterval = 0;
        c.ppoEpoch = 1;
        c.numMiniBatch = 2;
        c.gradientCpSteps = 2;
        c.targetKl = 10.0;
        c.gamma = GAMMA;
        c.gaeLambda = LAMBDA;
        return c;
    }

    @ParameterizedTest
    @ValueSource(strings = {"APPO", "TPPO"})
    void aDagTeamActsLayerByLayerAndItsGaeFollowsTheActingOrder(String algorithm) throws Exception {
        Team team = Profiles.load(Path.of("configs/arith_dag.json"));
        assertThat(team.roles()).containsExactly("planner", "solver_a", "solver_b", "aggregator");
        assertThat(team.graph().layers()).containsExactly(new int[]{0}, new int[]{1, 2}, new int[]{3});
        engine = LmEngine.load(TinyModels.write(tmp.resolve("model"), TinyModels.Flavour.QWEN2, 3, true));
        TrainConfig cfg = config(algorithm);
        learner = Algorithm.create(engine, team, cfg, 17, null);
        RecordingGenerator gen = new RecordingGenerator(engine);
        TeamPolicy policy = new TeamPolicy(team, gen, TeamPolicy.roleAdapters(team), Algorithm.samplingParams(cfg));
        // horizon 3 over rollouts of 2 steps: episodes both end inside a rollout and run past its end
        EpochProblemSource problems = new EpochProblemSource(new ArithGenerator(1).generate(10), 3);
        VecEnv envs = QaEnv.vectorised(ENVS, team.roles(), team.withAnswer(), new ArithGrader(), problems, 3);
        envs.reset();
        List<float[]> before = new ArrayList<>();
        for (String role : team.roles()) before.add(flat(engine.adapters().get(role).parameters()));
        boolean sawEpisodeEnd = false, sawBootstrap = false;
        for (int k = 0; k < 2; k++) {
            gen.calls.clear();
            RolloutBatch b = Rollout.run(policy, envs, STEPS, 500 + k);
            List<String> pl = List.of("planner", "planner"), ag = List.of("aggregator", "aggregator"),
                    solvers = List.of("solver_a", "solver_b", "solver_a", "solver_b");
            assertThat(gen.calls).containsExactly(pl, solvers, ag, pl, solvers, ag);
            for (int e = 0; e < ENVS; e++) {
                sawEpisodeEnd |= b.dones()[0][e];
                sawBootstrap |= !b.dones()[STEPS - 1][e];
            }
            UpdateStats s;
            try (NDManager m = engine.model().manager().newSubManager()) {
                Experience x = learner.prepare(m, b);
                if (x.actionLevel()) checkActionGae(x, b);
                else checkTokenGae(x, b);
                s = learner.update(x, k, 9 + k);
            }
            for (int i = 0; i < team.size(); i++) {
                assertThat(s.trained(i)).isTrue();
                assertThat(s.firstRatioDeviation(i)).as("iteration %d agent %d", k, i).isLessThan(1e-4);
            }
        }
        assertThat(sawEpisodeEnd).as("an episode ended after the first step of a rollout").isTrue();
        assertThat(sawBootstrap).as("an episode ran past a rollout").isTrue();
        for (int i = 0; i < team.size(); i++)
            assertThat(flat(engine.adapters().get(team.roles().get(i)).parameters())).isNotEqualTo(before.get(i));
    }


    /** One decision (or token) of an environment's acting-order sequence. */
    private record Entry(double value, double reward, double maskAfter, double advantage) {}

    private void checkActionGae(Experience x, RolloutBatch b) {
        for (int e = 0; e < ENVS; e++) {
            List<Entry> seq = new ArrayList<>();
            for (int t = 0; t < STEPS; t++)
                for (int i = 0; i < b.agents(); i++) {
                    int d = x.decisions().index(t, e, i);
                    double mask = i == b.agents() - 1 && b.dones()[t][e] ? 0 : 1;
                    seq.add(new Entry(x.values()[d][0], b.rewards()[t][e][i], mask, x.returns()[d][0] - x.values()[d][0]));
                }
            checkRecursion(seq, bootstrapValue(learner.parameters().critic(), b.bootstrapPrompts()[e]));
        }
    }

    private void checkTokenGae(Experience x, RolloutBatch b) {
        for (int e = 0; e < ENVS; e++) {
            List<Entry> seq = new ArrayList<>();
            for (int t = 0; t < STEPS; t++)
                for (int i = 0; i < b.agents(); i++) {
                    int d = x.decisions().index(t, e, i), len = x.decisions().get(d).actionTokens().length;
                    assertThat(x.values()[d]).hasSize(len);
                    for (int k = 0; k < len; k++) {
                        boolean last = k == len - 1;
                        double mask = last && i == b.agents() - 1 && b.dones()[t][e] ? 0 : 1;
                        seq.add(new Entry(x.values()[d][k], last ? b.rewards()[t][e][i] : 0, mask, x.returns()[d][k] - x.values()[d][k]));
                    }
                }
            checkRecursion(seq, bootstrapValue(learner.parameters().critic(), b.bootstrapPrompts()[e]));
        }
    }

    private static void checkRecursion(List<Entry> seq, double bootstrap) {
        for (int j = 0; j < seq.size(); j++) {
            Entry now = seq.get(j);
            boolean last = j == seq.size() - 1;
            double nextValue = last ? bootstrap : seq.get(j + 1).value(), nextAdv = last ? 0 : seq.get(j + 1).advantage();
            double expected = now.reward() + GAMMA * now.maskAfter() * nextValue - now.value() + GAMMA * LAMBDA * now.maskAfter() * nextAdv;
            assertThat(now.advantage()).as("entry %d of %d", j, seq.size()).isCloseTo(expected, within(1e-5));
        }
    }

    /** The critic's value of a prompt, read directly: ValueHead over the frozen base's hidden state at its last token. */
    private double bootstrapValue(ValueHead critic, int[] prompt) {
        try (NDManager m = engine.model().manager().newSubManager()) {
            NDArray h = engine.baseHidden(m, List.of(prompt), List.of(new int[0]));
            NDArray v = critic.forward(h.get(":, 0, :"));
            v.attach(m);
            return v.toFloatArray()[0];
        }
    }
}
