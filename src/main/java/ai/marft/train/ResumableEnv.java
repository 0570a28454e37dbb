package ai.marft.train;

import ai.marft.env.Env;
import ai.marft.env.Problem;
import ai.marft.env.ProblemSource;
import ai.marft.env.StepResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Wraps a deterministic environment so that a checkpoint can capture the episode in flight and a
 * resumed run can rebuild it: it remembers the episode's problem and the joint actions so far, and
 * restores by replaying them. It also adds {@value #EPISODE_RETURN} (sum of all agents' rewards over
 * the episode) to the info of an episode's last step.
 */
public final class ResumableEnv implements Env {
    public static final String EPISODE_RETURN = "episode_return";

    /** The episode in flight: its problem and the joint actions taken so far. */
    public record Snapshot(Problem problem, List<List<String>> actions) {}

    private final Env inner;
    private final ProblemSource source;
    private Problem current;
    private Problem pending;
    private List<List<String>> replay = List.of();
    private final List<List<String>> actions = new ArrayList<>();
    private double episodeReturn;

    /**
     * @param source the shared problem order
     * @param make   builds the wrapped environment over the problem source it is given
     */
    public ResumableEnv(ProblemSource source, Function<ProblemSource, Env> make) {
        this.source = source;
        this.inner = make.apply(this::draw);
    }

    private Problem draw() {
        Problem p = pending != null ? pending : source.next();
        pending = null;
        current = p;
        return p;
    }

    /** The next reset starts {@code s}'s episode and replays its actions instead of drawing a problem. */
    public void restore(Snapshot s) {
        pending = s.problem();
        replay = List.copyOf(s.actions());
    }

    /** The episode in flight (after a reset). */
    public Snapshot snapshot() {
        return new Snapshot(current, List.copyOf(actions));
    }

    @Override
    public int numAgents() {
        return inner.numAgents();
    }

    @Override
    public List<String> reset() {
        List<String> obs = inner.reset();
        actions.clear();
        episodeReturn = 0;
        List<List<String>> steps = replay;
        replay = List.of();
        for (List<String> a : steps) {
            StepResult r = step(a);
            if (r.done()) throw new IllegalStateException("a replayed episode ended early: the environment is not deterministic");
            obs = r.observations();
        }
        return obs;
    }

    @Override
    public StepResult step(List<String> joint) {
        StepResult r = inner.step(joint);
        actions.add(java.util.Collections.unmodifiableList(new java.util.ArrayList<>(joint))); // null: an agent a router left out
        for (double x : r.rewards()) episodeReturn += x;
        if (!r.done()) return r;
        Map<String, Object> info = new LinkedHashMap<>(r.info());
        info.put(EPISODE_RETURN, episodeReturn);
        return new StepResult(r.observations(), r.rewards(), true, info);
    }
}
