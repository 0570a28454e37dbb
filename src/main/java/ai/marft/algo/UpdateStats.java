package ai.marft.algo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Diagnostics of one PPO update, averaged over its minibatch steps: critic loss and grad norm, and
 * per agent the policy loss, entropy, approx KL, clip fraction, grad norm (before clipping), the
 * steps skipped by the KL early stop, and the largest |ratio − 1| of the agent's first minibatch
 * (before any of its updates in this iteration: 0 up to float error when scoring matches sampling).
 */
public final class UpdateStats {
    private double criticLoss, criticGradNorm;
    private int criticSteps;
    private final double[] loss, entropy, kl, clip, gradNorm, firstRatioDeviation;
    private final int[] steps, skipped;
    private double[] klToBase; // per agent, mean over the rollout's decisions; null when kl_coef is off

    UpdateStats(int agents) {
        loss = new double[agents];
        entropy = new double[agents];
        kl = new double[agents];
        clip = new double[agents];
        gradNorm = new double[agents];
        firstRatioDeviation = new double[agents];
        steps = new int[agents];
        skipped = new int[agents];
    }

    void addCritic(PpoUpdate.CriticStep s) {
        criticLoss += s.loss();
        criticGradNorm += s.gradNorm();
        criticSteps++;
    }

    void addPolicy(int i, PpoUpdate.PolicyStep s, boolean first) {
        loss[i] += s.loss();
        entropy[i] += s.entropy();
        kl[i] += s.approxKl();
        clip[i] += s.clipFraction();
        gradNorm[i] += s.gradNorm();
        steps[i]++;
        if (s.skipped()) skipped[i]++;
        if (first) firstRatioDeviation[i] = s.maxRatioDeviation();
    }

    /** Per-decision KL-to-base estimates, averaged per agent. */
    void setKlToBase(Decisions decisions, double[] perDecision) {
        int agents = loss.length;
        klToBase = new double[agents];
        int[] acted = new int[agents];
        for (int d = 0; d < perDecision.length; d++) if (decisions.acted(d)) acted[decisions.agentOf(d)]++;
        for (int d = 0; d < perDecision.length; d++)
            if (decisions.acted(d)) klToBase[decisions.agentOf(d)] += perDecision[d] / acted[decisions.agentOf(d)]; // mean over the agent's own decisions
    }

    /** Whether agent i took part in this update's policy phase. */
    public boolean trained(int i) {
        return steps[i] > 0;
    }

    /** Largest |ratio − 1| in agent i's first minibatch (NaN when it was not trained). */
    public double firstRatioDeviation(int i) {
        return steps[i] > 0 ? firstRatioDeviation[i] : Double.NaN;
    }

    public double valueLoss() {
        return criticLoss / criticSteps;
    }

    /** Policy steps skipped because approx KL exceeded target_kl, all agents. */
    public int skippedSteps() {
        int n = 0;
        for (int s : skipped) n += s;
        return n;
    }

    /** The metrics of this update: overall means over trained agents, then per-agent values keyed by role. */
    public Map<String, Object> toMap(List<String> roles) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value_loss", criticSteps == 0 ? null : valueLoss()); // null: a critic-free learner (GRPO)
        m.put("grad_norm_critic", criticSteps == 0 ? null : criticGradNorm / criticSteps);
        m.put("policy_loss", meanOver(loss));
        m.put("entropy", meanOver(entropy));
        m.put("approx_kl", meanOver(kl));
        m.put("clip_fraction", meanOver(clip));
        m.put("policy_steps_skipped", skippedSteps());
        for (int i = 0; i < roles.size(); i++) {
            if (steps[i] == 0) continue;
            String r = roles.get(i);
            m.put("policy_loss_" + r, loss[i] / steps[i]);
            m.put("entropy_" + r, entropy[i] / steps[i]);
            m.put("grad_norm_" + r, gradNorm[i] / steps[i]);
            m.put("approx_kl_" + r, kl[i] / steps[i]);
            m.put("first_ratio_dev_" + r, firstRatioDeviation[i]);
        }
        if (klToBase != null) for (int i = 0; i < roles.size(); i++) m.put("kl_to_base_" + roles.get(i), klToBase[i]);
        return m;
    }

    /** Mean over agents' steps; null (JSON null) during critic warm-up when no agent trained. */
    private Double meanOver(double[] x) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            sum += x[i];
            n += steps[i];
        }
        return n == 0 ? null : sum / n;
    }
}
