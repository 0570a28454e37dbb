package ai.marft.eval;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code marft eval --samples K}: accuracy and pass@k intervals clustered by problem, against values
 * worked out by hand below (z = 1.959963984540054, z² = 3.841458820694125; Wilson at p over n trials:
 * centre (p + z²/2n) / (1 + z²/n), half-width z / (1 + z²/n) × √(p(1-p)/n + z²/4n²)).
 */
class ProblemClustersTest {
    /** 3 problems × 4 samples with 4, 1 and 1 correct: 6 of 12 episodes. */
    private static EvalReport report(int... correctPerProblem) {
        int samples = 4;
        List<EpisodeRecord> records = new ArrayList<>();
        int correct = 0;
        for (int i = 0; i < correctPerProblem.length; i++)
            for (int s = 0; s < samples; s++) {
                boolean ok = s < correctPerProblem[i];
                if (ok) correct++;
                records.add(new EpisodeRecord(i, s, "p" + i, "1", ok ? "1" : "2", ok, ok ? 1 : 0, 1, ""));
            }
        return new EvalReport(new EvaluatorOptions(correctPerProblem.length, samples, 0, 1, 8), correct, List.of("solver"),
                new double[]{1.0}, 0, 1.0, records);
    }

    @Test
    void accuracyIntervalCountsProblemsNotSamples() {
        EvalReport r = report(4, 1, 1);
        // per-problem fractions 1, 1/4, 1/4: p = 1/2; deviations 1/2, -1/4, -1/4, sum of squares 3/8,
        // sample variance 3/16, variance of the mean 3/16 / 3 = 1/16; n_eff = p(1-p) / (1/16) = 4, inside [3, 12].
        // Wilson at p = 1/2, n = 4: z²/n = 0.960365, centre 1/2, half = 1.959964 / 1.960365 × √(1/16 + 0.060023) = 0.349961
        assertThat(r.accuracy()).isEqualTo(0.5);
        assertThat(r.accuracyEstimate().effectiveN()).isCloseTo(4.0, within(1e-12));
        assertThat(r.ci95()).containsExactly(new double[]{0.15003898915214953, 0.8499610108478505}, within(1e-12));
        // wider than the interval that took the 12 episodes as independent: Wilson 6/12 = [0.253782, 0.746218]
        assertThat(EvalReport.wilson(6, 12, EvalReport.Z95)).containsExactly(new double[]{0.2537815976337061, 0.7462184023662939}, within(1e-12));
    }

    @Test
    void passAtKIsChenEtAlsUnbiasedEstimatorWithItsOwnInterval() {
        EvalReport r = report(4, 1, 1);
        List<ProblemClusters.Estimate> pass = r.passAtK();
        assertThat(pass).extracting(ProblemClusters.Estimate::k).containsExactly(1, 2, 4);
        // pass@1 is the accuracy and its interval
        assertThat(pass.get(0).value()).isEqualTo(0.5);
        assertThat(pass.get(0).ci95()).containsExactly(r.ci95(), within(0.0));
        // pass@2 per problem: 4/4 right → 1; 1/4 right → 1 - C(3,2)/C(4,2) = 1 - 3/6 = 1/2. Mean 2/3;
        // deviations 1/3, -1/6, -1/6, sum of squares 1/6, sample variance 1/12, of the mean 1/36;
        // n_eff = (2/9) / (1/36) = 8, capped at 3 × ⌊4/2⌋ = 6. Wilson at 2/3 over 6: z²/n = 0.640243,
        // centre (2/3 + 0.320122) / 1.640243 = 0.601611, half 1.194923 × √(1/27 + 0.026677) = 0.301618
        assertThat(pass.get(1).value()).isCloseTo(2.0 / 3, within(1e-15));
        assertThat(pass.get(1).effectiveN()).isEqualTo(6.0);
        assertThat(pass.get(1).ci95()).containsExactly(new double[]{0.299993315138392, 0.9032285888942195}, within(1e-12));
        // pass@4: every problem has a right sample → 1 each; no spread to measure dependence: n_eff = N = 3,
        // and Wilson at p = 1 over 3 has lower bound 1 / (1 + z²/3) = 0.438503
        assertThat(pass.get(2).value()).isEqualTo(1.0);
        assertThat(pass.get(2).effectiveN()).isEqualTo(3.0);
        assertThat(pass.get(2).ci95()).containsExactly(new double[]{0.43850296824495455, 1.0}, within(1e-12));

        JsonNode json = r.toJson();
        assertThat(json.get("ci95_effective_n").asDouble()).isCloseTo(4.0, within(1e-12));
        assertThat(json.get("pass_at_k").get("2").get("estimate").asDouble()).isCloseTo(2.0 / 3, within(1e-15));
        assertThat(json.get("pass_at_k").get("4").get("ci95").get(0).asDouble()).isCloseTo(0.43850296824495455, within(1e-12));
        assertThat(r.table()).contains("95% CI [0.1500, 0.8500]").contains("worth 4.0 independent episodes of 12")
                .contains("pass@2       0.6667  95% CI [0.3000, 0.9032]");
    }

