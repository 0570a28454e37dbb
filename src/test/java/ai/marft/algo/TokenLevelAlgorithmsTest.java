package ai.marft.algo;

import ai.marft.config.TrainConfig;

import ai.djl.ndarray.NDManager;
import ai.marft.env.Env;
import ai.marft.env.QaEnv;
import ai.marft.env.VecEnv;
import ai.marft.lm.LmEngine;
import ai.marft.lm.TinyModels;
import ai.marft.mas.AgentStep;
import ai.marft.mas.Profile;
import ai.marft.mas.Rollout;
import ai.marft.mas.RolloutBatch;
import ai.marft.mas.Team;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static ai.marft.lm.Params.flat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** MARFT-T and GRPO learners on a tiny random model: agent-by-agent freezing, critic-free updates, group advantages, learning. */
class TokenLevelAlgorithmsTest {
    @TempDir
    Path tmp;
    LmEngine engine;
    Algorithm learner;

    @AfterEach
    void tearDown() {
        if (learner != null) learner.close();
        if (engine != null) engine.close();
    }

    private static TrainConfig config(String algorithm) {
        TrainConfig c = new TrainConfig();
        c.algorithmName = algorithm;
        c.maxNewTokens = 3;
        c.temperature = 0.7;
        c.lr = 1e-2;
        c.criticLr = 1e-3;
        c.loraR = 4;
        c.loraAlpha = 8;
        c.agentIterationInterval = 0;
        c.ppoEpoch = 2;
        c.numMiniBatch = 2;
        c.gradientCpSteps = 2;
        c.targetKl = 10.0;
        return c;
    }

    private static Team team(int agents) {
        List<Profile> ps = new ArrayList<>();
        for (int i = 0; i < agents; i++) ps.add(new Profile("agent" + i, "<|im_start|>system: go<|im_end|>\n", i == agents - 1));
        return Team.of("test", ps);
    }

    @SuppressWarnings("unchecked")
    private void setUp(int agents, TrainConfig c) {
        engine = LmEngine.load(TinyModels.write(tmp.resolve("model"), TinyModels.Flavour.QWEN2, 3, true));
        learner = Algorithm.create(engine, team(agents), c, 17, null);
    }

    private static VecEnv envs(int n, int agents) {
        List<Env> list = new ArrayList<>();
        for (int e = 0; e < n; e++) list.add(new ParityEnv(agents));
        VecEnv v = new VecEnv(list);
        v.reset();
        return v;
    }

    private UpdateStats iteration(VecEnv envs, long k, long globalStep, double[] meanReward) {
        RolloutBatch b = Rollout.run(learner.policy(), envs, 1, 1000 + k);
        double sum = 0;
        for (double[][] step : b.rewards()) for (double[] env : step) for (double r : env) sum += r;
        if (meanReward != null) meanReward[0] = sum / b.envs();
        try (NDManager m = engine.model().manager().newSubManager()) {
            return learner.update(learner.prepare(m, b), globalStep, 77 + k);
        }
    }

    /** Agent {@code frozen}'s adapter values and optimizer file bytes are unchanged by an iteration at {@code step}; the other agent's moved. */
    private void checkOnlyOneAgentLearns(String algorithm, long step, int frozen) throws Exception {
        TrainConfig c = config(algorithm);
        c.agentIterationInterval = 1;
        setUp(2, c);
        VecEnv envs = envs(4, 2);
        int moving = 1 - frozen;
        float[] still = flat(engine.adapters().get("agent" + frozen).parameters()), move = flat(engine.adapters().get("agent" + moving).parameters());
        Path before = tmp.resolve("before.safetensors"), after = tmp.resolve("after.safetensors");
        learner.parameters().agentOptimizer(frozen).save(before);
        UpdateStats s = iteration(envs, 0, step, null);
        learner.parameters().agentOptimizer(frozen).save(after);
        assertThat(s.trained(frozen)).isFalse();
        assertThat(s.trained(moving)).isTrue();
        assertThat(s.firstRatioDeviation(moving)).isLessThan(1e-4);
        assertThat(flat(engine.adapters().get("agent" + frozen).parameters())).isEqualTo(still);
        assertThat(Files.readAllBytes(after)).isEqualTo(Files.readAllBytes(before));
        assertThat(learner.parameters().agentOptimizer(frozen).stepCount(0)).isZero();
        assertThat(flat(engine.adapters().get("agent" + moving).parameters())).isNotEqualTo(move);
        assertThat(learner.parameters().agentOptimizer(moving).stepCount(0)).isEqualTo(c.ppoEpoch * c.numMiniBatch);
    }

    @Test
    void tppoAgentByAgentLeavesTheOtherAgentsAdapterAndOptimizerUntouched() throws Exception {
        checkOnlyOneAgentLearns("TPPO", 1, 0); // global step 1, interval 1, 2 agents: agent 1 learns
    }

