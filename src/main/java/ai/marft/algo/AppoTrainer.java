package ai.marft.algo;

import ai.marft.config.TrainConfig;
import ai.marft.train.Checkpoints;

import ai.marft.lm.Scalars;
import ai.marft.lm.Owned;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.marft.lm.ActionScores;
import ai.marft.lm.Gradients;
import ai.marft.lm.LmEngine;
import ai.marft.lm.LoraConfig;
import ai.marft.lm.LoraTarget;
import ai.marft.lm.SamplingParams;
import ai.marft.lm.ValueHead;
import ai.marft.mas.AgentStep;
import ai.marft.mas.RolloutBatch;
import ai.marft.mas.Seeds;
import ai.marft.mas.Team;
import ai.marft.mas.TeamPolicy;
import ai.marft.rl.ActionBuffer;
import ai.marft.rl.AdamW;
import ai.marft.rl.AdvantageNorm;
import ai.marft.rl.Gae;
import ai.marft.rl.KlPenalty;
import ai.marft.rl.AgentSchedule;
import ai.marft.rl.LogprobNorm;
import ai.marft.rl.PpoLosses;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * MARFT-A's learner (MARFT.md §6): per agent a LoRA adapter (named after its role) with its own AdamW,
 * and a critic ({@link ValueHead} over the frozen base's hidden state, no copy of the base) with Adam.
 * {@link #update} runs the PPO epochs over one rollout ({@link Experience}). Parameters and optimizer
 * states save to and load from a checkpoint folder.
 */
public final class AppoTrainer implements Learner<Experience> {
    /** Value clip range standing for "no clipping" (use_clipped_value_loss false). */
    private static final double NO_VALUE_CLIP = 1e30;
    /** Prompts per frozen-base forward when computing critic features. */
    private static final int FEATURE_CHUNK_ROWS = 32;

    private final LmEngine engine;
    private final Team team;
    private final TrainConfig cfg;
    private final SamplingParams params;
    private final LogprobNorm norm;
    private final PpoLosses policyLosses, valueLosses;
    private final AgentSchedule schedule;
    private final ValueHead critic;
    private final AdamW criticOpt;
    private final List<AdamW> agentOpts = new ArrayList<>();

    /**
     * Fresh adapters and critic drawn from {@code seed}, or (when {@code checkpoint} is given) the
     * adapters, critic and optimizer states stored there.
     */
    public AppoTrainer(LmEngine engine, Team team, TrainConfig cfg, long seed, Path checkpoint) {
        this.engine = engine;
        this.team = team;
        this.cfg = cfg;
        this.params = samplingParams(cfg);
        this.norm = LogprobNorm.parse(cfg.normalizationMode);
        this.policyLosses = new PpoLosses(cfg.clipParam, cfg.entropyCoef, cfg.valueLossCoef, cfg.useHuberLoss, cfg.huberDelta);
        this.valueLosses = cfg.useClippedValueLoss ? policyLosses
                : new PpoLosses(NO_VALUE_CLIP, cfg.entropyCoef, cfg.valueLossCoef, cfg.useHuberLoss, cfg.huberDelta);
        this.schedule = new AgentSchedule(team.size(), cfg.agentIterationInterval);
        int hidden = engine.model().config().hidden();
        List<String> roles = team.roles();
        if (checkpoint == null) {
            LoraConfig lora = new LoraConfig(cfg.loraR, cfg.loraAlpha, cfg.loraTargets.stream().map(LoraTarget::of).toList());
            for (int i = 0; i < roles.size(); i++) engine.adapters().create(roles.get(i), lora, Seeds.mix(seed, i));
            critic = ValueHead.create(engine.model().manager(), hidden, Seeds.mix(seed, roles.size()));
        } else {
            for (String role : roles) engine.adapters().load(role, Checkpoints.adapterDir(checkpoint, role));
            critic = ValueHead.load(engine.model().manager(), hidden, Checkpoints.valueHead(checkpoint));
        }
        criticOpt = new AdamW(critic.parameters(), cfg.criticLr, 0.9, 0.999, cfg.optiEps, 0);
        for (String role : roles)
            agentOpts.add(new AdamW(engine.adapters().get(role).parameters(), cfg.lr, 0.9, 0.999, cfg.optiEps, cfg.weightDecay));
        if (checkpoint != null) {
            criticOpt.load(Checkpoints.criticOptimizer(checkpoint));
            for (int i = 0; i < roles.size(); i++) agentOpts.get(i).load(Checkpoints.agentOptimizer(checkpoint, roles.get(i)));
        }
    }

    /** The rollout's sampling, also the distribution training log-probs are taken under. */
    public static SamplingParams samplingParams(TrainConfig cfg) {
        return new SamplingParams(cfg.maxNewTokens, cfg.temperature, cfg.topK, cfg.topP);
    }

    /** The team acting with the trained adapters. */
    public TeamPolicy policy() {
        return new TeamPolicy(team, engine, TeamPolicy.roleAdapters(team), params);
    }

    public ValueHead critic() {
        return critic;
    }

    /** The optimizer of agent i (acting order). */
    public AdamW agentOptimizer(int i) {
        return agentOpts.get(i);
    }

    public AdamW criticOptimizer() {
        return criticOpt;
    }

    /** Sets the learning rates of every agent's optimizer and of the critic's. */
    public void setLearningRates(double lr, double criticLr) {
        for (AdamW o : agentOpts) o.setLearningRate(lr);
        criticOpt.setLearningRate(criticLr);
    }

    /** Writes adapters (PEFT layout, one folder per role), critic and optimizer states into {@code dir}. */
    public void save(Path dir) throws java.io.IOException {
        Files.createDirectories(dir.resolve(Checkpoints.OPTIMIZER));
        for (int i = 0; i < team.size(); i++) {
            String role = team.roles().get(i);
            engine.adapters().get(role).save(Checkpoints.adapterDir(dir, role), cfg.modelNameOrPath);
            agentOpts.get(i).save(Checkpoints.agentOptimizer(dir, role));
        }
        critic.save(Checkpoints.valueHead(dir));
        criticOpt.save(Checkpoints.criticOptimizer(dir));
    }

    /**
     * The PPO epochs over one rollout: the critic at every minibatch; the policies of the agents the
     * agent schedule selects at {@code globalStep} unless it is still in the critic warm-up.
     *
     * @param shuffleSeed seeds the minibatch shuffling of every epoch
     */
    public UpdateStats update(Experience x, long globalStep, long shuffleSeed) {
        UpdateStats s = new UpdateStats(team.size());
        boolean policyPhase = globalStep >= cfg.warmupSteps;
        int[] trained = policyPhase ? schedule.trainedAgents(globalStep) : new int[0];
        boolean[] seenFirst = new boolean[team.size()];
        if (x.klToBase() != null) s.setKlToBase(x.klToBase());
        java.util.Random shuffle = new java.util.Random(shuffleSeed);
        for (int epoch = 0; epoch < cfg.ppoEpoch; epoch++) {
            for (int[] rows : Minibatches.split(x.rows(), cfg.numMiniBatch, shuffle)) {
                s.addCritic(criticStep(x, rows));
                for (int i : trained) {
                    PolicyStep p = policyStep(x, rows, i);
                    s.addPolicy(i, p, !seenFirst[i]);
                    seenFirst[i] = true;
                }
            }
        }
        return s;
    }

    /** What one critic minibatch update measured. */
    record CriticStep(double loss, double gradNorm) {}

    /** What one agent's policy minibatch update measured. */
    record PolicyStep(double loss, double entropy, double approxKl, double clipFraction, double gradNorm,
                      boolean skipped, double maxRatioDeviation) {}

    private CriticStep criticStep(Experience x, int[] rows) {
        int[] entries = x.entries(rows, -1);
        double loss = 0;
        for (int[] chunk : Minibatches.chunks(entries, cfg.gradientCpSteps)) {
            double weight = (double) chunk.length / entries.length;
            try (NDManager m = engine.model().manager().newSubManager();
                 GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray feats = x.criticFeatures().get(Owned.of(m.create(chunk)));
                feats.attach(m); // a gather belongs to its source's (iteration) manager; free it with this chunk
                NDArray v = critic.forward(feats);
                NDArray l = valueLosses.value(v, Owned.of(m.create(x.gather(x.values(), chunk))), Owned.of(m.create(x.gather(x.returns(), chunk))), m.ones(v.getShape()));
                NDArray scaled = Scalars.mul(l, weight);
                loss += scalar(scaled);
                gc.backward(scaled);
            }
        }
        return applyCriticStep(criticOpt, cfg, loss);
    }

    private PolicyStep policyStep(Experience x, int[] rows, int agent) {
        int[] entries = x.entries(rows, agent);
        String role = team.roles().get(agent);
        AdamW opt = agentOpts.get(agent);
        double loss = 0, entropy = 0, kl = 0, clip = 0, maxDev = 0;
        for (int[] chunk : Minibatches.chunks(entries, cfg.gradientCpSteps)) {
            double weight = (double) chunk.length / entries.length;
            List<int[]> prompts = new ArrayList<>(), actions = new ArrayList<>();
            int[] counts = new int[chunk.length];
            String[] texts = new String[chunk.length];
            for (int k = 0; k < chunk.length; k++) {
                prompts.add(x.prompt(chunk[k]));
                actions.add(x.action(chunk[k]));
                counts[k] = x.action(chunk[k]).length;
                texts[k] = x.text(chunk[k]);
            }
            try (NDManager m = engine.model().manager().newSubManager();
                 GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                ActionScores sc = engine.scoreActions(m, prompts, actions, role, params, true);
                NDArray newLp = norm.apply(sc.logprobs(), counts, texts);
                NDArray ent = sc.entropies().mul(sc.mask()).sum(new int[]{1}).div(sc.mask().sum(new int[]{1}));
                NDArray oldLp = Owned.of(m.create(x.gather(x.oldLogProbs(), chunk)));
                PpoLosses.PolicyTerms t = policyLosses.policy(newLp, oldLp, Owned.of(m.create(x.gather(x.advantages(), chunk))), ent, m.ones(newLp.getShape()));
                float[] now = newLp.toFloatArray(), before = oldLp.toFloatArray();
                for (int k = 0; k < now.length; k++) maxDev = Math.max(maxDev, Math.abs(Math.exp(now[k] - before[k]) - 1));
                NDArray scaled = Scalars.mul(t.loss(), weight);
                loss += scalar(scaled);
                entropy += t.entropy() * weight;
                kl += t.approxKl() * weight;
                clip += t.clipFraction() * weight;
                gc.backward(scaled);
            }
        }
        return applyPolicyStep(opt, cfg, loss, entropy, kl, clip, maxDev);
    }

    /**
     * Ends a policy step of either level on accumulated gradients: skipped when the approx KL exceeds
     * {@code target_kl} or anything is NaN (`NaN > x` is false, and one NaN step poisons an adapter for
     * good); otherwise clip and step. Gradients are zeroed either way.
     */
    static PolicyStep applyPolicyStep(AdamW opt, TrainConfig cfg, double loss, double entropy, double kl,
                                      double clip, double maxDev) {
        double gn = Gradients.norm(opt.parameters());
        boolean skip = !(kl <= cfg.effectiveTargetKl()) || !Double.isFinite(gn);
        if (!skip) {
            if (cfg.useMaxGradNorm) opt.clipGradNorm(cfg.maxGradNorm);
            opt.step();
        }
        opt.zeroGrad();
        return new PolicyStep(loss, entropy, kl, clip, gn, skip, maxDev);
    }

    /** Ends a critic step of either level: clip (or measure) the gradient norm, step unless it is non-finite, zero. */
    static CriticStep applyCriticStep(AdamW opt, TrainConfig cfg, double loss) {
        double gn = cfg.useMaxGradNorm ? opt.clipGradNorm(cfg.maxGradNorm) : Gradients.norm(opt.parameters());
        if (Double.isFinite(gn)) opt.step(); // never apply a non-finite gradient
        opt.zeroGrad();
        return new CriticStep(loss, gn);
    }

    /**
     * Flattens a rollout, computes the frozen base's hidden states (decisions and bootstrap prompts)
     * and the critic's values once, then GAE over the agent sequence and advantage normalisation.
     * The hidden states belong to {@code m} (the iteration's scope).
     */
    public Experience prepare(NDManager m, RolloutBatch b) {
        int steps = b.steps(), envs = b.envs(), agents = b.agents(), d = steps * envs * agents;
        List<int[]> prompts = new ArrayList<>(d), actions = new ArrayList<>(d);
        List<AgentStep> decisions = new ArrayList<>(d);
        String[] texts = new String[d];
        double[] oldLp = new double[d];
        for (int t = 0; t < steps; t++)
            for (int e = 0; e < envs; e++)
                for (int i = 0; i < agents; i++) {
                    AgentStep a = b.action(t, e, i);
                    int k = prompts.size();
                    decisions.add(a);
                    prompts.add(a.promptTokens());
                    actions.add(a.actionTokens());
                    texts[k] = a.actionText();
                    oldLp[k] = norm.apply(a.logprobs(), a.actionTokens().length, a.actionText());
                }
        List<int[]> all = new ArrayList<>(prompts);
        all.addAll(List.of(b.bootstrapPrompts()));
        NDArray feats = criticFeatures(m, all, FEATURE_CHUNK_ROWS);
        double[] v = values(feats);
        double[] kl = cfg.klCoef > 0 ? BaseKl.perDecision(engine, params, decisions, FEATURE_CHUNK_ROWS) : null;
        double[][][] rewards = kl == null ? b.rewards() : KlPenalty.apply(b.rewards(), kl, cfg.klCoef);
        ActionBuffer buf = new ActionBuffer(steps, envs, agents);
        for (int t = 0; t < steps; t++)
            for (int e = 0; e < envs; e++) {
                for (int i = 0; i < agents; i++) {
                    int k = (t * envs + e) * agents + i;
                    buf.record(t, e, i, v[k], oldLp[k]);
                    buf.setReward(t, e, i, rewards[t][e][i]);
                }
                buf.setDone(t, e, b.dones()[t][e]);
            }
        for (int e = 0; e < envs; e++) buf.setBootstrapValue(e, v[d + e]);
        Gae.ActionEstimates est = Gae.actionLevel(buf, cfg.gamma, cfg.gaeLambda);
        double[][][] adv = AdvantageNorm.normalize(est.advantages(), AdvantageNorm.REFERENCE_EPS);
        double[] returns = new double[d], advantages = new double[d];
        for (int t = 0; t < steps; t++)
            for (int e = 0; e < envs; e++)
                for (int i = 0; i < agents; i++) {
                    int k = (t * envs + e) * agents + i;
                    returns[k] = est.returns()[t][e][i];
                    advantages[k] = adv[t][e][i];
                }
        NDArray decisionFeats = feats.get("0:{}", d);
        return new Experience(steps, envs, agents, prompts, actions, texts, oldLp, java.util.Arrays.copyOf(v, d), returns, advantages, decisionFeats, kl);
    }

    /** Values V(o) of the critic for hidden states [D, H] (no gradient). */
    double[] values(NDArray features) {
        try (NDManager m = engine.model().manager().newSubManager()) {
            NDArray v = critic.forward(features.stopGradient());
            v.attach(m);
            float[] f = v.toFloatArray();
            double[] out = new double[f.length];
            for (int k = 0; k < f.length; k++) out[k] = f[k];
            return out;
        }
    }

    /** Final hidden states of the frozen base at each prompt's last token [D, H], in chunks, owned by m. */
    NDArray criticFeatures(NDManager m, List<int[]> prompts, int chunkRows) {
        NDList parts = new NDList();
        for (int s = 0; s < prompts.size(); s += chunkRows) {
            List<int[]> part = prompts.subList(s, Math.min(prompts.size(), s + chunkRows));
            List<int[]> none = java.util.Collections.nCopies(part.size(), new int[0]);
            NDArray h = engine.baseHidden(m, part, none); // [b, 1, H]: index 0 is the last prompt token
            parts.add(h.reshape(part.size(), h.getShape().get(2)));
        }
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts);
    }

    private static double scalar(NDArray x) {
        return x.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
    }

    @Override
    public void close() {
        for (AdamW o : agentOpts) o.close();
        criticOpt.close();
        critic.close();
    }
}