    @Test
    void effectiveTrialsStayBetweenProblemsAndEpisodes() {
        // every problem 2/4 right: no between-problem spread, so the 12 episodes count fully (n_eff = 12):
        // the same interval as Wilson 6/12
        assertThat(report(2, 2, 2).ci95()).containsExactly(new double[]{0.2537815976337061, 0.7462184023662939}, within(1e-12));
        // all or nothing per problem (4, 0, 4): fractions 1, 0, 1, p = 2/3, sample variance 1/3, of the mean 1/9,
        // p(1-p) / (1/9) = 2 → raised to N = 3: the 12 episodes are worth 3 problems, Wilson 2/3 over 3
        assertThat(report(4, 0, 4).accuracyEstimate().effectiveN()).isEqualTo(3.0);
        assertThat(report(4, 0, 4).ci95()).containsExactly(EvalReport.wilson(2, 3, EvalReport.Z95), within(1e-12));
    }

    @Test
    void passAtKMatchesTheBinomialDefinition() {
        // 1 - C(n-c, k) / C(n, k), with the binomials counted by hand
        assertThat(ProblemClusters.passAtK(5, 2, 2)).isCloseTo(1 - 3.0 / 10, within(1e-15));    // C(3,2)=3, C(5,2)=10
        assertThat(ProblemClusters.passAtK(10, 3, 5)).isCloseTo(1 - 21.0 / 252, within(1e-15)); // C(7,5)=21, C(10,5)=252
        assertThat(ProblemClusters.passAtK(10, 0, 5)).isZero();
        assertThat(ProblemClusters.passAtK(10, 6, 5)).isEqualTo(1.0);                           // fewer than 5 wrong
        assertThat(ProblemClusters.passAtK(4, 1, 1)).isEqualTo(0.25);
        assertThat(ProblemClusters.reportedK(6)).containsExactly(1, 2, 4, 6);
        assertThat(ProblemClusters.reportedK(1)).containsExactly(1);
    }

    @Test
    void oneSamplePerProblemKeepsThePlainWilsonInterval() {
        EvalReport r = new EvalReport(new EvaluatorOptions(10, 1, 0, 1, 8), 5, List.of("solver"), new double[]{1.0}, 0, 1.0,
                java.util.stream.IntStream.range(0, 10).mapToObj(i -> new EpisodeRecord(i, 0, "p", "1", "1", i % 2 == 0, 1, 1, "")).toList());
        assertThat(r.ci95()).containsExactly(EvalReport.wilson(5, 10, EvalReport.Z95), within(1e-15));
        assertThat(r.passAtK()).isEmpty();
        assertThat(r.toJson().has("pass_at_k")).isFalse();
    }
}