    @Test
    void grpoAgentByAgentFollowsTheSameRuleAndNeverTouchesTheCritic() throws Exception {
        checkOnlyOneAgentLearns("GRPO", 2, 1); // global step 2: agent 0 learns
        float[] critic = flat(learner.parameters().critic().parameters());
        Path before = tmp.resolve("critic-before.safetensors"), after = tmp.resolve("critic-after.safetensors");
        learner.parameters().criticOptimizer().save(before);
        iteration(envs(4, 2), 1, 3, null);
        learner.parameters().criticOptimizer().save(after);
        assertThat(flat(learner.parameters().critic().parameters())).isEqualTo(critic);
        assertThat(Files.readAllBytes(after)).isEqualTo(Files.readAllBytes(before));
    }

    @Test
    void grpoOutcomeIsTheReturnToTheEndOfTheEpisodeWithinTheRollout() {
        // one env, two agents, three steps; the episode ends after step 1, a new one runs past the rollout
        double[][][] rewards = {{{0, 0}}, {{0, 1}}, {{0, 0.5}}};
        boolean[][] dones = {{false}, {true}, {false}};
        RolloutBatch b = batch(rewards, dones, new String[][]{{"p"}, {"p"}, {"q"}}, new int[][]{{1}, {2}, {1}}, 1);
        // hand-computed: steps 0 and 1 share the episode whose total is 1; step 2's episode has 0.5 so far
        assertThat(Grpo.outcomes(b, b.rewards())).containsExactly(1, 1, 1, 1, 0.5, 0.5);
    }

    @Test
    void grpoAdvantagesAreGroupedByProblemAgentAndTurnAndCoverEveryToken() {
        setUp(2, config("GRPO"));
        // one step, four envs: envs 0 and 1 answer "p" at turn 1, env 2 "p" at turn 2, env 3 "q"
        double[][][] rewards = {{{0, 1}, {0, 0}, {0, 1}, {0, 1}}};
        boolean[][] dones = {{true, true, true, true}};
        RolloutBatch b = batch(rewards, dones, new String[][]{{"p", "p", "p", "q"}}, new int[][]{{1, 1, 2, 1}}, 3);
        Experience x;
        try (NDManager m = engine.model().manager().newSubManager()) {
            x = learner.prepare(m, b);
        }
        // group (p, agent, turn 1) = {1, 0}: mean 0.5, sample std sqrt(0.5) -> ±0.5/0.70711 = ±0.70711; singletons -> 0
        double[] expected = {0.70711, -0.70711, 0, 0};
        for (int e = 0; e < 4; e++)
            for (int i = 0; i < 2; i++) {
                double[] a = x.advantages()[e * 2 + i];
                assertThat(a).hasSize(3);
                for (double v : a) assertThat(v).as("env %d agent %d", e, i).isCloseTo(expected[e], within(1e-5));
            }
        assertThat(x.values()).isNull();
        assertThat(x.criticFeatures()).isNull();
    }

    /** A rollout of fixed rewards: every action {@code tokens} long, with problem and turn infos. */
    private static RolloutBatch batch(double[][][] rewards, boolean[][] dones, String[][] problems, int[][] turns, int tokens) {
        int steps = rewards.length, envs = rewards[0].length, agents = rewards[0][0].length;
        AgentStep[][][] actions = new AgentStep[steps][envs][agents];
        List<List<Map<String, Object>>> infos = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            List<Map<String, Object>> row = new ArrayList<>();
            for (int e = 0; e < envs; e++) {
                for (int i = 0; i < agents; i++)
                    actions[t][e][i] = new AgentStep("o", new int[]{1, 2}, new int[tokens], "x", new float[tokens], false);
                row.add(Map.of(QaEnv.PROBLEM, problems[t][e], QaEnv.STEP, turns[t][e]));
            }
            infos.add(row);
        }
        int[][] boot = new int[envs][];
        for (int e = 0; e < envs; e++) boot[e] = new int[]{1};
        return new RolloutBatch(actions, rewards, dones, infos, List.of(), boot);
    }

    private void checkLearns(String algorithm) {
        TrainConfig c = config(algorithm);
        c.maxNewTokens = 2;
        c.temperature = 1.0;
        c.topK = 0;
        c.lr = 3e-2;
        c.ppoEpoch = 4;
        c.numMiniBatch = 1;
        c.entropyCoef = 0;
        setUp(1, c);
        VecEnv envs = envs(32, 1);
        double[] r = new double[1];
        double first = 0, last = 0;
        int iterations = 10;
        for (int k = 0; k < iterations; k++) {
            iteration(envs, k, k, r);
            if (k < 2) first += r[0] / 2;
            if (k >= iterations - 2) last += r[0] / 2;
        }
        assertThat(first).isBetween(0.2, 0.8);
        assertThat(last).as("%s: mean reward of the last two iterations (%.3f) vs the first two (%.3f)", algorithm, last, first)
                .isGreaterThan(first + 0.25);
    }

    @Test
    @Tag("slow") // ~30-70 s on the shared 2-core machine
    void tppoTeachesAOneAgentTeamToStartWithAnEvenCharacter() {
        checkLearns("TPPO");
    }

    @Test
    @Tag("slow")
    void grpoTeachesAOneAgentTeamToStartWithAnEvenCharacter() {
        checkLearns("GRPO");
    }
}
