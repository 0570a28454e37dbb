package ai.marft.serve;

import ai.marft.lm.Generation;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import ai.marft.lm.TextGenerator;
import ai.marft.lm.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RescoringGeneratorTest {
    /** A server whose numerics differ: the engine's tokens with log-probs that are off. */
    record OffServer(LmEngine engine) implements TextGenerator {
        @Override
        public List<Generation> generate(List<int[]> prompts, List<String> adapters, SamplingParams params, long seed) {
            return engine.generate(prompts, adapters, params, seed).stream().map(g -> {
                float[] off = g.logprobs().clone();
                for (int k = 0; k < off.length; k++) off[k] = off[k] * 1.5f - 0.25f;
                return new Generation(g.tokens(), off, g.endedWithEos());
            }).toList();
        }

        @Override
        public Tokenizer tokenizer() {
            return engine.tokenizer();
        }
    }

    @Test
    void behaviourLogprobsAreTheTrainersOwnWhateverTheServerReports(@TempDir Path dir) throws Exception {
        try (LmEngine engine = LmEngine.load(ServeFixtures.model(dir, 13, false))) {
            ServeFixtures.adapter(engine, "planner", 3, null);
            ServeFixtures.adapter(engine, "solver", 4, null);
            List<int[]> prompts = List.of(new int[]{70, 71}, new int[]{72, 73, 74}, new int[]{75}, new int[]{76, 77}, new int[]{78});
            List<String> adapters = Arrays.asList("planner", "solver", null, "planner", "solver");
            SamplingParams sp = new SamplingParams(12, 0.7, 30, 0.95);
            List<Generation> local = engine.generate(prompts, adapters, sp, 5);
            List<Generation> rescored = new RescoringGenerator(new OffServer(engine), engine).generate(prompts, adapters, sp, 5);
            for (int b = 0; b < prompts.size(); b++) {
                assertThat(rescored.get(b).tokens()).isEqualTo(local.get(b).tokens());
                // what generate recorded while sampling: PPO's ratio exp(new - old) starts at 1 within 1e-4
                for (int k = 0; k < local.get(b).tokens().length; k++)
                    assertThat(rescored.get(b).logprobs()[k]).as("row %d token %d", b, k).isCloseTo(local.get(b).logprobs()[k], within(1e-4f));
            }
        }
    }
}
