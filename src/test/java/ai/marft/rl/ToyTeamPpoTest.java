package ai.marft.rl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The pieces together on a two-agent team small enough to solve exactly: agent 0 picks one of 3
 * actions, agent 1 sees it and picks one of 3; the team is rewarded (last agent only) iff both
 * pick action 2. Tabular softmax policies, a tabular critic (V_0, V_1(a0)), action-level GAE,
 * normalised advantages, PPO losses, AdamW with clipping. Success starts at 1/9 and must exceed
 * 0.9 — with agent-by-agent training as well.
 */
class ToyTeamPpoTest {
    private static final int ENVS = 64;

    @Test
    void allAgentsTogetherLearnTheJointAction() {
        assertThat(train(new AgentSchedule(2, 0), 40)).isGreaterThan(0.9);
    }

    @Test
    void agentByAgentLearnsTheJointActionToo() {
        assertThat(train(new AgentSchedule(2, 5), 60)).isGreaterThan(0.9);
    }

    @SuppressWarnings("try")
    private static double train(AgentSchedule schedule, int iterations) {
        PpoLosses losses = new PpoLosses(0.2, 0.01, 1.0, true, 10);
        Random rng = new Random(42);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits0 = param(m, new Shape(3)), logits1 = param(m, new Shape(3, 3));
            NDArray v0 = param(m, new Shape(1)), v1 = param(m, new Shape(3));
            List<AdamW> policies = List.of(new AdamW(List.of(logits0), 0.1, 0.9, 0.999, 1e-5, 0),
                    new AdamW(List.of(logits1), 0.1, 0.9, 0.999, 1e-5, 0));
            AdamW critic = new AdamW(List.of(v0, v1), 0.1, 0.9, 0.999, 1e-5, 0);
            assertThat(success(logits0, logits1)).isCloseTo(1.0 / 9, within(1e-6));
            for (int iter = 0; iter < iterations; iter++) {
                try (NDScope scope = new NDScope(); NDManager sub = m.newSubManager()) {
                    // rollout: one step per env (horizon 1), episode always ends
                    float[] p0 = softmax(logits0.toFloatArray(), 0), table1 = logits1.toFloatArray(), values1 = v1.toFloatArray();
                    float value0 = v0.toFloatArray()[0];
                    ActionBuffer buf = new ActionBuffer(1, ENVS, 2);
                    int[] a0 = new int[ENVS], a1 = new int[ENVS];
                    for (int e = 0; e < ENVS; e++) {
                        a0[e] = sample(p0, rng);
                        float[] p1 = softmax(table1, 3 * a0[e]);
                        a1[e] = sample(p1, rng);
                        buf.record(0, e, 0, value0, Math.log(p0[a0[e]]));
                        buf.record(0, e, 1, values1[a0[e]], Math.log(p1[a1[e]]));
                        buf.setReward(0, e, 0, 0);
                        buf.setReward(0, e, 1, a0[e] == 2 && a1[e] == 2 ? 1 : 0);
                        buf.setDone(0, e, true);
                    }
                    Gae.ActionEstimates est = Gae.actionLevel(buf, 1.0, 0.95);
                    double[][][] adv = AdvantageNorm.normalize(est.advantages(), AdvantageNorm.REFERENCE_EPS);
                    float[] oldLp = new float[2 * ENVS], oldV = new float[2 * ENVS], ret = new float[2 * ENVS], a = new float[2 * ENVS], mask = new float[2 * ENVS];
                    for (int e = 0; e < ENVS; e++) {
                        for (int i = 0; i < 2; i++) {
                            oldLp[2 * e + i] = (float) buf.logProb(0, e, i);
                            oldV[2 * e + i] = (float) buf.value(0, e, i);
                            ret[2 * e + i] = (float) est.returns()[0][e][i];
                            a[2 * e + i] = (float) adv[0][e][i];
                            mask[2 * e + i] = schedule.trains(i, iter) ? 1 : 0;
                        }
                    }
                    Shape s = new Shape(ENVS, 2);
                    NDArray oh0 = oneHot(sub, a0), oh1 = oneHot(sub, a1);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logSm0 = oh0.mul(0).add(logits0).logSoftmax(1);      // [E, 3]: agent 0's logits broadcast to every row
                        NDArray logSm1 = oh0.matMul(logits1).logSoftmax(1);          // [E, 3], row a0 of agent 1
                        NDArray newLp = NDArrays.stack(new NDList(logSm0.mul(oh0).sum(new int[] {1}), logSm1.mul(oh1).sum(new int[] {1})), 1);
                        NDArray entropy = NDArrays.stack(new NDList(entropy(logSm0), entropy(logSm1)), 1);
                        NDArray newV = NDArrays.stack(new NDList(oh0.sum(new int[] {1}).mul(v0), oh0.matMul(v1)), 1);
                        PpoLosses.PolicyTerms policy = losses.policy(newLp, sub.create(oldLp, s), sub.create(a, s), entropy, sub.create(mask, s));
                        NDArray valueLoss = losses.value(newV, sub.create(oldV, s), sub.create(ret, s), sub.create(new float[2 * ENVS], s).add(1));
                        gc.backward(policy.loss().add(valueLoss));
                    }
                    critic.clipGradNorm(0.5);
                    critic.step();
                    for (int i : schedule.trainedAgents(iter)) {
                        policies.get(i).clipGradNorm(0.5);
                        policies.get(i).step();
                    }
                    critic.zeroGrad();
                    policies.forEach(AdamW::zeroGrad);
                }
            }
            double result = success(logits0, logits1);
            System.err.printf("toy team: interval %d, %d iterations -> success %.4f%n", schedule.interval(), iterations, result);
            critic.close();
            policies.forEach(AdamW::close);
            return result;
        }
    }

    /** P(a0 = 2)·P(a1 = 2 | a0 = 2) under the current policies. */
    private static double success(NDArray logits0, NDArray logits1) {
        return softmax(logits0.toFloatArray(), 0)[2] * softmax(logits1.toFloatArray(), 6)[2];
    }

    private static NDArray entropy(NDArray logSoftmax) {
        return logSoftmax.exp().mul(logSoftmax).sum(new int[] {1}).neg();
    }

    private static NDArray oneHot(NDManager m, int[] index) {
        float[] x = new float[index.length * 3];
        for (int e = 0; e < index.length; e++) x[3 * e + index[e]] = 1;
        return m.create(x, new Shape(index.length, 3));
    }

    private static NDArray param(NDManager m, Shape shape) {
        NDArray x = m.zeros(shape);
        x.setRequiresGradient(true);
        return x;
    }

    private static float[] softmax(float[] x, int from) {
        double max = Math.max(x[from], Math.max(x[from + 1], x[from + 2])), z = 0;
        float[] p = new float[3];
        for (int k = 0; k < 3; k++) z += Math.exp(x[from + k] - max);
        for (int k = 0; k < 3; k++) p[k] = (float) (Math.exp(x[from + k] - max) / z);
        return p;
    }

    private static int sample(float[] p, Random rng) {
        double u = rng.nextDouble(), c = 0;
        for (int k = 0; k < p.length; k++) if ((c += p[k]) > u) return k;
        return p.length - 1;
    }
}
