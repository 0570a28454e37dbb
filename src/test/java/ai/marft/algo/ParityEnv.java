package ai.marft.algo;

import ai.marft.env.Env;
import ai.marft.env.QaEnv;
import ai.marft.env.StepResult;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Test task: one-step episodes of one problem "p"; the last agent earns 1 when its text starts with a character of even code. */
final class ParityEnv implements Env {
    private final int agents;

    ParityEnv(int agents) {
        this.agents = agents;
    }

    @Override
    public int numAgents() {
        return agents;
    }

    @Override
    public List<String> reset() {
        return Collections.nCopies(agents, "say something\n");
    }

    @Override
    public StepResult step(List<String> actions) {
        String last = actions.getLast();
        double[] r = new double[agents];
        r[agents - 1] = !last.isEmpty() && last.charAt(0) % 2 == 0 ? 1 : 0;
        return new StepResult(reset(), r, true, Map.of(QaEnv.PROBLEM, "p", QaEnv.STEP, 1));
    }
}
