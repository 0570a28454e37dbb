package ai.marft.env;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VecEnvTest {
    private static String problemState(String p) {
        return "<|im_start|>problem: " + p + "<|im_end|>\n";
    }

    @Test
    void doneEnvironmentsResetAutomaticallyFromTheSharedSource() {
        VecEnv vec = QaEnv.vectorised(3, List.of("solver"), new boolean[]{true}, new BoxedGrader(), ProblemSource.sequential(QaEnvTest.PROBLEMS), 2);
        assertThat(vec.reset()).containsExactly(List.of(problemState("1+1?")), List.of(problemState("2+3?")), List.of(problemState("3*3?")));

        // env 0 right, env 1 wrong, env 2 wrong
        List<StepResult> r = vec.step(List.of(List.of("\\boxed{2}"), List.of("\\boxed{4}"), List.of("?")));
        assertThat(r.stream().map(StepResult::done)).containsExactly(true, false, false);
        assertThat(r.stream().map(s -> s.rewards()[0])).containsExactly(1.0, 0.0, 0.0);
        // the done env already shows the next problem (the source wraps around); its info is still the old episode's
        assertThat(r.get(0).observations()).containsExactly(problemState("1+1?"));
        assertThat(r.get(0).info()).containsEntry(QaEnv.PROBLEM, "1+1?").containsEntry(QaEnv.STEP, 1);
        assertThat(r.get(1).observations().getFirst()).isEqualTo(problemState("2+3?") + "solver: \\boxed{4}\njudge: The answer is incorrect.\n");
        assertThat(vec.observations().get(1)).isEqualTo(r.get(1).observations());

        // second step: envs 1 and 2 hit the horizon, env 0 is on its new episode's first step
        r = vec.step(List.of(List.of("x"), List.of("\\boxed{5}"), List.of("y")));
        assertThat(r.stream().map(StepResult::done)).containsExactly(false, true, true);
        assertThat(r.stream().map(s -> s.info().get(QaEnv.STEP))).containsExactly(1, 2, 2);
        assertThat(r.stream().map(s -> s.rewards()[0])).containsExactly(0.0, 1.0, 0.0);
        assertThat(vec.observations()).containsExactly(
                List.of(problemState("1+1?") + "solver: x\njudge: The answer is incorrect.\n"),
                List.of(problemState("2+3?")),
                List.of(problemState("3*3?")));
    }
}
