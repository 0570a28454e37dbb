package ai.marft.train;

import ai.marft.algo.Minibatches;
import ai.marft.env.Tasks;

import ai.marft.InputError;
import ai.marft.env.Problem;
import ai.marft.env.QaEnv;
import ai.marft.env.StepResult;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.env.arith.ArithGrader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pieces exact resume rests on: problem order, episodes in flight, minibatch splits, checkpoint validity. */
class ResumePiecesTest {
    private static final List<Problem> FIVE = new ArithGenerator(4).generate(5);

    @Test
    void everyEpochIsAPermutationAndSeekingContinuesTheSameSequence() {
        EpochProblemSource a = new EpochProblemSource(FIVE, 9);
        List<Problem> seq = new ArrayList<>();
        for (int k = 0; k < 15; k++) seq.add(a.next());
        for (int epoch = 0; epoch < 3; epoch++)
            assertThat(new HashSet<>(seq.subList(5 * epoch, 5 * epoch + 5))).containsExactlyInAnyOrderElementsOf(FIVE);
        assertThat(seq.subList(0, 5)).isNotEqualTo(seq.subList(5, 10)); // fresh permutation per epoch (seed 9)
        EpochProblemSource b = new EpochProblemSource(FIVE, 9);
        b.seek(1, 3); // 8 problems drawn
        for (int k = 8; k < 15; k++) assertThat(b.next()).isEqualTo(seq.get(k));
    }

    private static ResumableEnv env(List<Problem> problems, int horizon) {
        EpochProblemSource src = new EpochProblemSource(problems, 1);
        return new ResumableEnv(src, s -> new QaEnv(List.of("a", "b"), new boolean[]{false, true}, new ArithGrader(), s, horizon));
    }

    @Test
    void aRestoredEnvironmentContinuesTheEpisodeInFlight() {
        ResumableEnv original = env(FIVE, 3);
        original.reset();
        original.step(List.of("plan", "\\boxed{1000}"));
        StepResult second = original.step(List.of("plan again", "no answer"));
        ResumableEnv.Snapshot snap = original.snapshot();
        assertThat(snap.actions()).hasSize(2);

        ResumableEnv restored = env(List.of(new Problem("unused", "0")), 3);
        restored.restore(snap);
        assertThat(restored.reset()).isEqualTo(second.observations());
        StepResult a = original.step(List.of("x", "\\boxed{7}")), b = restored.step(List.of("x", "\\boxed{7}"));
        assertThat(b.observations()).isEqualTo(a.observations());
        assertThat(b.done()).isTrue(); // horizon 3 reached on both
        assertThat(b.info()).isEqualTo(a.info());
    }

    @Test
    void theLastStepOfAnEpisodeReportsItsReturn() {
        Problem p = FIVE.getFirst();
        ResumableEnv e = env(List.of(p), 2);
        e.reset();
        assertThat(e.step(List.of("p", "wrong")).info()).doesNotContainKey(ResumableEnv.EPISODE_RETURN);
        StepResult last = e.step(List.of("p", "\\boxed{" + p.finalAnswer() + "}"));
        assertThat(last.info().get(ResumableEnv.EPISODE_RETURN)).isEqualTo(1.0);
    }

    @Test
    void minibatchesCoverEveryRowOnceWithNearEqualSizes() {
        assertThat(Minibatches.chunks(new int[]{0, 1, 2, 3, 4, 5, 6}, 3)).containsExactly(new int[]{0, 1, 2}, new int[]{3, 4}, new int[]{5, 6});
        assertThat(Minibatches.chunks(new int[]{4, 2}, 5)).containsExactly(new int[]{4}, new int[]{2});
        List<int[]> parts = Minibatches.split(10, 3, new Random(3));
        assertThat(parts.stream().mapToInt(x -> x.length).toArray()).containsExactly(4, 3, 3);
        int[] all = parts.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertThat(all).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void aCheckpointWithoutItsCompletionMarkerIsRefused(@TempDir Path tmp) throws Exception {
        Path half = Files.createDirectories(tmp.resolve("steps_0002"));
        Files.writeString(half.resolve(Checkpoints.STATE), "{}");
        assertThatThrownBy(() -> Checkpoints.readState(half)).isInstanceOf(InputError.class).hasMessageContaining("incomplete");
    }

    @Test
    void arithDatasetsAreRecognised() {
        assertThat(Tasks.infer(FIVE)).isEqualTo("arith");
        assertThat(Tasks.infer(List.of(new Problem("Solve $x^2 = 4$.", "2")))).isEqualTo("math");
    }
}
