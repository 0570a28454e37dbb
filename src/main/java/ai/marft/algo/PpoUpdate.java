package ai.marft.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.marft.config.TrainConfig;
import ai.marft.lm.ActionScores;
import ai.marft.lm.GradScope;
import ai.marft.lm.Gradients;
import ai.marft.lm.LmEngine;
import ai.marft.lm.Owned;
import ai.marft.lm.SamplingParams;
import ai.marft.lm.Scalars;
import ai.marft.rl.AdamW;
import ai.marft.rl.AgentSchedule;
import ai.marft.rl.LogprobNorm;
import ai.marft.rl.PpoLosses;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * The PPO update of MARFT.md §6, one piece for every algorithm and both levels: per epoch, per
 * seeded minibatch of environment-step rows, a critic step (when the algorithm has a critic), then,
 * once the critic warm-up is over, a policy step for each agent the agent schedule selects. A step
 * accumulates gradients over {@code gradient_cp_steps} chunks, each weighted by its share of the
 * minibatch's entries (actions at action level, tokens at token level), so the loss is a mean over
 * entries whatever the chunking; then one rule ends it (skip on KL or non-finite, clip, step, zero).
 * With two or more agents and tensor threads, a minibatch's steps run side by side ({@link StepThreads}).
 */
public final class PpoUpdate {
    /** Value clip range standing for "no clipping" (use_clipped_value_loss false). */
    private static final double NO_VALUE_CLIP = 1e30;

    private final TeamEngines engines;
    private final TeamParameters params;
    private final TrainConfig cfg;
    private final SamplingParams sampling;
    private final LogprobNorm norm;
    private final PpoLosses policyLosses, valueLosses;
    private final AgentSchedule schedule;
    private final boolean joint;
    private final int threads; // the tensor threads the run was given: the most steps that run side by side

    /** Scores each agent's decisions on its own base ({@link TeamParameters#engines()}), the critic on the critic's. */
    public PpoUpdate(TeamParameters params, TrainConfig cfg) {
        this.engines = params.engines();
        this.params = params;
        this.cfg = cfg;
        this.sampling = Algorithm.samplingParams(cfg);
        this.norm = LogprobNorm.parse(cfg.normalizationMode);
        this.policyLosses = new PpoLosses(cfg.clipParam, cfg.entropyCoef, cfg.valueLossCoef, cfg.useHuberLoss, cfg.huberDelta);
        this.valueLosses = cfg.useClippedValueLoss ? policyLosses
                : new PpoLosses(NO_VALUE_CLIP, cfg.entropyCoef, cfg.valueLossCoef, cfg.useHuberLoss, cfg.huberDelta);
        this.schedule = new AgentSchedule(params.team().size(), cfg.agentIterationInterval);
        this.joint = "joint".equals(cfg.policyStep);
        this.threads = LmEngine.threads();
    }

    /** What one critic step measured. */
    record CriticStep(double loss, double gradNorm) {}

    /** What one agent's policy step measured; {@code maxRatioDeviation} is the largest |ratio − 1| before it. */
    record PolicyStep(double loss, double entropy, double approxKl, double clipFraction, double gradNorm,
                      boolean skipped, double maxRatioDeviation) {}

