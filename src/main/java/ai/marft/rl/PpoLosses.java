package ai.marft.rl;

import ai.marft.lm.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The PPO losses of MARFT.md §6 on DJL NDArrays, differentiable with respect to the new
 * log-probs, entropies and values. Both levels use the same functions: at action level the
 * arrays hold one entry per action ([B, N]), at token level one per action token ([B, N, K]);
 * {@code mask} (same shape; 1 = counts, 0 = padding or an agent left out) makes every mean a mean
 * over valid entries: Σ(x·mask) / Σmask. Masked-out entries must still be finite. Inputs of
 * another data type (e.g. float32 advantages with float64 log-probs, boolean masks) are converted
 * to the type of the first argument.
 * Results belong to the manager of the first argument; callers run inside a scope.
 *
 * @param clipParam     PPO ratio clip ε, also the value clip range
 * @param entropyCoef   weight of the entropy bonus
 * @param valueLossCoef weight of the value loss
 * @param huber         Huber loss (true) or ½e² (false) for value errors
 * @param huberDelta    Huber threshold δ (reference default 10); read only when {@code huber}
 */
public record PpoLosses(double clipParam, double entropyCoef, double valueLossCoef, boolean huber, double huberDelta) {
    public PpoLosses {
        if (!(clipParam > 0)) throw new IllegalArgumentException("clip parameter must be > 0, got " + clipParam);
        if (huber && !(huberDelta > 0)) throw new IllegalArgumentException("Huber delta must be > 0, got " + huberDelta);
    }

    /**
     * The policy loss (differentiable) and its diagnostics (plain numbers, no gradient).
     *
     * @param loss         −mean(min(r·A, clip(r, 1 ± ε)·A)) − entropyCoef·mean(entropy)
     * @param approxKl     mean((r − 1) − log r), the k3 estimator of KL(old ‖ new)
     * @param clipFraction fraction of valid entries with |r − 1| > ε
     * @param entropy      mean entropy
     */
    public record PolicyTerms(NDArray loss, double approxKl, double clipFraction, double entropy) {}

    /**
     * Clipped-surrogate policy loss with entropy bonus.
     *
     * @param newLogProbs log π_new (differentiable)
     * @param oldLogProbs behaviour log-probs recorded at rollout
     * @param advantages  (normalised) advantages
     * @param entropy     entropy per entry (at action level: the action's token entropies averaged)
     * @param mask        1 for entries that count, 0 otherwise
     */
    public PolicyTerms policy(NDArray newLogProbs, NDArray oldLogProbs, NDArray advantages, NDArray entropy, NDArray mask) {
        NDArray m = sameShape(mask, newLogProbs, "mask");
        NDArray old = sameShape(oldLogProbs, newLogProbs, "old log-probs");
        NDArray adv = sameShape(advantages, newLogProbs, "advantages");
        NDArray ent = sameShape(entropy, newLogProbs, "entropy");
        double count = count(m);
        NDArray logRatio = newLogProbs.sub(old);
        NDArray ratio = logRatio.exp();
        NDArray unclipped = ratio.mul(adv);
        NDArray clipped = ratio.clip(1 - clipParam, 1 + clipParam).mul(adv);
        NDArray surrogate = unclipped.minimum(clipped);
        NDArray loss = masked(surrogate, m, count).neg().sub(Scalars.mul(masked(ent, m, count), entropyCoef));

        NDArray r = ratio.stopGradient(), lr = logRatio.stopGradient();
        double approxKl = scalar(masked(r.sub(1).sub(lr), m, count));
        double clipFraction = scalar(masked(r.sub(1).abs().gt(clipParam).toType(m.getDataType(), false), m, count));
        double meanEntropy = scalar(masked(ent.stopGradient(), m, count));
        return new PolicyTerms(loss, approxKl, clipFraction, meanEntropy);
    }

    /**
     * Clipped value loss valueLossCoef·mean(max(ℓ(R − V_new), ℓ(R − V_clip))) with
     * V_clip = V_old + clip(V_new − V_old, ±ε) and ℓ Huber(δ) or ½e².
     */
    public NDArray value(NDArray newValues, NDArray oldValues, NDArray returns, NDArray mask) {
        NDArray m = sameShape(mask, newValues, "mask");
        NDArray old = sameShape(oldValues, newValues, "old values");
        NDArray ret = sameShape(returns, newValues, "returns");
        NDArray clippedValues = old.add(newValues.sub(old).clip(-clipParam, clipParam));
        NDArray lossUnclipped = elementLoss(ret.sub(newValues));
        NDArray lossClipped = elementLoss(ret.sub(clippedValues));
        return Scalars.mul(masked(lossUnclipped.maximum(lossClipped), m, count(m)), valueLossCoef);
    }

    /** ℓ(e) per element: Huber(δ) or ½e². */
    NDArray elementLoss(NDArray error) {
        return huber ? huber(error, huberDelta) : Scalars.mul(error.square(), 0.5);
    }

    /**
     * Huber loss ½e² for |e| ≤ δ, δ(|e| − δ/2) beyond, for either sign of e (the reference tests
     * e > δ and returns 0 for large negative errors). Written as ½a² + δ(|e| − a) with
     * a = min(|e|, δ): one branch-free formula whose gradient is finite everywhere.
     */
    static NDArray huber(NDArray error, double delta) {
        NDArray abs = error.abs();
        NDArray a = abs.clip(0, delta);
        return Scalars.mul(a.square(), 0.5).add(Scalars.mul(abs.sub(a), delta));
    }

    private static NDArray masked(NDArray x, NDArray mask, double count) {
        return Scalars.div(x.mul(mask).sum(), count);
    }

    private static double count(NDArray mask) {
        double n = scalar(mask.sum());
        if (!(n > 0)) throw new IllegalArgumentException("the mask selects no entry");
        return n;
    }

    private static NDArray sameShape(NDArray x, NDArray reference, String what) {
        if (!x.getShape().equals(reference.getShape())) {
            throw new IllegalArgumentException("shape of " + what + " is " + x.getShape() + ", expected " + reference.getShape());
        }
        return x.getDataType() == reference.getDataType() ? x : x.toType(reference.getDataType(), false);
    }

    private static double scalar(NDArray x) {
        return x.toType(DataType.FLOAT64, false).getDouble();
    }
}
