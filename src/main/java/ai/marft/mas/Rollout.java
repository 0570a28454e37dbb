package ai.marft.mas;

import ai.marft.env.StepResult;
import ai.marft.env.VecEnv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Collects experience: T joint steps of a team in n environments. Each step the agents act layer by
 * layer ({@link TeamPolicy}), then every environment steps (and resets when done). The environments
 * carry on from where the previous rollout left them.
 */
public final class Rollout {
    private Rollout() {}

    /**
     * @param envs          reset before the first rollout; its agents are the policy's team in acting order
     * @param episodeLength T, the joint steps to run
     * @param seed          step t is acted with seed {@code Seeds.mix(seed, t)}; give each rollout its own
     *                      seed (e.g. {@code Seeds.mix(runSeed, iteration)})
     */
    public static RolloutBatch run(TeamPolicy policy, VecEnv envs, int episodeLength, long seed) {
        return run(policy, envs, episodeLength, seed, 0);
    }

    /**
     * As above; with a router ({@link Routes}), absent agents get no action (the environment receives
     * null for them), a reward the environment gave an absent agent goes to the router (who left it out),
     * and a malformed routing action adds {@code routerPenalty} to the router's reward of that step.
     */
    public static RolloutBatch run(TeamPolicy policy, VecEnv envs, int episodeLength, long seed, double routerPenalty) {
        if (episodeLength < 1) throw new IllegalArgumentException("episode length must be >= 1, got " + episodeLength);
        if (envs.numAgents() != policy.team().size())
            throw new IllegalArgumentException("environments expect " + envs.numAgents() + " agents, the team has " + policy.team().size());
        int n = envs.size(), agents = policy.team().size();
        AgentStep[][][] actions = new AgentStep[episodeLength][][];
        double[][][] rewards = new double[episodeLength][n][];
        boolean[][] dones = new boolean[episodeLength][n];
        List<List<Map<String, Object>>> infos = new ArrayList<>();
        String[][] routes = new String[episodeLength][n];
        boolean[][] fallbacks = new boolean[episodeLength][n];
        int router = policy.team().router();
        for (int t = 0; t < episodeLength; t++) {
            TeamPolicy.JointStep step = policy.actJoint(envs.observations(), Seeds.mix(seed, t));
            actions[t] = step.steps();
            List<List<String>> joint = new ArrayList<>();
            for (int e = 0; e < n; e++) {
                List<String> texts = new ArrayList<>(agents);
                for (AgentStep a : actions[t][e]) texts.add(a == null ? null : a.actionText());
                joint.add(texts);
                if (step.routes().get(e) != null) routes[t][e] = String.join(", ", step.routes().get(e));
                fallbacks[t][e] = step.fallbacks()[e];
            }
            List<StepResult> results = envs.step(joint);
            List<Map<String, Object>> stepInfos = new ArrayList<>();
            for (int e = 0; e < n; e++) {
                rewards[t][e] = results.get(e).rewards().clone();
                if (router >= 0) {
                    for (int i = 0; i < agents; i++)
                        if (actions[t][e][i] == null) {
                            rewards[t][e][router] += rewards[t][e][i];
                            rewards[t][e][i] = 0;
                        }
                    if (fallbacks[t][e]) rewards[t][e][router] += routerPenalty;
                }
                dones[t][e] = results.get(e).done();
                stepInfos.add(results.get(e).info());
            }
            infos.add(List.copyOf(stepInfos));
        }
        List<List<String>> last = envs.observations();
        int[][] bootstrap = new int[n][];
        for (int e = 0; e < n; e++) bootstrap[e] = policy.firstAgentPrompt(last.get(e));
        return new RolloutBatch(actions, rewards, dones, List.copyOf(infos), last, bootstrap, routes, fallbacks);
    }
}
