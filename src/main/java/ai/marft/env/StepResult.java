package ai.marft.env;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one joint step of an {@link Env} gives back.
 *
 * @param observations each agent's next observation; from a {@link VecEnv}, a done environment has
 *                     already been reset and these are the new episode's first observations
 * @param rewards      one reward per agent
 * @param done         whether the episode ended with this step (the same for every agent)
 * @param info         what the environment wants to report about the step (keys documented by each env)
 */
public record StepResult(List<String> observations, double[] rewards, boolean done, Map<String, Object> info) {
    public StepResult {
        observations = List.copyOf(observations);
        if (rewards.length != observations.size())
            throw new IllegalArgumentException(observations.size() + " observations but " + rewards.length + " rewards");
        rewards = rewards.clone();
        info = Collections.unmodifiableMap(new LinkedHashMap<>(info)); // null values allowed, order kept
    }
}
