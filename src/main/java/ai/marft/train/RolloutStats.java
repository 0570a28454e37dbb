package ai.marft.train;

import ai.marft.env.QaEnv;
import ai.marft.mas.RolloutBatch;

import java.util.LinkedHashMap;
import java.util.Map;

/** The rollout half of a metrics line, and the process's resident memory. */
final class RolloutStats {
    private RolloutStats() {}

    /**
     * reward_mean: mean over (step, env) of the joint step's summed rewards; episodes: episodes that
     * ended; episodic_return and accuracy: mean return and fraction correct over those (null when none ended);
     * tokens: action tokens generated.
     */
    static Map<String, Object> of(RolloutBatch b) {
        double rewardSum = 0, returnSum = 0;
        int ended = 0, correct = 0;
        for (int t = 0; t < b.steps(); t++)
            for (int e = 0; e < b.envs(); e++) {
                for (double r : b.rewards()[t][e]) rewardSum += r;
                if (!b.dones()[t][e]) continue;
                Map<String, Object> info = b.infos().get(t).get(e);
                ended++;
                if (info.get(ResumableEnv.EPISODE_RETURN) instanceof Double d) returnSum += d;
                if (Boolean.TRUE.equals(info.get(QaEnv.CORRECT))) correct++;
            }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reward_mean", rewardSum / (b.steps() * b.envs()));
        m.put("episodes", ended);
        m.put("episodic_return", ended == 0 ? null : returnSum / ended);
        m.put("accuracy", ended == 0 ? null : (double) correct / ended);
        m.put("tokens", b.tokenCount());
        routing(b, m);
        return m;
    }

    /**
     * With a router: router_fallbacks, the (step, env) pairs whose routing action was malformed (the
     * default route was taken), and route_&lt;a+b&gt;, the share of (step, env) pairs that took each route.
     */
    private static void routing(RolloutBatch b, Map<String, Object> m) {
        int fallbacks = 0, routed = 0;
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (int t = 0; t < b.steps(); t++)
            for (int e = 0; e < b.envs(); e++) {
                String route = b.routes()[t][e];
                if (route == null) continue;
                routed++;
                if (b.fallbacks()[t][e]) fallbacks++;
                counts.merge("route_" + route.replace(", ", "+"), 1, Integer::sum);
            }
        if (routed == 0) return;
        m.put("router_fallbacks", fallbacks);
        for (var c : counts.entrySet()) m.put(c.getKey(), (double) c.getValue() / routed);
    }
}
