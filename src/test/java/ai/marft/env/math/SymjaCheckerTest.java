package ai.marft.env.math;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SymjaCheckerTest {
    @Test
    void identitiesAndNonIdentities() {
        SymjaChecker symja = new SymjaChecker(Duration.ofSeconds(5));
        assertThat(symja.isZero("(vx^2-1)/(vx-1)-(vx+1)")).isTrue();
        assertThat(symja.isZero("Cot(vx)-Cos(vx)/Sin(vx)")).isTrue();
        assertThat(symja.isZero("(va+5)*(vb+2)-(va*vb+2*va+5*vb+10)")).isTrue();
        assertThat(symja.isZero("vp-vq-(vq-vp)")).isFalse();
        assertThat(symja.isZero("Sqrt(4*vx^2)-2*vx")).isFalse(); // not for negative x
    }

    @Test
    void aCheckPastItsDeadlineIsNotZeroAndTheNextOneStillWorks() {
        SymjaChecker symja = new SymjaChecker(Duration.ofMillis(200));
        assertThat(symja.isZero("vx-vx")).isTrue(); // start-up is outside the deadline
        long start = System.nanoTime();
        // an identity, but Symja needs about 12 s to show it on this machine
        assertThat(symja.isZero("Sin(vx)^40-(1-Cos(vx)^2)^20")).isFalse();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(seconds).isLessThan(2.0);
        assertThat(symja.timeouts()).isEqualTo(1);
        assertThat(symja.isZero("(vx+1)^2-vx^2-2*vx-1")).isTrue();
        // the stopped evaluation does not keep burning a core: only the fresh worker is left
        assertThat(liveWorkersAfter(symja.threadNamePrefix(), Duration.ofSeconds(3))).isEqualTo(1);
    }

    private static long liveWorkersAfter(String prefix, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        long live;
        do {
            live = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix) && t.isAlive()).count();
            if (live <= 1) return live;
            Thread.onSpinWait();
        } while (System.nanoTime() < deadline);
        return live;
    }
}
