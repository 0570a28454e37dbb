package ai.marft.lm;

import ai.djl.ndarray.NDArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GenerationTest {
    @TempDir
    static Path tmp;
    static LmEngine engine;
    static final List<int[]> PROMPTS = List.of(new int[]{5, 9, 13, 2, 7, 30, 11}, new int[]{40, 3}, new int[]{8, 8, 21, 60});

    @BeforeAll
    static void setUp() {
        engine = LmEngine.load(TinyModels.write(tmp.resolve("m"), TinyModels.Flavour.QWEN2, 7));
        engine.adapters().create("a", LoraConfig.defaults(), 1);
        engine.adapters().create("b", new LoraConfig(4, 8, List.of(LoraTarget.Q, LoraTarget.K, LoraTarget.V, LoraTarget.O, LoraTarget.GATE, LoraTarget.UP, LoraTarget.DOWN)), 2);
        randomizeB(engine.adapters().get("a"), 3);
        randomizeB(engine.adapters().get("b"), 4);
        List<int[]> seq = List.of(PROMPTS.getFirst());
        float[] base = engine.logprobs(seq, null)[0];
        assertThat(engine.logprobs(seq, "a")[0]).isNotEqualTo(base);
        assertThat(engine.logprobs(seq, "b")[0]).isNotEqualTo(base);
    }

    @AfterAll
    static void tearDown() {
        engine.close();
    }

    /** Gives an adapter non-zero B so it changes outputs (as after training). */
    static void randomizeB(LoraAdapter a, long seed) {
        Random rng = new Random(seed);
        List<NDArray> ps = a.parameters();
        for (NDArray p : ps.subList(ps.size() / 2, ps.size())) {
            float[] v = new float[(int) p.getShape().size()];
            for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * 0.3);
            try (NDArray view = p.stopGradient(); NDArray src = p.getManager().create(v, p.getShape())) {
                view.muli(0).addi(src); // in place on a detached view: writes the parameter's storage
            }
        }
    }

    @Test
    void cachedDecodingGivesTheLogitsOfAFullForward() {
        cachedLogitsMatchFullForward(PROMPTS, Arrays.asList("a", null, "b"));
    }

    /** Batch 1 decodes through the single-row product (Gemv), with and without an adapter. */
    @Test
    void batchOneDecodingGivesTheLogitsOfAFullForward() {
        cachedLogitsMatchFullForward(List.of(PROMPTS.getFirst()), Arrays.asList("b"));
        cachedLogitsMatchFullForward(List.of(PROMPTS.get(1)), Arrays.asList((String) null));
    }

    private static void cachedLogitsMatchFullForward(List<int[]> prompts, List<String> adapters) {
        int vocab = engine.model().config().vocabSize();
        List<float[]> steps = new ArrayList<>();
        engine.observer = (step, logits) -> steps.add(logits.clone());
        List<Generation> gens;
        try {
            gens = engine.generate(prompts, adapters, new SamplingParams(6, 0.0, 0, 1.0), 0);
        } finally {
            engine.observer = null;
        }
        assertThat(steps).hasSize(6);
        for (int b = 0; b < prompts.size(); b++) {
            int[] p = prompts.get(b), full = Arrays.copyOf(p, p.length + 5);
            System.arraycopy(gens.get(b).tokens(), 0, full, p.length, 5);
            float[] ref = engine.fullLogits(List.of(full), adapters.get(b)); // [1, L, V], alone
            for (int s = 0; s < 6; s++) {
                int pos = p.length - 1 + s;
                for (int v = 0; v < vocab; v++)
                    assertThat(steps.get(s)[b * vocab + v]).as("row %d step %d id %d", b, s, v)
                            .isCloseTo(ref[pos * vocab + v], within(1e-5f));
            }
        }
    }

    @Test
    void sameSeedSameTokensAndBatchedRowsMatchAlone() {
        SamplingParams sp = new SamplingParams(8, 0.8, 20, 0.95);
        List<String> adapters = Arrays.asList("b", "a", null);
        List<Generation> one = engine.generate(PROMPTS, adapters, sp, 42), two = engine.generate(PROMPTS, adapters, sp, 42);
        List<Generation> other = engine.generate(PROMPTS, adapters, sp, 43);
        boolean differs = false;
        for (int b = 0; b < PROMPTS.size(); b++) {
            assertThat(one.get(b).tokens()).isEqualTo(two.get(b).tokens());
            assertThat(one.get(b).logprobs()).isEqualTo(two.get(b).logprobs());
            differs |= !Arrays.equals(one.get(b).tokens(), other.get(b).tokens());
        }
        assertThat(differs).as("another seed draws other tokens").isTrue();
        SamplingParams greedy = new SamplingParams(8, 0, 0, 1);
        List<Generation> batched = engine.generate(PROMPTS, adapters, greedy, 0);
        for (int b = 0; b < PROMPTS.size(); b++) {
            Generation alone = engine.generate(List.of(PROMPTS.get(b)), Arrays.asList(adapters.get(b)), greedy, 0).getFirst();
            assertThat(batched.get(b).tokens()).isEqualTo(alone.tokens());
        }
    }

    @Test
    void behaviourLogprobsEqualTrainingScores() {
        SamplingParams sp = new SamplingParams(10, 0.7, 12, 0.9);
        for (String adapter : Arrays.asList("a", "b", null)) {
            List<Generation> gens = engine.generate(PROMPTS, Arrays.asList(adapter, adapter, adapter), sp, 5);
            List<int[]> actions = gens.stream().map(Generation::tokens).toList();
            try (var m = engine.model().manager().newSubManager()) {
                ActionScores sc = engine.scoreActions(m, PROMPTS, actions, adapter, sp, false);
                float[] lp = sc.logprobs().toFloatArray(), mask = sc.mask().toFloatArray(), ent = sc.entropies().toFloatArray();
                int amax = (int) sc.logprobs().getShape().get(1);
                for (int b = 0; b < PROMPTS.size(); b++) {
                    float[] behaviour = gens.get(b).logprobs();
                    for (int j = 0; j < amax; j++) {
                        assertThat(mask[b * amax + j]).isEqualTo(j < behaviour.length ? 1f : 0f);
                        if (j >= behaviour.length) continue;
                        assertThat(lp[b * amax + j]).as("adapter %s row %d token %d", adapter, b, j).isCloseTo(behaviour[j], within(1e-4f));
                        assertThat(behaviour[j]).isLessThanOrEqualTo(0f);
                        // entropy of a distribution over at most 12 tokens
                        assertThat(ent[b * amax + j]).isBetween(-1e-6f, (float) Math.log(12) + 1e-4f);
                    }
                }
            }
        }
    }

    @Test
    void rowStopsAtEosWhileOthersContinue(@TempDir Path dir) throws Exception {
        Path model = TinyModels.write(dir.resolve("m"), TinyModels.Flavour.LLAMA, 11);
        SamplingParams greedy = new SamplingParams(6, 0, 0, 1);
        Path cfg = model.resolve("config.json");
        setEos(cfg, ""); // no EOS: the first run goes the full length
        int[] first;
        try (LmEngine e = LmEngine.load(model)) {
            first = e.generate(PROMPTS, Arrays.asList(null, null, null), greedy, 0).getFirst().tokens();
        }
        assertThat(first).hasSize(6);
        int eos = first[2];
        setEos(cfg, String.valueOf(eos));
        try (LmEngine e = LmEngine.load(model)) {
            List<Generation> gens = e.generate(PROMPTS, Arrays.asList(null, null, null), greedy, 0);
            int stop = 0;
            while (first[stop] != eos) stop++;
            assertThat(gens.getFirst().tokens()).isEqualTo(Arrays.copyOf(first, stop + 1));
            assertThat(gens.getFirst().endedWithEos()).isTrue();
            for (Generation g : gens) {
                assertThat(g.tokens().length).isLessThanOrEqualTo(6);
                assertThat(g.endedWithEos()).isEqualTo(g.tokens().length > 0 && g.tokens()[g.tokens().length - 1] == eos);
                if (!g.endedWithEos()) assertThat(g.tokens()).hasSize(6).doesNotContain(eos);
            }
        }
    }

    private static void setEos(Path cfg, String ids) throws Exception {
        String text = Files.readString(cfg);
        String replaced = text.replaceFirst("\"eos_token_id\":\\[[\\d,]*]", "\"eos_token_id\":[" + ids + "]");
        assertThat(replaced).isNotEqualTo(text);
        Files.writeString(cfg, replaced);
    }
}