    /** The epochs over one prepared rollout at {@code globalStep}; {@code withCritic} false: no critic step (GRPO). */
    public UpdateStats epochs(Experience x, long globalStep, long shuffleSeed, boolean withCritic) {
        int agents = x.decisions().agents();
        UpdateStats s = new UpdateStats(agents);
        if (x.klToBase() != null) s.setKlToBase(x.decisions(), x.klToBase());
        int[] scheduled = globalStep >= cfg.warmupSteps ? schedule.trainedAgents(globalStep) : new int[0];
        boolean[] seenFirst = new boolean[agents];
        Random shuffle = new Random(shuffleSeed);
        for (int epoch = 0; epoch < cfg.ppoEpoch; epoch++)
            for (int[] rows : Minibatches.split(x.decisions().rows(), cfg.numMiniBatch, shuffle)) {
                int[] trained = present(x, rows, scheduled); // a router may have left an agent out of every row of the minibatch
                // the critic's step and each agent's touch disjoint parameters: with two or more agents they run side by side
                // (the critic's, the shortest, last: it queues behind whichever agent finishes first)
                List<Callable<Object>> parts = new ArrayList<>();
                for (int i : trained)
                    parts.add(() -> {
                        PolicyStep p = accumulatePolicy(x, x.decisions().of(rows, i), i, joint ? 1.0 / trained.length : 1.0);
                        return joint ? p : endPolicyStep(List.of(params.agentOptimizer(i)), p, p.approxKl());
                    });
                if (withCritic) parts.add(() -> criticStep(x, x.decisions().of(rows, -1)));
                List<Object> done = StepThreads.all(trained.length >= 2 ? threads : 1, parts);
                if (withCritic) s.addCritic((CriticStep) done.get(trained.length));
                PolicyStep[] steps = done.subList(0, trained.length).toArray(new PolicyStep[0]);
                if (joint && trained.length > 0) endJointStep(trained, steps);
                for (int k = 0; k < trained.length; k++) {
                    s.addPolicy(trained[k], steps[k], !seenFirst[trained[k]]);
                    seenFirst[trained[k]] = true;
                }
            }
        return s;
    }

    /** The scheduled agents that acted in at least one of the rows. */
    private static int[] present(Experience x, int[] rows, int[] scheduled) {
        return java.util.Arrays.stream(scheduled).filter(i -> x.decisions().of(rows, i).length > 0).toArray();
    }

    /** Clipped value loss over the minibatch's entries; clip, Adam step. */
    CriticStep criticStep(Experience x, int[] decisions) {
        int total = x.entries(decisions), width = (int) x.criticFeatures().getShape().get(1);
        double loss = 0;
        for (int[] chunk : Minibatches.chunks(decisions, cfg.gradientCpSteps)) {
            double weight = (double) x.entries(chunk) / total;
            Shape shape = new Shape(chunk.length, width);
            try (NDManager m = engines.critic().model().manager().newSubManager();
                 GradScope gc = new GradScope()) {
                NDArray feats = x.criticFeatures().get(Owned.of(m.create(chunk)));
                feats.attach(m); // a gather belongs to its source's (iteration) manager; free it with this chunk
                NDArray v = params.critic().forward(feats); // [chunk, width]
                NDArray l = valueLosses.value(v, array(m, Experience.padded(x.values(), chunk, width), shape),
                        array(m, Experience.padded(x.returns(), chunk, width), shape), array(m, x.mask(chunk, width), shape));
                NDArray scaled = Scalars.mul(l, weight);
                loss += scalar(scaled);
                gc.backward(scaled);
            }
        }
        return endCriticStep(params.criticOptimizer(), loss);
    }

