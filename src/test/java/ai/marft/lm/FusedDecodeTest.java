package ai.marft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.marft.Json;
import ai.marft.lm.decode.FusedDecoder;
import ai.marft.lm.decode.RowLora;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The fused decode path ({@code ai.marft.lm.decode}) against independent values: the float64 NumPy
 * goldens, the tensor library's full forward and training scorer, with mixed per-row adapters.
 */
class FusedDecodeTest {
    static {
        LmEngine.setThreads(1); // see TinyModels
    }

    private static final List<int[]> PROMPTS = List.of(new int[]{5, 9, 13, 2, 7, 30, 11}, new int[]{40, 3}, new int[]{8, 8, 21, 60}, new int[]{17});

    private static LmEngine withAdapters(Path dir, TinyModels.Flavour flavour) {
        LmEngine e = LmEngine.load(TinyModels.write(dir, flavour, 7));
        e.adapters().create("a", LoraConfig.defaults(), 1);
        e.adapters().create("b", new LoraConfig(4, 8, List.of(LoraTarget.values())), 2);
        GenerationTest.randomizeB(e.adapters().get("a"), 3);
        GenerationTest.randomizeB(e.adapters().get("b"), 4);
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2-tiny", "llama-tiny-bf16", "qwen2-tiny-f16"})
    void goldenLogprobsThroughTheFusedForward(String name) throws Exception {
        Path dir = GoldenLogprobsTest.fixture(name);
        JsonNode golden = Json.MAPPER.readTree(dir.resolve("golden.json").toFile());
        List<int[]> prompts = new ArrayList<>(), actions = new ArrayList<>();
        for (JsonNode s : golden.get("sequences")) {
            int[] seq = Json.MAPPER.convertValue(s, int[].class);
            prompts.add(Arrays.copyOf(seq, 1));
            actions.add(Arrays.copyOfRange(seq, 1, seq.length));
        }
        try (LmEngine engine = LmEngine.load(dir)) {
            assertThat(engine.decoder()).as("the fused decoder runs on these weights").isNotNull();
            BaseForward f = engine.baseForward(prompts, actions, false, new SamplingParams(1, 1.0, 0, 1.0));
            for (int b = 0; b < prompts.size(); b++) {
                JsonNode expected = golden.get("logprobs").get(b);
                assertThat(f.actionLogprobs()[b]).hasSize(expected.size());
                for (int k = 0; k < expected.size(); k++)
                    assertThat((double) f.actionLogprobs()[b][k]).as("%s seq %d token %d", name, b, k + 1).isCloseTo(expected.get(k).asDouble(), within(1e-4));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2-tiny", "llama-tiny-bf16", "qwen2-tiny-f16"})
    void cachedLogitsEqualTheTensorLibrarysFullForward(String name) throws Exception {
        try (LmEngine engine = LmEngine.load(GoldenLogprobsTest.fixture(name))) {
            int vocab = engine.model().config().vocabSize();
            List<int[]> prompts = List.of(new int[]{3, 1, 4, 1, 5}, new int[]{9, 2}, new int[]{6, 5, 3, 5, 8, 9, 7});
            assertCachedLogitsMatch(engine, prompts, Collections.nCopies(prompts.size(), null), vocab);
        }
    }

    @ParameterizedTest
    @EnumSource(TinyModels.Flavour.class)
    void mixedAdaptersInOneBatch(TinyModels.Flavour flavour, @TempDir Path dir) {
        try (LmEngine engine = withAdapters(dir, flavour)) {
            List<String> adapters = Arrays.asList("a", null, "b", "a");
            assertCachedLogitsMatch(engine, PROMPTS, adapters, engine.model().config().vocabSize());
            SamplingParams sp = new SamplingParams(10, 0.7, 12, 0.9), unfiltered = new SamplingParams(10, 0.7, 0, 1.0);
            List<Generation> gens = engine.generate(PROMPTS, adapters, sp, 5);
            boolean filtered = false;
            for (int b = 0; b < PROMPTS.size(); b++) {
                float[] behaviour = gens.get(b).logprobs();
                assertThat(behaviour).isNotEmpty();
                try (NDManager m = engine.model().manager().newSubManager()) {
                    ActionScores sc = engine.scoreActions(m, List.of(PROMPTS.get(b)), List.of(gens.get(b).tokens()), adapters.get(b), sp, false);
                    float[] lp = sc.logprobs().toFloatArray();
                    for (int j = 0; j < behaviour.length; j++)
                        assertThat(lp[j]).as("%s row %d (adapter %s) token %d", flavour, b, adapters.get(b), j).isCloseTo(behaviour[j], within(1e-4f));
                    // the same tokens without the top-k / top-p filters: what the KL-to-base estimate reads from the rollout,
                    // and what actionLogprobs gives through the fused forward with the row's adapter
                    float[] plain = engine.scoreActions(m, List.of(PROMPTS.get(b)), List.of(gens.get(b).tokens()), adapters.get(b), unfiltered, false)
                            .logprobs().toFloatArray();
                    float[] scored = engine.actionLogprobs(List.of(PROMPTS.get(b)), List.of(gens.get(b).tokens()), adapters.get(b), unfiltered)[0];
                    for (int j = 0; j < behaviour.length; j++) {
                        assertThat(gens.get(b).unfilteredLogprobs()[j]).as("%s row %d unfiltered token %d", flavour, b, j).isCloseTo(plain[j], within(1e-4f));
                        assertThat(scored[j]).as("%s row %d actionLogprobs token %d", flavour, b, j).isCloseTo(plain[j], within(1e-4f));
                    }
                    for (int j = 0; j < behaviour.length; j++) filtered |= lp[j] > plain[j] + 1e-3f; // renormalised over fewer tokens
                }
            }
            assertThat(filtered).as("the filters changed some log-prob, so the two records differ").isTrue();
        }
    }

    /**
     * Where the heap has no room for the packed copies the decoder reads the weights in place, on another
     * kernel (lane partial sums instead of one chain per output): its logits for the same tokens equal the
     * packed decoder's within 1e-5, on every fixture's layout (qwen2 biases and tied head, llama GQA).
     */
    @ParameterizedTest
    @ValueSource(strings = {"qwen2-tiny", "llama-tiny-bf16"})
    void weightsReadInPlaceGiveThePackedLogits(String name) throws Exception {
        try (LmEngine engine = LmEngine.load(GoldenLogprobsTest.fixture(name));
             FusedDecoder packed = new FusedDecoder(engine.model().decodeWeights(), Long.MAX_VALUE);
             FusedDecoder inPlace = new FusedDecoder(engine.model().decodeWeights(), 0)) {
            assertThat(packed.packed()).isTrue();
            assertThat(inPlace.packed()).isFalse();
            int vocab = engine.model().config().vocabSize();
            int[] ids = {3, 1, 4, 1, 5, 9, 2, 6}, rows = new int[ids.length], pos = new int[ids.length];
            for (int i = 0; i < ids.length; i++) pos[i] = i;
            float[][] logits = new float[2][ids.length * vocab];
            FusedDecoder[] decoders = {packed, inPlace};
            for (int d = 0; d < 2; d++)
                try (FusedDecoder.Session s = decoders[d].open(1, ids.length, RowLora.NONE, 1)) {
                    s.forward(ids.length, rows, pos, ids);
                    s.logits(s.hidden(), 0, ids.length, logits[d], 0);
                }
            for (int k = 0; k < logits[0].length; k++)
                assertThat(logits[1][k]).as("%s token %d id %d", name, k / vocab, k % vocab).isCloseTo(logits[0][k], within(1e-5f));
        }
    }

    /** Greedy decoding (EOS ignored) through the fused path; each step's logits against a full forward of the sequence alone. */
    private static void assertCachedLogitsMatch(LmEngine engine, List<int[]> prompts, List<String> adapters, int vocab) {
        int steps = 6;
        List<float[]> seen = new ArrayList<>();
        engine.observer = (step, logits) -> seen.add(logits.clone());
        List<Generation> gens;
        try {
            gens = engine.generate(prompts, adapters, new SamplingParams(steps, 0.0, 0, 1.0), 0, false);
        } finally {
            engine.observer = null;
        }
        assertThat(seen).hasSize(steps);
        for (int b = 0; b < prompts.size(); b++) {
            int[] p = prompts.get(b), full = Arrays.copyOf(p, p.length + steps - 1);
            System.arraycopy(gens.get(b).tokens(), 0, full, p.length, steps - 1);
            float[] ref = engine.fullLogits(List.of(full), adapters.get(b));
            for (int s = 0; s < steps; s++)
                for (int v = 0; v < vocab; v++)
                    assertThat(seen.get(s)[b * vocab + v]).as("row %d step %d id %d", b, s, v).isCloseTo(ref[(p.length - 1 + s) * vocab + v], within(1e-5f));
        }
    }

    @Test
    void fusedAndTensorPathsDrawTheSameTokensFromOneSeed(@TempDir Path dir) {
        try (LmEngine engine = withAdapters(dir, TinyModels.Flavour.QWEN2)) {
            List<String> adapters = Arrays.asList("b", null, "a", "b");
            SamplingParams sp = new SamplingParams(12, 0.9, 0, 1.0);
            List<Generation> fused = engine.generate(PROMPTS, adapters, sp, 11);
            engine.fused = false;
            List<Generation> tensor = engine.generate(PROMPTS, adapters, sp, 11);
            engine.fused = true;
            for (int b = 0; b < PROMPTS.size(); b++) {
                assertThat(fused.get(b).tokens()).as("row %d", b).isEqualTo(tensor.get(b).tokens());
                assertThat(fused.get(b).endedWithEos()).isEqualTo(tensor.get(b).endedWithEos());
                for (int j = 0; j < fused.get(b).logprobs().length; j++)
                    assertThat(fused.get(b).logprobs()[j]).isCloseTo(tensor.get(b).logprobs()[j], within(1e-4f));
            }
        }
    }

    @Test
    void baseForwardGivesTheCriticFeaturesAndBaseLogprobs(@TempDir Path dir) {
        try (LmEngine engine = withAdapters(dir, TinyModels.Flavour.LLAMA)) {
            int vocab = engine.model().config().vocabSize(), h = engine.model().config().hidden();
            Random r = new Random(3);
            List<int[]> actions = new ArrayList<>();
            for (int b = 0; b < PROMPTS.size(); b++) actions.add(b == 1 ? new int[0] : r.ints(3 + 2 * b, 0, vocab).toArray());
            SamplingParams sp = new SamplingParams(16, 0.7, 3, 1.0); // top-3: most random action tokens fall outside it
            BaseForward trunc = engine.baseForward(PROMPTS, actions, true, sp);
            BaseForward full = engine.baseForward(PROMPTS, actions, true, new SamplingParams(16, 0.7, 0, 1.0));
            try (NDManager m = engine.model().manager().newSubManager()) {
                NDArray ref = engine.baseHidden(m, PROMPTS, actions);
                int amax = (int) ref.getShape().get(1);
                float[] hs = ref.toFloatArray();
                float[] mine = trunc.actionHidden(m, amax).toFloatArray();
                for (int b = 0; b < PROMPTS.size(); b++) {
                    for (int k = 0; k < h; k++)
                        assertThat(trunc.promptHidden()[b][k]).as("row %d feature %d", b, k).isCloseTo(hs[b * amax * h + k], within(1e-5f));
                    for (int j = 0; j < actions.get(b).length; j++)
                        for (int k = 0; k < h; k++)
                            assertThat(mine[(b * amax + j) * h + k]).as("row %d position %d", b, j).isCloseTo(hs[(b * amax + j) * h + k], within(1e-5f));
                }
                float[] scored = engine.scoreActions(m, PROMPTS, actions, null, sp, false).logprobs().toFloatArray();
                float[] plain = engine.scoreActions(m, PROMPTS, actions, null, new SamplingParams(16, 0.7, 0, 1.0), false).logprobs().toFloatArray();
                boolean outsideTopK = false;
                for (int b = 0; b < PROMPTS.size(); b++) {
                    assertThat(trunc.actionLogprobs()[b]).hasSize(actions.get(b).length);
                    for (int j = 0; j < actions.get(b).length; j++) {
                        assertThat(trunc.actionLogprobs()[b][j]).isCloseTo(scored[b * amax + j], within(1e-4f));
                        assertThat(full.actionLogprobs()[b][j]).isCloseTo(plain[b * amax + j], within(1e-4f));
                        assertThat(full.actionLogprobs()[b][j]).isBetween(-100f, 0f);
                        outsideTopK |= trunc.actionLogprobs()[b][j] < -1e8f;
                    }
                }
                assertThat(outsideTopK).as("some action token lies outside the base's top-3").isTrue();
            }
        }
    }

    /** A model big enough that products and attention are split over the threads (hidden 256, batch 12). */
    @Test
    void twoThreadsGiveTheSameTokensAndLogprobsAsOne() {
        ModelConfig c = new ModelConfig("qwen2", 512, 256, 768, 2, 8, 2, 32, 1e-6, 10000, true, true, false, 512, new int[]{1}, 0);
        try (LmEngine engine = new LmEngine(CausalLm.random(c, 5), null)) {
            Random r = new Random(1);
            List<int[]> prompts = new ArrayList<>();
            for (int b = 0; b < 12; b++) prompts.add(r.ints(20 + b, 2, 512).toArray());
            List<String> none = Collections.nCopies(prompts.size(), null);
            SamplingParams sp = new SamplingParams(10, 0.8, 40, 0.95);
            List<Generation> one = engine.generate(prompts, none, sp, 3, false);
            List<Generation> two;
            LmEngine.setThreads(2);
            try {
                two = engine.generate(prompts, none, sp, 3, false);
            } finally {
                LmEngine.setThreads(1);
            }
            for (int b = 0; b < prompts.size(); b++) {
                assertThat(two.get(b).tokens()).isEqualTo(one.get(b).tokens());
                assertThat(two.get(b).logprobs()).isEqualTo(one.get(b).logprobs());
            }
        }
    }

    /**
     * A small model's batch at two threads is split into two groups of rows, the second decoded on a
     * group thread: tokens and both log-prob records equal one thread's bit for bit, with mixed adapters;
     * so do the frozen base's hidden states and log-probs of prompt + action.
     */
    @Test
    void aSmallModelsBatchSplitOverTwoThreadsGivesOneThreadsTokens(@TempDir Path dir) {
        try (LmEngine engine = withAdapters(dir, TinyModels.Flavour.QWEN2)) {
            assertThat(engine.decoder().small()).isTrue();
            List<int[]> prompts = new ArrayList<>();
            List<String> adapters = new ArrayList<>();
            for (int b = 0; b < 9; b++) {
                prompts.add(PROMPTS.get(b % PROMPTS.size()));
                adapters.add(b % 3 == 0 ? null : b % 3 == 1 ? "a" : "b");
            }
            SamplingParams sp = new SamplingParams(12, 0.8, 40, 0.95);
            List<Generation> one = engine.generate(prompts, adapters, sp, 3, false);
            List<int[]> actions = new ArrayList<>();
            for (Generation g : one) actions.add(g.tokens());
            BaseForward baseOne = engine.baseForward(prompts, actions, true, sp), baseTwo;
            List<Generation> two;
            LmEngine.setThreads(2);
            try {
                two = engine.generate(prompts, adapters, sp, 3, false);
                baseTwo = engine.baseForward(prompts, actions, true, sp);
            } finally {
                LmEngine.setThreads(1);
            }
            assertThat(Thread.getAllStackTraces().keySet()).as("a group thread decoded rows").anyMatch(t -> t.getName().equals("marft-decode-rows"));
            for (int b = 0; b < prompts.size(); b++) {
                assertThat(baseTwo.promptHidden()[b]).as("row %d", b).isEqualTo(baseOne.promptHidden()[b]);
                assertThat(baseTwo.actionHidden()[b]).as("row %d", b).isEqualTo(baseOne.actionHidden()[b]);
                assertThat(baseTwo.actionLogprobs()[b]).as("row %d", b).isEqualTo(baseOne.actionLogprobs()[b]);
            }
            for (int b = 0; b < prompts.size(); b++) {
                assertThat(two.get(b).tokens()).as("row %d", b).isEqualTo(one.get(b).tokens());
                assertThat(two.get(b).logprobs()).as("row %d", b).isEqualTo(one.get(b).logprobs());
                assertThat(two.get(b).unfilteredLogprobs()).as("row %d", b).isEqualTo(one.get(b).unfilteredLogprobs());
            }
        }
    }

    /** Heap bytes this thread allocates in one generate call (com.sun.management's per-thread counter). */
    private static long allocated(Runnable r) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId(), a0 = mx.getThreadAllocatedBytes(id);
        r.run();
        return mx.getThreadAllocatedBytes(id) - a0;
    }

    @Test
    void theStepLoopAllocatesNothingPerToken(@TempDir Path dir) {
        try (LmEngine engine = withAdapters(dir, TinyModels.Flavour.QWEN2)) {
            List<String> adapters = Arrays.asList("a", "b");
            List<int[]> prompts = PROMPTS.subList(0, 2);
            Runnable shortRun = () -> engine.generate(prompts, adapters, new SamplingParams(50, 0.7, 20, 0.95), 1, false);
            Runnable longRun = () -> engine.generate(prompts, adapters, new SamplingParams(450, 0.7, 20, 0.95), 1, false);
            for (int i = 0; i < 30; i++) { // until the kernels are compiled (the interpreter boxes vectors)
                shortRun.run();
                longRun.run();
            }
            long extra = allocated(longRun) - allocated(shortRun);
            // 400 more tokens per row, 2 rows: their ids and two log-probs (12 bytes: filtered and unfiltered) in the loop's
            // arrays and again in the trimmed copies the Generations hold, 24 x 800 bytes; one object per token per row
            // would add 16 x 800 more
            assertThat(extra).as("bytes allocated by 800 more tokens").isBetween(24L * 800, 24L * 800 + 1024);
        }
    }

    @Test
    void rssStaysFlatOver200GenerateCalls(@TempDir Path dir) throws Exception {
        try (LmEngine engine = withAdapters(dir, TinyModels.Flavour.QWEN2)) {
            SamplingParams sp = new SamplingParams(16, 0.7, 20, 0.95);
            List<String> adapters = Arrays.asList("a", null, "b", "a");
            for (int i = 0; i < 20; i++) engine.generate(PROMPTS, adapters, sp, i);
            long rss0 = settledRss();
            for (int i = 0; i < 200; i++) engine.generate(PROMPTS, adapters, sp, i);
            assertThat(settledRss() - rss0).as("RSS growth over 200 generate calls, bytes").isLessThan(32L << 20); // young-generation sizing moves RSS by a few MB; a leak of one cache per call would add > 50 MB
        }
    }

    private static long settledRss() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ProcessMemory.rss();
    }
}
