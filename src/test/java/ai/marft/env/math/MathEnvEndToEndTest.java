package ai.marft.env.math;

import ai.marft.Json;
import ai.marft.SharedData;
import ai.marft.env.Problem;
import ai.marft.env.ProblemSource;
import ai.marft.env.QaEnv;
import ai.marft.env.Datasets;
import ai.marft.env.VecEnv;
import ai.marft.lm.Generation;
import ai.marft.lm.LmEngine;
import ai.marft.lm.LoraConfig;
import ai.marft.lm.ModelConfig;
import ai.marft.lm.SafeTensorsWriter;
import ai.marft.lm.SamplingParams;
import ai.marft.lm.TextGenerator;
import ai.marft.lm.Tokenizer;
import ai.marft.mas.AgentStep;
import ai.marft.mas.Profiles;
import ai.marft.mas.Rollout;
import ai.marft.mas.RolloutBatch;
import ai.marft.mas.Team;
import ai.marft.mas.TeamPolicy;
import ai.marft.run.EpisodeRecord;
import ai.marft.run.EvalReport;
import ai.marft.run.Evaluator;
import ai.marft.run.EvaluatorOptions;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The math task end to end with the reference profiles files: a tiny random qwen2 model whose vocabulary
 * is the real Qwen tokenizer's, one LoRA adapter per role, a {@link QaEnv} over MATH test500 problems
 * graded by {@link MathGrader}, a two-step {@link Rollout} and an {@link Evaluator} run. Expected prompts
 * and states are built here from the raw JSON and the MARFT.md §3 wording, not through PromptFormat.
 */
class MathEnvEndToEndTest {
    static final int STEPS = 2, MAX_NEW_TOKENS = 8, HORIZON = 3;
    static final SamplingParams REFERENCE = SamplingParams.reference(MAX_NEW_TOKENS);

    @TempDir
    static Path modelDir;
    static LmEngine engine;
    static int imStart, imEnd, endOfText;
    static List<Problem> problems;

    @BeforeAll
    static void loadModel() throws IOException {
        Path qwen = SharedData.require("tokenizers/qwen3");
        problems = Datasets.load(SharedData.require("math/math_test500.jsonl")).subList(0, 4);
        JsonNode added = Json.MAPPER.readTree(qwen.resolve("tokenizer_config.json").toFile()).get("added_tokens_decoder");
        int maxId = -1;
        for (Map.Entry<String, JsonNode> e : added.properties()) {
            int id = Integer.parseInt(e.getKey());
            maxId = Math.max(maxId, id);
            switch (e.getValue().get("content").asText()) {
                case "<|im_start|>" -> imStart = id;
                case "<|im_end|>" -> imEnd = id;
                case "<|endoftext|>" -> endOfText = id;
                default -> { }
            }
        }
        assertThat(maxId + 1).as("the Qwen3 tokenizer's ids, specials included").isEqualTo(151_669);
        writeTinyQwen2(modelDir, maxId + 1, new int[]{imEnd, endOfText}, endOfText, 7);
        Files.copy(qwen.resolve("tokenizer.json"), modelDir.resolve("tokenizer.json"));
        Files.copy(qwen.resolve("tokenizer_config.json"), modelDir.resolve("tokenizer_config.json"));
        LmEngine.setThreads(1); // a tiny model is per-op-overhead bound: one thread is fastest
        engine = LmEngine.load(modelDir);
    }

    @AfterAll
    static void closeModel() {
        if (engine != null) engine.close();
    }

