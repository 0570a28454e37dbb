package ai.marft.algo;

import ai.marft.config.TrainConfig;

import ai.marft.lm.Scalars;
import ai.marft.lm.Owned;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.marft.lm.ActionScores;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.rl.AdamW;
import ai.marft.rl.PpoLosses;

import java.util.ArrayList;
import java.util.List;

/**
 * One agent's policy minibatch step at token level, shared by MARFT-T and GRPO: per-token ratios
 * exp(log π_new − log π_old) against the behaviour log-probs recorded at generation, clipped
 * surrogate with the per-token advantages, entropy bonus, all means over the valid action tokens
 * of the minibatch (gradient accumulated over {@code gradient_cp_steps} chunks, each weighted by
 * its share of the tokens). A step whose approx KL (per token) exceeds {@code target_kl} is
 * skipped; otherwise the agent's grad norm is clipped and its AdamW steps.
 */
final class TokenPolicyStep {
    private TokenPolicyStep() {}

    static AppoTrainer.PolicyStep run(LmEngine engine, String role, AdamW opt, TrainConfig cfg, SamplingParams params,
                                      PpoLosses losses, TokenExperience x, int[] entries) {
        double loss = 0, entropy = 0, kl = 0, clip = 0, maxDev = 0;
        int total = x.tokens(entries);
        for (int[] chunk : Minibatches.chunks(entries, cfg.gradientCpSteps)) {
            double weight = (double) x.tokens(chunk) / total;
            List<int[]> prompts = new ArrayList<>(), actions = new ArrayList<>();
            for (int d : chunk) {
                prompts.add(x.prompts().get(d));
                actions.add(x.actions().get(d));
            }
            try (NDManager m = engine.model().manager().newSubManager();
                 GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                ActionScores sc = engine.scoreActions(m, prompts, actions, role, params, true);
                int width = (int) sc.logprobs().getShape().get(1);
                Shape shape = new Shape(chunk.length, width);
                NDArray oldLp = Owned.of(m.create(x.paddedOldLogProbs(chunk, width), shape));
                NDArray adv = Owned.of(m.create(x.padded(x.advantages(), chunk, width), shape));
                NDArray mask = Owned.of(m.create(x.mask(chunk, width), shape));
                PpoLosses.PolicyTerms t = losses.policy(sc.logprobs(), oldLp, adv, sc.entropies(), mask);
                float[] now = sc.logprobs().toFloatArray(), before = oldLp.toFloatArray(), valid = mask.toFloatArray();
                for (int k = 0; k < now.length; k++)
                    if (valid[k] > 0) maxDev = Math.max(maxDev, Math.abs(Math.exp(now[k] - before[k]) - 1));
                NDArray scaled = Scalars.mul(t.loss(), weight);
                loss += scaled.toType(DataType.FLOAT64, false).getDouble();
                entropy += t.entropy() * weight;
                kl += t.approxKl() * weight;
                clip += t.clipFraction() * weight;
                gc.backward(scaled);
            }
        }
        return AppoTrainer.applyPolicyStep(opt, cfg, loss, entropy, kl, clip, maxDev);
    }
}
