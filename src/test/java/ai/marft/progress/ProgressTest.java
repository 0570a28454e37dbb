package ai.marft.progress;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Percent and ETA over count and time budgets, worked out by hand; line and redraw modes on a fake clock. */
class ProgressTest {
    private long now;

    @Test
    void theBudgetThatRunsOutFirstSetsPercentAndEta() {
        Budget count = Budget.units(100);
        assertThat(count.fraction(25, 60)).isEqualTo(0.25);
        assertThat(count.secondsLeft(25, 60)).isCloseTo(180, within(1e-9)); // 60 s per 25 → 75 more take 180 s
        assertThat(count.secondsLeft(0, 5)).isNaN();
        Budget time = new Budget(0, 0, 600);
        assertThat(time.fraction(40, 150)).isEqualTo(0.25);
        assertThat(time.secondsLeft(40, 150)).isEqualTo(450);
        Budget both = new Budget(100, 0, 600); // 10 iterations in 300 s: time is half used, count a tenth
        assertThat(both.fraction(10, 300)).isEqualTo(0.5);
        assertThat(both.secondsLeft(10, 300)).isEqualTo(300);
        Budget resumed = new Budget(100, 50, 0); // resumed at 50: rate from this process's 10 in 20 s
        assertThat(resumed.fraction(60, 20)).isEqualTo(0.6);
        assertThat(resumed.secondsLeft(60, 20)).isCloseTo(80, within(1e-9));
    }

    @Test
    void offATerminalAPlainLineEveryTenSecondsAndTheLast() {
        var bytes = new ByteArrayOutputStream();
        Progress p = new Progress("train", "iteration", new Budget(0, 0, 120), new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 10, () -> now);
        for (int i = 1; i <= 12; i++) {
            now = i * 3_000_000_000L; // one iteration per 3 s: printed at 3, 15, 27 s; 36 s held back until close
            p.iteration(i, 0.25, 0.5, 1500);
        }
        p.close();
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[0]).isEqualTo("train   3% [#.......................] iteration 1 (0:03 of 2:00)  reward 0.250  accuracy 0.500  1500 tokens/s  ETA 1:57");
        assertThat(lines[1]).startsWith("train  13% [###.....................] iteration 5 (0:15 of 2:00)");
        assertThat(lines[3]).startsWith("train  30% [#######.................] iteration 12 (0:36 of 2:00)").endsWith("ETA 1:24");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("\r");
    }

    @Test
    void onATerminalTheLineIsRedrawnAndTheCountEndsIt() {
        var bytes = new ByteArrayOutputStream();
        Progress p = new Progress("eval", "episode", Budget.units(300), new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 10, () -> now);
        now = 1_000_000_000L;
        p.episodes(100, 0.3, 1700);
        now = 1_100_000_000L; // within 0.2 s of the last draw: held back
        p.episodes(120, 0.3, 1700);
        now = 3_000_000_000L;
        p.episodes(300, 0.31, 1700);
        p.close();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).startsWith("\reval  33% [########................] episode 100/300  accuracy so far 0.300  1700 tokens/s  ETA 0:02");
        assertThat(out).doesNotContain("episode 120/").contains("\reval 100% [########################] episode 300/300").endsWith("ETA 0:00\n");
    }

    @Test
    void clockShowsHoursFromAnHour() {
        assertThat(Progress.clock(59.6)).isEqualTo("1:00");
        assertThat(Progress.clock(3725)).isEqualTo("1:02:05");
    }
}
