package ai.marft.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** transcripts.jsonl: written by the training loop's calls, read back by the report. */
class TranscriptLogTest {
    @TempDir
    Path tmp;

    @Test
    void keepsTheFirstEpisodesOfEachIterationAndReadsBack() {
        try (TranscriptLog log = new TranscriptLog(tmp, 2)) {
            for (long it = 1; it <= 3; it++)
                for (int env = 0; env < 3; env++)
                    assertThat(log.episode(it, env, "What is " + env + " + 1?", List.of("planner", "solver"), Arrays.asList("plan it:", null),
                            List.of(env + " + 1", "\\boxed{" + (env + 1) + "}"), env == 1 ? 1.0 : 0.0, env == 1)).isEqualTo(env < 2);
        }
        List<Episode> all = Transcripts.readLog(tmp.resolve(TranscriptLog.FILE));
        assertThat(all).hasSize(6);
        Episode e = all.get(3);
        assertThat(e.iteration()).isEqualTo(2);
        assertThat(e.env()).isEqualTo(1);
        assertThat(e.correct()).isTrue();
        assertThat(e.reward()).isEqualTo(1.0);
        assertThat(e.turns()).containsExactly(new Episode.Turn("planner", "plan it:", "1 + 1"), new Episode.Turn("solver", null, "\\boxed{2}"));

        Transcripts t = Transcripts.read(tmp).orElseThrow();
        assertThat(t.left()).extracting(Episode::iteration).containsOnly(1L);
        assertThat(t.right()).extracting(Episode::iteration).containsOnly(3L);
        assertThat(t.paired()).isFalse();
    }

    @Test
    void resumeMovesIterationsAfterTheCheckpointAside() {
        try (TranscriptLog log = new TranscriptLog(tmp, 5)) {
            for (long it = 1; it <= 4; it++) log.episode(it, 0, "p", List.of("solver"), null, List.of("a"), 0, false);
        }
        java.nio.file.Path aside = ai.marft.train.MetricsLog.moveAsideAfter(tmp.resolve(TranscriptLog.FILE), 2);
        assertThat(Transcripts.readLog(tmp.resolve(TranscriptLog.FILE))).extracting(Episode::iteration).containsExactly(1L, 2L);
        assertThat(aside.getFileName().toString()).isEqualTo("transcripts.after_steps_0002.jsonl");
        assertThat(Transcripts.readLog(aside)).extracting(Episode::iteration).containsExactly(3L, 4L);
    }
}
