package ai.marft.serve;

import ai.djl.ndarray.NDManager;
import ai.marft.lm.ActionScores;
import ai.marft.lm.Generation;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.lm.TextGenerator;
import ai.marft.lm.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Tokens from one generator, behaviour log-probs from the trainer's own engine: each row's sampled
 * ids are scored by {@link LmEngine#scoreActions} under the same sampling distribution and adapter
 * (no gradient), so PPO's first ratios are 1 whatever numerics the servers run (vLLM's kernels, its
 * raw-logit log-probs, another batch shape). Rows are scored in one call per adapter.
 */
public final class RescoringGenerator implements TextGenerator {
    private final TextGenerator sampler;
    private final LmEngine scorer;

    /** @param scorer holds the same adapters, under the names the caller passes, as the sampler serves */
    public RescoringGenerator(TextGenerator sampler, LmEngine scorer) {
        this.sampler = sampler;
        this.scorer = scorer;
    }

    @Override
    public Tokenizer tokenizer() {
        return sampler.tokenizer();
    }

    @Override
    public List<Generation> generate(List<int[]> prompts, List<String> adapters, SamplingParams params, long seed) {
        List<Generation> sampled = sampler.generate(prompts, adapters, params, seed);
        Map<String, List<Integer>> byAdapter = new LinkedHashMap<>(); // a null key: the base model
        for (int b = 0; b < prompts.size(); b++) byAdapter.computeIfAbsent(adapters.get(b), k -> new ArrayList<>()).add(b);
        Generation[] out = new Generation[prompts.size()];
        for (var e : byAdapter.entrySet()) {
            List<Integer> rows = e.getValue();
            List<int[]> p = new ArrayList<>(), a = new ArrayList<>();
            for (int b : rows) {
                p.add(prompts.get(b));
                a.add(sampled.get(b).tokens());
            }
            try (NDManager m = scorer.model().manager().newSubManager()) {
                ActionScores sc = scorer.scoreActions(m, p, a, e.getKey(), params, false);
                float[] lp = sc.logprobs().toFloatArray();
                int amax = (int) sc.logprobs().getShape().get(1);
                for (int k = 0; k < rows.size(); k++) {
                    Generation g = sampled.get(rows.get(k));
                    out[rows.get(k)] = new Generation(g.tokens(), Arrays.copyOfRange(lp, k * amax, k * amax + g.tokens().length), g.endedWithEos());
                }
            }
        }
        return Arrays.stream(out).map(Objects::requireNonNull).toList();
    }
}
