package ai.marft.algo;

import ai.marft.config.TrainConfig;

import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.lm.ValueHead;
import ai.marft.mas.AgentStep;
import ai.marft.mas.RolloutBatch;
import ai.marft.mas.Team;
import ai.marft.mas.TeamPolicy;
import ai.marft.rl.AdamW;
import ai.marft.rl.AgentSchedule;
import ai.marft.rl.PpoLosses;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * What the token-level learners ({@link TppoTrainer}, {@link GrpoTrainer}) share: adapters, critic,
 * optimizers and checkpoint layout are MARFT-A's ({@link AppoTrainer} holds them; only the update
 * differs, so a checkpoint of any algorithm loads into the others), the sampling parameters and the
 * agent schedule.
 */
abstract class TokenLevelLearner implements Learner<TokenExperience> {
    protected final LmEngine engine;
    protected final Team team;
    protected final TrainConfig cfg;
    protected final AppoTrainer state;
    protected final SamplingParams params;
    protected final AgentSchedule schedule;

    /** Fresh adapters and critic drawn from {@code seed}, or those of {@code checkpoint} (see {@link AppoTrainer}). */
    protected TokenLevelLearner(LmEngine engine, Team team, TrainConfig cfg, long seed, Path checkpoint) {
        this.engine = engine;
        this.team = team;
        this.cfg = cfg;
        this.state = new AppoTrainer(engine, team, cfg, seed, checkpoint);
        this.params = AppoTrainer.samplingParams(cfg);
        this.schedule = new AgentSchedule(team.size(), cfg.agentIterationInterval);
    }

    /** A rollout's decisions in (step, env, agent) order: prompt and action ids, behaviour log-probs per token. */
    protected record Decisions(List<int[]> prompts, List<int[]> actions, float[][] oldLogProbs, int longestAction) {
        static Decisions of(RolloutBatch b) {
            int d = b.steps() * b.envs() * b.agents(), longest = 1;
            List<int[]> prompts = new ArrayList<>(d), actions = new ArrayList<>(d);
            float[][] oldLp = new float[d][];
            for (int t = 0; t < b.steps(); t++)
                for (int e = 0; e < b.envs(); e++)
                    for (int i = 0; i < b.agents(); i++) {
                        AgentStep a = b.action(t, e, i);
                        oldLp[prompts.size()] = a.logprobs().clone();
                        prompts.add(a.promptTokens());
                        actions.add(a.actionTokens());
                        longest = Math.max(longest, a.actionTokens().length);
                    }
            return new Decisions(prompts, actions, oldLp, longest);
        }
    }

    /**
     * The PPO epochs: per seeded minibatch, {@code critic}'s step (null: no critic), then, once warm-up
     * is over, a per-token policy step ({@link TokenPolicyStep}) for each agent the schedule selects.
     */
    protected UpdateStats epochs(TokenExperience x, long globalStep, long shuffleSeed, PpoLosses losses,
                                 Function<int[], AppoTrainer.CriticStep> critic) {
        UpdateStats s = new UpdateStats(team.size());
        int[] trained = globalStep >= cfg.warmupSteps ? schedule.trainedAgents(globalStep) : new int[0];
        boolean[] seenFirst = new boolean[team.size()];
        Random shuffle = new Random(shuffleSeed);
        for (int epoch = 0; epoch < cfg.ppoEpoch; epoch++)
            for (int[] rows : Minibatches.split(x.rows(), cfg.numMiniBatch, shuffle)) {
                if (critic != null) s.addCritic(critic.apply(rows));
                for (int i : trained) {
                    AppoTrainer.PolicyStep p = TokenPolicyStep.run(engine, team.roles().get(i), state.agentOptimizer(i), cfg, params,
                            losses, x, x.entries(rows, i));
                    s.addPolicy(i, p, !seenFirst[i]);
                    seenFirst[i] = true;
                }
            }
        return s;
    }

    @Override
    public TeamPolicy policy() {
        return state.policy();
    }

    /** The critic (GRPO keeps it only so checkpoints have MARFT-A's layout: never read nor updated there). */
    public ValueHead critic() {
        return state.critic();
    }

    @Override
    public AdamW agentOptimizer(int i) {
        return state.agentOptimizer(i);
    }

    @Override
    public AdamW criticOptimizer() {
        return state.criticOptimizer();
    }

    @Override
    public void setLearningRates(double lr, double criticLr) {
        state.setLearningRates(lr, criticLr);
    }

    @Override
    public void save(Path dir) throws IOException {
        state.save(dir);
    }

    @Override
    public void close() {
        state.close();
    }
}
