package ai.marft.rl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Critic-free (GRPO-style) baseline: rewards are grouped by (problem, agent, turn) — the samples
 * that answered the same prompt position — and each advantage is (r − mean) / (std + eps) within
 * its group. The std is the sample estimator (divide by n − 1), as {@code torch.std} in common
 * GRPO implementations; a group of one sample gets advantage 0 (nothing to compare with).
 */
public final class GroupAdvantages {
    /** Identifies a group: the problem, the agent that acted and the turn (step) it acted at. */
    public record Key(String problemId, int agent, int turn) {}

    private GroupAdvantages() {}

    /** One advantage per sample, {@code keys.get(j)} naming the group of {@code rewards[j]}. */
    public static double[] compute(List<Key> keys, double[] rewards, double eps) {
        if (keys.size() != rewards.length) {
            throw new IllegalArgumentException(keys.size() + " group keys but " + rewards.length + " rewards");
        }
        Map<Key, List<Integer>> groups = new HashMap<>();
        for (int j = 0; j < rewards.length; j++) groups.computeIfAbsent(keys.get(j), k -> new ArrayList<>()).add(j);
        double[] adv = new double[rewards.length];
        for (List<Integer> members : groups.values()) {
            int n = members.size();
            if (n == 1) continue; // advantage 0
            double mean = 0;
            for (int j : members) mean += rewards[j];
            mean /= n;
            double squares = 0;
            for (int j : members) squares += (rewards[j] - mean) * (rewards[j] - mean);
            double std = Math.sqrt(squares / (n - 1));
            for (int j : members) adv[j] = (rewards[j] - mean) / (std + eps);
        }
        return adv;
    }
}
