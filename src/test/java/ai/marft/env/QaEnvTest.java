package ai.marft.env;

import ai.marft.InputError;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QaEnvTest {
    static final List<Problem> PROBLEMS = List.of(new Problem("1+1?", "2"), new Problem("2+3?", "5"), new Problem("3*3?", "9"));

    private static QaEnv duo(int horizon) {
        return new QaEnv(List.of("reasoner", "actor"), new boolean[]{false, true}, new BoxedGrader(), ProblemSource.sequential(PROBLEMS), horizon);
    }

    @Test
    void resetGivesEveryAgentTheProblemState() {
        assertThat(duo(3).reset()).containsExactly("<|im_start|>problem: 1+1?<|im_end|>\n", "<|im_start|>problem: 1+1?<|im_end|>\n");
    }

    @Test
    void correctAnswerEndsTheEpisodeAndRewardsOnlyTheLastAgent() {
        QaEnv env = duo(3);
        env.reset();
        StepResult r = env.step(List.of("add them", "so \\boxed{2}"));
        String state = "<|im_start|>problem: 1+1?<|im_end|>\nreasoner: add them\nactor: so \\boxed{2}\njudge: The answer is correct.\n";
        assertThat(r.observations()).containsExactly(state, state);
        assertThat(r.rewards()).containsExactly(0.0, 1.0);
        assertThat(r.done()).isTrue();
        assertThat(r.info()).containsEntry(QaEnv.CORRECT, true).containsEntry(QaEnv.SCORE, 1.0).containsEntry(QaEnv.STEP, 1)
                .containsEntry(QaEnv.PROBLEM, "1+1?").containsEntry(QaEnv.GOLD, "2")
                .containsEntry(QaEnv.ANSWERS, Arrays.asList(null, "2"));
        assertThatThrownBy(() -> env.step(List.of("a", "b"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void wrongAnswersRunToTheHorizonWithJudgeFeedbackInTheState() {
        QaEnv env = duo(2);
        env.reset();
        StepResult first = env.step(List.of("guess", "\\boxed{3}"));
        assertThat(first.done()).isFalse();
        assertThat(first.rewards()).containsExactly(0.0, 0.0);
        StepResult second = env.step(List.of("again", "no box"));
        assertThat(second.done()).isTrue();
        assertThat(second.info()).containsEntry(QaEnv.STEP, 2).containsEntry(QaEnv.CORRECT, false)
                .containsEntry(QaEnv.ANSWERS, Arrays.asList(null, null));
        assertThat(env.state()).isEqualTo("<|im_start|>problem: 1+1?<|im_end|>\n"
                + "reasoner: guess\nactor: \\boxed{3}\njudge: The answer is incorrect.\n"
                + "reasoner: again\nactor: no box\njudge: The answer is incorrect.\n");
        assertThat(env.reset()).first().isEqualTo("<|im_start|>problem: 2+3?<|im_end|>\n");
    }

    @Test
    void scoreIsTheFractionOfGradedAgentsCorrect() {
        QaEnv env = new QaEnv(List.of("a", "b", "c"), new boolean[]{true, false, true}, new BoxedGrader(), ProblemSource.sequential(PROBLEMS), 1);
        env.reset();
        StepResult r = env.step(List.of("\\boxed{2}", "\\boxed{2}", "\\boxed{7}"));
        assertThat(r.rewards()).containsExactly(0.0, 0.0, 0.5);
        assertThat(r.done()).isTrue();
        assertThat(r.observations().getFirst()).endsWith("judge: The answer is correct.\n");
    }

    @Test
    void teamWithoutGradedAgentIsAnInputError() {
        assertThatThrownBy(() -> new QaEnv(List.of("a"), new boolean[]{false}, new BoxedGrader(), ProblemSource.sequential(PROBLEMS), 1))
                .isInstanceOf(InputError.class).hasMessageContaining("with_answer");
    }

    @Test
    void shuffledSourceIsSeededAndDrawsEachProblemOncePerEpoch() {
        List<Problem> many = java.util.stream.IntStream.range(0, 20).mapToObj(i -> new Problem("p" + i, "" + i)).toList();
        ProblemSource a = ProblemSource.shuffled(many, 42), b = ProblemSource.shuffled(many, 42), c = ProblemSource.shuffled(many, 43);
        List<Problem> epochA = java.util.stream.Stream.generate(a::next).limit(40).toList();
        List<Problem> epochB = java.util.stream.Stream.generate(b::next).limit(40).toList();
        List<Problem> epochC = java.util.stream.Stream.generate(c::next).limit(20).toList();
        assertThat(epochA).isEqualTo(epochB);
        assertThat(epochA.subList(0, 20)).containsExactlyInAnyOrderElementsOf(many).isNotEqualTo(many).isNotEqualTo(epochC);
        assertThat(epochA.subList(20, 40)).containsExactlyInAnyOrderElementsOf(many).isNotEqualTo(epochA.subList(0, 20));
    }
}