    /**
     * One agent's clipped surrogate with entropy bonus over its decisions of the minibatch, its gradient
     * accumulated (times {@code scale}) but not yet applied: ratios against the behaviour log-probs
     * recorded at generation, per action (its log-prob under {@code normalization_mode}, its tokens'
     * mean entropy) or per token. The measurements returned are the agent's own (unscaled).
     */
    PolicyStep accumulatePolicy(Experience x, int[] decisions, int agent, double scale) {
        String role = params.team().roles().get(agent);
        LmEngine engine = engines.agent(agent); // the agent's own base
        int total = x.entries(decisions);
        double loss = 0, entropy = 0, kl = 0, clip = 0, maxDev = 0;
        for (int[] chunk : Minibatches.chunks(decisions, cfg.gradientCpSteps)) {
            double weight = (double) x.entries(chunk) / total;
            List<int[]> prompts = new java.util.ArrayList<>(), actions = new java.util.ArrayList<>();
            for (int d : chunk) {
                prompts.add(x.decisions().get(d).promptTokens());
                actions.add(x.decisions().get(d).actionTokens());
            }
            try (NDManager m = engine.model().manager().newSubManager();
                 GradScope gc = new GradScope()) {
                ActionScores sc = engine.scoreActions(m, prompts, actions, role, sampling, true);
                NDArray newLp = sc.logprobs(), ent = sc.entropies();
                if (x.actionLevel()) {
                    int[] counts = new int[chunk.length];
                    String[] texts = new String[chunk.length];
                    for (int k = 0; k < chunk.length; k++) {
                        counts[k] = actions.get(k).length;
                        texts[k] = x.decisions().get(chunk[k]).actionText();
                    }
                    newLp = norm.apply(sc.logprobs(), counts, texts).reshape(chunk.length, 1);
                    ent = ent.mul(sc.mask()).sum(new int[] {1}).div(sc.mask().sum(new int[] {1})).reshape(chunk.length, 1);
                }
                int width = (int) newLp.getShape().get(1);
                Shape shape = new Shape(chunk.length, width);
                NDArray oldLp = array(m, Experience.padded(x.oldLogProbs(), chunk, width), shape);
                NDArray mask = array(m, x.mask(chunk, width), shape);
                PpoLosses.PolicyTerms t = policyLosses.policy(newLp, oldLp, array(m, Experience.padded(x.advantages(), chunk, width), shape),
                        ent, mask);
                float[] now = newLp.toFloatArray(), before = oldLp.toFloatArray(), valid = mask.toFloatArray();
                for (int k = 0; k < now.length; k++)
                    if (valid[k] > 0) maxDev = Math.max(maxDev, Math.abs(Math.exp(now[k] - before[k]) - 1));
                NDArray scaled = Scalars.mul(t.loss(), weight);
                loss += scalar(scaled);
                entropy += t.entropy() * weight;
                kl += t.approxKl() * weight;
                clip += t.clipFraction() * weight;
                gc.backward(scale == 1 ? scaled : Scalars.mul(scaled, scale));
            }
        }
        return new PolicyStep(loss, entropy, kl, clip, Gradients.norm(params.agentOptimizer(agent).parameters()), false, maxDev);
    }

    /** policy_step joint (the reference): one KL (the agents' mean), one skip decision, then each agent's clip and step. */
    private void endJointStep(int[] trained, PolicyStep[] steps) {
        double kl = 0;
        for (PolicyStep p : steps) kl += p.approxKl() / steps.length;
        List<AdamW> opts = new java.util.ArrayList<>();
        for (int i : trained) opts.add(params.agentOptimizer(i));
        boolean skip = endPolicyStep(opts, steps[0], kl).skipped();
        for (int k = 0; k < steps.length; k++) {
            PolicyStep p = steps[k];
            steps[k] = new PolicyStep(p.loss(), p.entropy(), p.approxKl(), p.clipFraction(), p.gradNorm(), skip, p.maxRatioDeviation());
        }
    }

    /**
     * Ends a policy step of {@code opts} (one agent's, or every agent's of a joint step) on accumulated
     * gradients: skipped when the approx KL {@code kl} exceeds {@code target_kl} or a gradient is not
     * finite (`NaN > x` is false, and one NaN step poisons an adapter for good); otherwise each
     * optimizer clips its own norm and steps. Gradients are zeroed either way.
     */
    private PolicyStep endPolicyStep(List<AdamW> opts, PolicyStep measured, double kl) {
        boolean skip = !(kl <= cfg.effectiveTargetKl());
        for (AdamW o : opts) skip |= !Double.isFinite(Gradients.norm(o.parameters()));
        for (AdamW o : opts) {
            if (!skip) {
                if (cfg.useMaxGradNorm) o.clipGradNorm(cfg.maxGradNorm);
                o.step();
            }
            o.zeroGrad();
        }
        PolicyStep p = measured;
        return new PolicyStep(p.loss(), p.entropy(), p.approxKl(), p.clipFraction(), p.gradNorm(), skip, p.maxRatioDeviation());
    }

    /** Ends a critic step: clip (or measure) the gradient norm, step unless it is non-finite, zero. */
    private CriticStep endCriticStep(AdamW opt, double loss) {
        double gn = cfg.useMaxGradNorm ? opt.clipGradNorm(cfg.maxGradNorm) : Gradients.norm(opt.parameters());
        if (Double.isFinite(gn)) opt.step(); // never apply a non-finite gradient
        opt.zeroGrad();
        return new CriticStep(loss, gn);
    }

    private static NDArray array(NDManager m, float[] data, Shape shape) {
        return Owned.of(m.create(data, shape));
    }

    private static double scalar(NDArray x) {
        return x.toType(DataType.FLOAT64, false).getDouble();
    }
}
