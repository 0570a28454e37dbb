package ai.marft.pretrain;

import ai.marft.env.Problem;
import ai.marft.pretrain.ArithAgent;
import ai.marft.env.arith.ArithGenerator;
import ai.marft.pretrain.Transcript;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TranscriptSourceTest {
    static final List<ArithAgent> DUAL = ArithAgent.readProfiles(PretrainerTest.DUAL), SOLO = ArithAgent.readProfiles(PretrainerTest.SOLO);

    @Test
    void heldOutProblemsAreSkippedByText() {
        List<Problem> stream = new ArithGenerator(77).generate(40);
        Set<String> heldOut = new HashSet<>();
        for (Problem p : stream.subList(0, 20)) heldOut.add(p.problem());
        Problem expected = stream.stream().skip(20).filter(p -> !heldOut.contains(p.problem())).findFirst().orElseThrow();
        TranscriptSource source = new TranscriptSource(DUAL, SOLO, PretrainerTest.tiny(1, 1), heldOut, 77);
        assertThat(source.nextProblem()).isEqualTo(expected);
        assertThat(source.skipped()).isEqualTo(stream.indexOf(expected));
        for (int i = 0; i < 300; i++) assertThat(heldOut).doesNotContain(source.nextProblem().problem());
    }

    @Test
    void playsBothTeamsAtEveryHorizonInTheRolloutFormat() {
        TranscriptSource source = new TranscriptSource(DUAL, SOLO, PretrainerTest.tiny(1, 1), Set.of(), 3);
        List<Transcript> ts = source.next(400);
        Set<Integer> steps = new HashSet<>();
        int planners = 0, soloTurns = 0;
        for (Transcript t : ts) {
            steps.add(t.step());
            if (t.role().equals("planner")) planners++;
            if (t.prompt().startsWith(SOLO.getFirst().prompt())) soloTurns++;
            assertThat(t.prompt()).endsWith("<|im_start|>" + t.role() + ": ");
            // later steps carry the judge's line of the step before
            assertThat(t.prompt().contains("judge: The answer is incorrect.\n")).isEqualTo(t.step() > 1);
        }
        assertThat(steps).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(planners).isPositive();
        assertThat(soloTurns).isPositive();
    }
}