    /**
     * Hidden 8, 2 layers, 4 query heads over 2 KV heads, tied embeddings, q/k/v biases: the 151,669 × 8 embedding
     * (also the LM head) keeps each decode step's logits cheap.
     */
    static void writeTinyQwen2(Path dir, int vocab, int[] eos, int pad, long seed) throws IOException {
        int h = 8, layers = 2, heads = 4, kv = 2, d = 2, inter = 16;
        ModelConfig c = new ModelConfig("qwen2", vocab, h, inter, layers, heads, kv, d, 1e-6, 1e6, true, true, false, 4096, eos, pad);
        Random rng = new Random(seed);
        SafeTensorsWriter w = new SafeTensorsWriter();
        w.add("model.embed_tokens.weight", normal(rng, vocab * h, 0.5), vocab, h);
        w.add("model.norm.weight", normal(rng, h, 0.1, 1), h);
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            w.add(p + "input_layernorm.weight", normal(rng, h, 0.1, 1), h);
            w.add(p + "post_attention_layernorm.weight", normal(rng, h, 0.1, 1), h);
            for (String n : new String[]{"q", "k", "v"}) {
                int out = n.equals("q") ? heads * d : kv * d;
                w.add(p + "self_attn." + n + "_proj.weight", normal(rng, out * h, 0.25), out, h);
                w.add(p + "self_attn." + n + "_proj.bias", normal(rng, out, 0.3), out);
            }
            w.add(p + "self_attn.o_proj.weight", normal(rng, h * heads * d, 0.35), h, heads * d);
            w.add(p + "mlp.gate_proj.weight", normal(rng, inter * h, 0.35), inter, h);
            w.add(p + "mlp.up_proj.weight", normal(rng, inter * h, 0.35), inter, h);
            w.add(p + "mlp.down_proj.weight", normal(rng, h * inter, 0.25), h, inter);
        }
        Files.createDirectories(dir);
        Json.MAPPER.writeValue(dir.resolve("config.json").toFile(), c.toJson());
        w.write(dir.resolve("model.safetensors"), "F32");
    }

    static float[] normal(Random rng, int n, double std) {
        return normal(rng, n, std, 0);
    }

    static float[] normal(Random rng, int n, double std, double mean) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (mean + rng.nextGaussian() * std);
        return v;
    }

    /** Passes calls to the engine and records each one with its result, so batching and outputs can be asserted. */
    record RecordingGenerator(TextGenerator inner, List<Call> calls) implements TextGenerator {
        record Call(List<int[]> prompts, List<String> adapters, List<Generation> generations) {}

        @Override
        public List<Generation> generate(List<int[]> prompts, List<String> adapters, SamplingParams params, long seed) {
            List<Generation> out = inner.generate(prompts, adapters, params, seed);
            calls.add(new Call(List.copyOf(prompts), new ArrayList<>(adapters), List.copyOf(out)));
            return out;
        }

        @Override
        public Tokenizer tokenizer() {
            return inner.tokenizer();
        }
    }

    /** One agent of a profiles file, read straight from its JSON. */
    record RawAgent(String role, String prompt, boolean withAnswer) {}

    static List<RawAgent> rawAgents(Path file) throws IOException {
        List<RawAgent> out = new ArrayList<>();
        for (JsonNode a : Json.MAPPER.readTree(file.toFile()))
            out.add(new RawAgent(a.get("role").asText(), a.get("prompt").asText(), a.get("with_answer").asBoolean()));
        return out;
    }

    /** MARFT.md §3: system prompt + state + earlier agents' turns of this step + the agent's own opener. */
    static String expectedPrompt(List<RawAgent> agents, int i, String state, String[] actions) {
        String p = agents.get(i).prompt() + state;
        for (int j = 0; j < i; j++) p += "<|im_start|>" + agents.get(j).role() + ": " + actions[j] + "<|im_end|>\n";
        return p + "<|im_start|>" + agents.get(i).role() + ": ";
    }

    /**
     * The ids are the Qwen tokenization of the prompt string, chat markers as single special ids, and decode
     * back to it up to NFC: the tokenizer normalises its input (a random model's action text can hold e.g.
     * U+FB44, which NFC decomposes), as Hugging Face's does for the reference.
     */
    static void assertIsTokenized(Tokenizer tok, int[] ids, String prompt) {
        assertThat(ids).isEqualTo(tok.encode(prompt));
        assertThat(tok.decode(ids)).isEqualTo(Normalizer.normalize(prompt, Normalizer.Form.NFC));
        assertThat(count(ids, imStart)).isEqualTo(count(prompt, "<|im_start|>"));
        assertThat(count(ids, imEnd)).isEqualTo(count(prompt, "<|im_end|>"));
    }

    static int count(int[] ids, int id) {
        return (int) Arrays.stream(ids).filter(x -> x == id).count();
    }

    static int count(String text, String what) {
        return text.split(Pattern.quote(what), -1).length - 1;
    }

    @ParameterizedTest
    @ValueSource(strings = {"math_dual", "math_trio", "math_quartet", "math_octet"})
    void referenceTeamRollsOutAndEvaluatesOnTheMathTask(String name) throws IOException {
        Path file = SharedData.require("profiles/" + name + ".json");
        List<RawAgent> agents = rawAgents(file);
        Team team = Profiles.load(file);
        int n = agents.size(), envCount = n > 4 ? 1 : 2;
        assertThat(team.roles()).containsExactlyElementsOf(agents.stream().map(RawAgent::role).toList());
        for (String role : team.roles()) engine.adapters().create(role, LoraConfig.defaults(), role.hashCode());
        Tokenizer tok = engine.tokenizer();
        assertThat(tok.vocabSize()).isEqualTo(engine.model().config().vocabSize());

        RecordingGenerator gen = new RecordingGenerator(engine, new ArrayList<>());
        TeamPolicy policy = new TeamPolicy(team, gen, TeamPolicy.roleAdapters(team), REFERENCE);
        VecEnv envs = QaEnv.vectorised(envCount, team.roles(), team.withAnswer(), new MathGrader(), ProblemSource.sequential(problems), HORIZON);
        List<List<String>> first = envs.reset();
        RolloutBatch batch = Rollout.run(policy, envs, STEPS, 11);

        // the chain: one batched call per agent per step, one row per environment, each row with its role's adapter
        assertThat(gen.calls()).hasSize(STEPS * n);
        for (int t = 0; t < STEPS; t++)
            for (int i = 0; i < n; i++) {
                RecordingGenerator.Call call = gen.calls().get(t * n + i);
                assertThat(call.adapters()).as("step %d agent %d", t, i).containsOnly(agents.get(i).role()).hasSize(envCount);
                for (int e = 0; e < envCount; e++)
                    assertThat(call.prompts().get(e)).isEqualTo(batch.action(t, e, i).promptTokens());
            }

        // environment e starts on problem e; done environments reset in index order to the source's next problem
        int nextProblem = envCount;
        int[] current = new int[envCount];
        String[] states = new String[envCount];
        for (int e = 0; e < envCount; e++) {
            current[e] = e;
            states[e] = "<|im_start|>problem: " + problems.get(e).problem() + "<|im_end|>\n";
            assertThat(first.get(e)).containsOnly(states[e]);
        }
        MathGrader grader = new MathGrader();
        int[] episodeStep = new int[envCount];
        for (int t = 0; t < STEPS; t++)
            for (int e = 0; e < envCount; e++) {
                String state = states[e];
                String[] actions = new String[n];
                String next = state;
                for (int i = 0; i < n; i++) {
                    AgentStep a = batch.action(t, e, i);
                    assertThat(a.observation()).isEqualTo(state);
                    assertIsTokenized(tok, a.promptTokens(), expectedPrompt(agents, i, state, actions));
                    // the agent acted: 1..8 sampled ids with finite log-probs; the text drops only a final stop id
                    int[] ids = a.actionTokens();
                    assertThat(ids.length).isBetween(1, MAX_NEW_TOKENS);
                    assertThat(a.endedWithEos()).isEqualTo(ids[ids.length - 1] == imEnd || ids[ids.length - 1] == endOfText);
                    if (!a.endedWithEos()) assertThat(ids).hasSize(MAX_NEW_TOKENS);
                    assertThat(a.logprobs()).hasSameSizeAs(ids);
                    for (float lp : a.logprobs()) assertThat(lp).isFinite().isLessThanOrEqualTo(0f);
                    assertThat(a.actionText()).isEqualTo(tok.decode(a.endedWithEos() ? Arrays.copyOf(ids, ids.length - 1) : ids));
                    actions[i] = a.actionText();
                    next += agents.get(i).role() + ": " + actions[i] + "\n";
                }
                // reward: fraction of with_answer agents whose answer matches the gold one, to the last agent only
                Problem problem = problems.get(current[e]);
                int graded = 0, right = 0;
                for (int i = 0; i < n; i++)
                    if (agents.get(i).withAnswer()) {
                        graded++;
                        if (grader.correct(actions[i], problem.finalAnswer())) right++;
                    }
                double score = (double) right / graded;
                double[] rewards = batch.rewards()[t][e];
                for (int i = 0; i < n - 1; i++) assertThat(rewards[i]).as("reward of agent %d", i).isZero();
                assertThat(rewards[n - 1]).isEqualTo(score);
                Map<String, Object> info = batch.infos().get(t).get(e);
                assertThat(info.get(QaEnv.GOLD)).isEqualTo(problem.finalAnswer());
                assertThat(info.get(QaEnv.STEP)).isEqualTo(++episodeStep[e]);
                // the next state: every turn, then the judge's line; a finished episode resets to the next problem
                next += score > 0 ? "judge: The answer is correct.\n" : "judge: The answer is incorrect.\n";
                boolean done = score > 0 || episodeStep[e] == HORIZON;
                assertThat(batch.dones()[t][e]).isEqualTo(done);
                if (done) {
                    current[e] = nextProblem++ % problems.size();
                    episodeStep[e] = 0;
                    next = "<|im_start|>problem: " + problems.get(current[e]).problem() + "<|im_end|>\n";
                }
                states[e] = next;
            }
        for (int e = 0; e < envCount; e++) {
            assertThat(batch.finalObservations().get(e)).containsOnly(states[e]);
            assertIsTokenized(tok, batch.bootstrapPrompts()[e], expectedPrompt(agents, 0, states[e], new String[n]));
        }

        evaluatorRunsGreedy(team, agents, gen);
    }

    /**
     * The Evaluator on two problems at horizon 1, greedy: one call per agent with both episodes' rows, and each
     * episode's transcript is the problem, every agent's decoded generation, then the judge's line.
     */
    void evaluatorRunsGreedy(Team team, List<RawAgent> agents, RecordingGenerator gen) {
        gen.calls().clear();
        EvalReport report = new Evaluator(new TeamPolicy(team, gen, TeamPolicy.roleAdapters(team), new SamplingParams(MAX_NEW_TOKENS, 0, 0, 1)),
                new MathGrader()).run(problems, new EvaluatorOptions(2, 1, 5, 1, 32), null);
        int n = agents.size();
        assertThat(gen.calls()).hasSize(n);
        assertThat(report.n()).isEqualTo(2);
        assertThat(report.roles()).containsExactlyElementsOf(team.roles());
        Tokenizer tok = engine.tokenizer();
        MathGrader grader = new MathGrader();
        long tokens = 0;
        for (int e = 0; e < 2; e++) {
            EpisodeRecord r = report.records().get(e);
            String state = "<|im_start|>problem: " + problems.get(e).problem() + "<|im_end|>\n";
            StringBuilder transcript = new StringBuilder(state);
            String[] actions = new String[n];
            int graded = 0, right = 0;
            for (int i = 0; i < n; i++) {
                RecordingGenerator.Call call = gen.calls().get(i);
                assertThat(call.adapters()).containsExactly(agents.get(i).role(), agents.get(i).role());
                assertIsTokenized(tok, call.prompts().get(e), expectedPrompt(agents, i, state, actions));
                Generation g = call.generations().get(e);
                int[] ids = g.endedWithEos() ? Arrays.copyOf(g.tokens(), g.tokens().length - 1) : g.tokens();
                actions[i] = tok.decode(ids);
                transcript.append(agents.get(i).role()).append(": ").append(actions[i]).append('\n');
                tokens += g.tokens().length;
                if (agents.get(i).withAnswer()) {
                    graded++;
                    if (grader.correct(actions[i], problems.get(e).finalAnswer())) right++;
                }
            }
            transcript.append(right > 0 ? "judge: The answer is correct.\n" : "judge: The answer is incorrect.\n");
            assertThat(r.transcript()).isEqualTo(transcript.toString());
            assertThat(r.problem()).isEqualTo(problems.get(e).problem());
            assertThat(r.gold()).isEqualTo(problems.get(e).finalAnswer());
            assertThat(r.steps()).isEqualTo(1);
            assertThat(r.score()).isEqualTo((double) right / graded);
        }
        assertThat(report.tokens()).isEqualTo(tokens);
        for (double wf : report.wellFormed()) assertThat(wf).isBetween(0.0, 1.0);
    }
}
