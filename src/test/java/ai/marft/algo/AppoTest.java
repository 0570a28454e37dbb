package ai.marft.algo;

import static ai.marft.lm.Params.flat;

import ai.marft.config.TrainConfig;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.marft.env.Env;
import ai.marft.env.VecEnv;
import ai.marft.lm.LmEngine;
import ai.marft.lm.TinyModels;
import ai.marft.mas.Profile;
import ai.marft.mas.Rollout;
import ai.marft.mas.RolloutBatch;
import ai.marft.mas.Team;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** MARFT-A on a tiny random model: ratio 1 at the first epoch, agent-by-agent freezing, learning. */
class AppoTest {
    @TempDir
    Path tmp;
    LmEngine engine;
    Algorithm trainer;

    private static Team team(int agents) {
        List<Profile> ps = new ArrayList<>();
        for (int i = 0; i < agents; i++) ps.add(new Profile("agent" + i, "<|im_start|>system: go<|im_end|>\n", i == agents - 1));
        return Team.of("test", ps);
    }

    private static TrainConfig config() {
        TrainConfig c = new TrainConfig();
        c.maxNewTokens = 4;
        c.temperature = 0.7;
        c.topK = 50;
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

    private void setUp(int agents, TrainConfig c) {
        engine = LmEngine.load(TinyModels.write(tmp.resolve("model"), TinyModels.Flavour.QWEN2, 3, true));
        trainer = Algorithm.create(engine, team(agents), c, 17, null);
    }

    @AfterEach
    void tearDown() {
        if (trainer != null) trainer.close();
        if (engine != null) engine.close();
    }

    private UpdateStats iteration(VecEnv envs, long k, long globalStep, double[] meanReward) {
        RolloutBatch b = Rollout.run(trainer.policy(), envs, 1, 1000 + k);
        double sum = 0;
        for (double[][] step : b.rewards()) for (double[] env : step) for (double r : env) sum += r;
        if (meanReward != null) meanReward[0] = sum / b.envs();
        try (NDManager m = engine.model().manager().newSubManager()) {
            return trainer.update(trainer.prepare(m, b), globalStep, 77 + k);
        }
    }


    @Test
    void firstEpochRatiosAreOneForEveryAgentBeforeAndAfterTheAdaptersMoved() {
        setUp(2, config());
        VecEnv envs = new VecEnv(List.of(new ParityEnv(2), new ParityEnv(2), new ParityEnv(2)));
        envs.reset();
        float[] b0 = flat(engine.adapters().get("agent1").parameters());
        for (int k = 0; k < 3; k++) {
            UpdateStats s = iteration(envs, k, k, null);
            for (int i = 0; i < 2; i++) {
                assertThat(s.trained(i)).isTrue();
                assertThat(s.firstRatioDeviation(i)).as("iteration %d agent %d", k, i).isLessThan(1e-4);
            }
        }
        // the adapters did move, so iterations 2 and 3 scored with non-zero LoRA deltas
        assertThat(flat(engine.adapters().get("agent1").parameters())).isNotEqualTo(b0);
    }

    @Test
    void agentByAgentLeavesTheOtherAgentsAdapterAndOptimizerUntouched() throws Exception {
        TrainConfig c = config();
        c.agentIterationInterval = 1; // global step 1 trains agent 1 only
        setUp(2, c);
        VecEnv envs = new VecEnv(List.of(new ParityEnv(2), new ParityEnv(2)));
        envs.reset();
        float[] a0 = flat(engine.adapters().get("agent0").parameters()), a1 = flat(engine.adapters().get("agent1").parameters());
        Path before = tmp.resolve("opt0-before.safetensors"), after = tmp.resolve("opt0-after.safetensors");
        trainer.parameters().agentOptimizer(0).save(before);
        UpdateStats s = iteration(envs, 0, 1, null);
        trainer.parameters().agentOptimizer(0).save(after);
        assertThat(s.trained(0)).isFalse();
        assertThat(s.trained(1)).isTrue();
        assertThat(flat(engine.adapters().get("agent0").parameters())).isEqualTo(a0);
        assertThat(Files.readAllBytes(after)).isEqualTo(Files.readAllBytes(before));
        assertThat(trainer.parameters().agentOptimizer(0).stepCount(0)).isZero();
        assertThat(flat(engine.adapters().get("agent1").parameters())).isNotEqualTo(a1);
        assertThat(trainer.parameters().agentOptimizer(1).stepCount(0)).isEqualTo(c.ppoEpoch * c.numMiniBatch);
    }

    @Test
    void warmUpTrainsOnlyTheCritic() {
        TrainConfig c = config();
        c.warmupSteps = 1;
        setUp(2, c);
        VecEnv envs = new VecEnv(List.of(new ParityEnv(2), new ParityEnv(2)));
        envs.reset();
        float[] a0 = flat(engine.adapters().get("agent0").parameters());
        float[] v0 = flat(trainer.parameters().critic().parameters());
        UpdateStats s = iteration(envs, 0, 0, null);
        assertThat(s.trained(0) || s.trained(1)).isFalse();
        assertThat(flat(engine.adapters().get("agent0").parameters())).isEqualTo(a0);
        assertThat(flat(trainer.parameters().critic().parameters())).isNotEqualTo(v0);
    }

    @Test
    void aOneAgentTeamLearnsToStartWithAnEvenCharacter() {
        TrainConfig c = config();
        c.maxNewTokens = 1;
        c.temperature = 1.0;
        c.topK = 0;
        c.lr = 3e-2;
        c.ppoEpoch = 4;
        c.numMiniBatch = 1;
        c.entropyCoef = 0;
        setUp(1, c);
        List<Env> list = new ArrayList<>();
        for (int e = 0; e < 32; e++) list.add(new ParityEnv(1));
        VecEnv envs = new VecEnv(list);
        envs.reset();
        double[] r = new double[1];
        double first = 0, last = 0;
        int iterations = 10;
        for (int k = 0; k < iterations; k++) {
            iteration(envs, k, k, r);
            if (k < 2) first += r[0] / 2;
            if (k >= iterations - 2) last += r[0] / 2;
        }
        assertThat(first).isBetween(0.2, 0.8);
        assertThat(last).as("mean reward of the last two iterations vs the first two (%s)", Arrays.toString(new double[]{first, last}))
                .isGreaterThan(first + 0.25);
    }
}
