package ai.marft.env;

import java.util.ArrayList;
import java.util.List;

/**
 * n environments stepped together (the reference's {@code n_rollout_threads}). An environment whose
 * episode ends is reset at once, so every environment always has a live observation; the step's
 * reward, done flag and info still describe the episode that ended.
 */
public final class VecEnv {
    private final List<Env> envs;
    private final List<List<String>> observations = new ArrayList<>();

    public VecEnv(List<? extends Env> envs) {
        if (envs.isEmpty()) throw new IllegalArgumentException("a VecEnv needs at least one environment");
        int agents = envs.getFirst().numAgents();
        for (Env e : envs)
            if (e.numAgents() != agents) throw new IllegalArgumentException("environments disagree on the number of agents");
        this.envs = List.copyOf(envs);
    }

    public int size() {
        return envs.size();
    }

    public int numAgents() {
        return envs.getFirst().numAgents();
    }

    public Env env(int e) {
        return envs.get(e);
    }

    /** Resets every environment (in index order) and returns the observations [env][agent]. */
    public List<List<String>> reset() {
        observations.clear();
        for (Env e : envs) observations.add(List.copyOf(e.reset()));
        return observations();
    }

    /** The observations the agents act on now [env][agent]: after {@link #reset()} or the last {@link #step}. */
    public List<List<String>> observations() {
        if (observations.isEmpty()) throw new IllegalStateException("VecEnv not reset yet");
        return List.copyOf(observations);
    }

    /**
     * Steps every environment with its joint action and resets those that are done (in index order).
     *
     * @param actions [env][agent] action texts
     * @return one result per environment, observations already those of the next episode where done
     */
    public List<StepResult> step(List<List<String>> actions) {
        if (observations.isEmpty()) throw new IllegalStateException("VecEnv not reset yet");
        if (actions.size() != envs.size()) throw new IllegalArgumentException(actions.size() + " joint actions for " + envs.size() + " environments");
        List<StepResult> results = new ArrayList<>(envs.size());
        for (int e = 0; e < envs.size(); e++) {
            StepResult r = envs.get(e).step(actions.get(e));
            if (r.done()) r = new StepResult(envs.get(e).reset(), r.rewards(), true, r.info());
            observations.set(e, r.observations());
            results.add(r);
        }
        return results;
    }
}
