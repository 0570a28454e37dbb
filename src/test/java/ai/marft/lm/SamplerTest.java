package ai.marft.lm;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The sampler's allocation-free pieces against plain references (a full sort), and its two entry points against each other. */
class SamplerTest {
    @Test
    void kthLargestIsTheKthValueOfTheSortedArray() {
        Random r = new Random(4);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(500), k = 1 + r.nextInt(n);
            float[] a = new float[n];
            for (int i = 0; i < n; i++) a[i] = trial % 3 == 0 ? r.nextInt(7) : (float) r.nextGaussian(); // ties too
            float[] sorted = a.clone();
            Arrays.sort(sorted);
            assertThat(Sampler.kthLargest(a.clone(), k)).as("n %d k %d", n, k).isEqualTo(sorted[n - k]);
        }
    }

    @Test
    void scratchDrawsEqualFreshDrawsAndLogprobsSumToOne() {
        Random r = new Random(8);
        int vocab = 300;
        float[] logits = new float[2 * vocab];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (r.nextGaussian() * 3);
        Sampler.Scratch s = new Sampler.Scratch(vocab);
        for (SamplingParams p : new SamplingParams[]{new SamplingParams(1, 0.7, 20, 0.9), new SamplingParams(1, 1.3, 0, 0.5),
                new SamplingParams(1, 0, 5, 1), new SamplingParams(1, 1, 0, 1)}) {
            Random a = new Random(1), b = new Random(1);
            for (int i = 0; i < 50; i++) {
                Sampler.Draw d = Sampler.draw(logits, vocab, vocab, p, a);
                int t = Sampler.draw(logits, vocab, vocab, p, b, s);
                assertThat(t).isEqualTo(d.token());
                assertThat(Sampler.logprob(s, t)).isEqualTo(d.logprob());
            }
            double total = 0;
            for (int v = 0; v < vocab; v++) total += Math.exp(Sampler.logprob(logits, vocab, vocab, p, v, s));
            assertThat(total).as("%s", p).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
        }
    }
}
