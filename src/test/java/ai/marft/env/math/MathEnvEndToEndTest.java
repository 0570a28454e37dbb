package ai.marft.env.math;

import ai.marft.Json;
import ai.marft.SharedData;
import ai.marft.env.Problem;
import ai.marft.env.ProblemSource;
import ai.marft.env.QaEnv;
import ai.marft.env.Datasets;
import ai.marft.env.VecEnv;
import ai.marft.lm.CausalLm;
import ai.marft.lm.Generation;
import ai.marft.lm.LmEngine;
import ai.marft.lm.LoraConfig;
import ai.marft.lm.SamplingParams;
import ai.marft.lm.TextGenerator;
import ai.marft.lm.Tokenizer;
import ai.marft.mas.AgentStep;
import ai.marft.mas.Profiles;
import ai.marft.mas.Rollout;
import ai.marft.mas.RolloutBatch;
import ai.marft.mas.Team;
import ai.marft.mas.TeamPolicy;
import ai.marft.eval.EpisodeRecord;
import ai.marft.eval.EvalReport;
import ai.marft.eval.Evaluator;
import ai.marft.eval.EvaluatorOptions;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The math task end to end with the reference profiles files: tiny qwen2 models whose vocabulary is the
 * real Qwen tokenizer's ({@link QwenVocabModels}: a random one, and one that answers "9"), one LoRA adapter
 * per role, a {@link QaEnv} over MATH test500 problems graded by {@link MathGrader}, a two-step
 * {@link Rollout} and an {@link Evaluator} run. Expected prompts and states are built here from the raw
 * JSON and the MARFT.md §3 wording, not through PromptFormat.
 */
class MathEnvEndToEndTest {
    static final int STEPS = 2, MAX_NEW_TOKENS = 8, HORIZON = 3;
    /** The reference's rollout sampling: temperature 0.5, top-k 50. */
    static final SamplingParams REFERENCE = SamplingParams.reference(MAX_NEW_TOKENS);
    /** One grader for the environments and the checks (thread-safe; Symja starts once). */
    static final MathGrader GRADER = new MathGrader();

    @TempDir
    static Path modelDirs;
    /** random: babbles; nine: says "9" and stops, whatever it is asked */
    static LmEngine random, nine;
    static int imStart, imEnd, endOfText;
    static List<Problem> test500;

    /**
     * Writes and loads both models on the first test's call; each test calls it, so without the shared data
     * every test is reported skipped with the reason (a failed assumption in @BeforeAll hides it).
     */
    static void loadModels() throws IOException {
        Path qwen = SharedData.require("tokenizers/qwen3");
        if (nine != null) return;
        test500 = Datasets.load(SharedData.require("math/math_test500.jsonl"));
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
        int vocab = maxId + 1;
        assertThat(vocab).as("the Qwen3 tokenizer's ids, specials included").isEqualTo(151_669);
        int[] eos = {imEnd, endOfText};
        LmEngine.setThreads(1); // a tiny model is per-op-overhead bound: one thread is fastest
        QwenVocabModels.random(modelDirs.resolve("random"), qwen, vocab, eos, endOfText, 7);
        random = LmEngine.load(modelDirs.resolve("random"));
        int[] nineIds = random.tokenizer().encode("9");
        assertThat(nineIds).hasSize(1);
        QwenVocabModels.answersNine(modelDirs.resolve("nine"), vocab, eos, endOfText, nineIds[0]);
        nine = new LmEngine(CausalLm.load(modelDirs.resolve("nine")), new SharedTokenizer(random.tokenizer()));
    }

    @AfterAll
    static void closeModels() {
        if (nine != null) nine.close();
        if (random != null) random.close();
    }

    /** Lends a tokenizer to a second engine (loading the 11 MB tokenizer.json costs seconds); its owner closes it. */
    record SharedTokenizer(Tokenizer owner) implements Tokenizer {
        @Override
        public int[] encode(String text) {
            return owner.encode(text);
        }

        @Override
        public String decode(int[] ids) {
            return owner.decode(ids);
        }

        @Override
        public int eosId() {
            return owner.eosId();
        }

        @Override
        public int padId() {
            return owner.padId();
        }

        @Override
        public int vocabSize() {
            return owner.vocabSize();
        }
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

    /** The profiles file as a team, with a fresh LoRA adapter per role on the engine. */
    static Team team(Path file, LmEngine engine) {
        Team team = Profiles.load(file);
        for (String role : team.roles()) engine.adapters().create(role, LoraConfig.defaults(), role.hashCode());
        return team;
    }

    static String initialState(Problem p) {
        return "<|im_start|>problem: " + p.problem() + "<|im_end|>\n";
    }

    static String judge(boolean correct) {
        return correct ? "judge: The answer is correct.\n" : "judge: The answer is incorrect.\n";
    }

    @ParameterizedTest
    @ValueSource(strings = {"math_dual", "math_trio", "math_quartet", "math_octet"})
    void randomModelRollsOutAndEvaluatesTheReferenceTeam(String name) throws IOException {
        loadModels();
        Path file = SharedData.require("profiles/" + name + ".json");
        List<RawAgent> agents = rawAgents(file);
        Team team = team(file, random);
        assertThat(team.roles()).containsExactlyElementsOf(agents.stream().map(RawAgent::role).toList());
        assertThat(random.tokenizer().vocabSize()).isEqualTo(random.model().config().vocabSize());
        checkedRollout(random, team, agents, test500.subList(0, 4), agents.size() > 4 ? 1 : 2);
        checkedEvaluation(random, team, agents, test500.subList(0, 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"math_dual", "math_trio", "math_quartet", "math_octet"})
    void aTeamThatAnswersNineIsRewardedOnProblemsWhoseAnswerIsNine(String name) throws IOException {
        loadModels();
        Path file = SharedData.require("profiles/" + name + ".json");
        List<RawAgent> agents = rawAgents(file);
        Team team = team(file, nine);
        int n = agents.size(), last = n - 1;
        // test500 record 3 has the answer 9, records 0-2 do not
        List<Problem> problems = List.of(test500.get(3), test500.get(0), test500.get(1), test500.get(2));
        assertThat(problems.stream().map(Problem::finalAnswer)).containsExactly("9", "\\left( 3, \\frac{\\pi}{2} \\right)", "p - q", "\\frac{14}{3}");
        int envCount = n > 4 ? 1 : 2;
        RolloutBatch batch = checkedRollout(nine, team, agents, problems, envCount);
        for (AgentStep[][] step : batch.actions())
            for (AgentStep[] env : step)
                for (AgentStep a : env) {
                    assertThat(a.actionText()).isEqualTo("9");
                    assertThat(a.actionTokens()).hasSize(2).endsWith(imEnd);
                }
        // env 0 solves record 3 at once (reward 1 to the last agent, reset to the third problem); the rest score 0
        double[] solved = new double[n];
        solved[last] = 1;
        assertThat(batch.rewards()[0][0]).containsExactly(solved);
        assertThat(batch.rewards()[1][0]).containsOnly(0.0);
        assertThat(batch.dones()[0][0]).isTrue();
        assertThat(batch.action(1, 0, 0).observation()).isEqualTo(initialState(problems.get(envCount)));
        if (envCount == 2) {
            assertThat(batch.rewards()[0][1]).containsOnly(0.0);
            assertThat(batch.action(1, 1, 0).observation()).startsWith(initialState(problems.get(1))).endsWith(judge(false));
        }

        EvalReport report = checkedEvaluation(nine, team, agents, problems.subList(0, 2));
        assertThat(report.correct()).isEqualTo(1);
        assertThat(report.records().stream().map(EpisodeRecord::score)).containsExactly(1.0, 0.0);
        assertThat(report.records().stream().map(EpisodeRecord::answer)).containsExactly("9", "9");
        assertThat(report.tokens()).isEqualTo(2L * n * 2); // 2 episodes, n agents, "9" + EOS
        assertThat(report.wellFormed()).containsOnly(1.0);
        StringBuilder turns = new StringBuilder();
        for (RawAgent a : agents) turns.append(a.role()).append(": 9\n");
        assertThat(report.records().get(0).transcript()).isEqualTo(initialState(problems.get(0)) + turns + judge(true));
    }

    /**
     * Runs {@link #STEPS} joint steps of the team in envCount environments over problems (in order) and
     * checks every decision: one batched call per agent and step, prompts exactly the §3 strings in Qwen
     * ids, every agent acted, the score to the last agent only, the judge's line in the next state.
     */
    static RolloutBatch checkedRollout(LmEngine engine, Team team, List<RawAgent> agents, List<Problem> problems, int envCount) {
        int n = agents.size();
        Tokenizer tok = engine.tokenizer();
        RecordingGenerator gen = new RecordingGenerator(engine, new ArrayList<>());
        VecEnv envs = QaEnv.vectorised(envCount, team.roles(), team.withAnswer(), GRADER, ProblemSource.sequential(problems), HORIZON);
        List<List<String>> first = envs.reset();
        RolloutBatch batch = Rollout.run(new TeamPolicy(team, gen, TeamPolicy.roleAdapters(team), REFERENCE), envs, STEPS, 11);

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
        int[] current = new int[envCount], episodeStep = new int[envCount];
        String[] states = new String[envCount];
        for (int e = 0; e < envCount; e++) {
            current[e] = e;
            states[e] = initialState(problems.get(e));
            assertThat(first.get(e)).containsOnly(states[e]);
        }
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
                        if (GRADER.correct(actions[i], problem.finalAnswer())) right++;
                    }
                double[] rewards = batch.rewards()[t][e];
                for (int i = 0; i < n - 1; i++) assertThat(rewards[i]).as("reward of agent %d", i).isZero();
                assertThat(rewards[n - 1]).isEqualTo((double) right / graded);
                Map<String, Object> info = batch.infos().get(t).get(e);
                assertThat(info.get(QaEnv.GOLD)).isEqualTo(problem.finalAnswer());
                assertThat(info.get(QaEnv.STEP)).isEqualTo(++episodeStep[e]);
                // the next state: every turn, then the judge's line; a finished episode resets to the next problem
                next += judge(right > 0);
                boolean done = right > 0 || episodeStep[e] == HORIZON;
                assertThat(batch.dones()[t][e]).isEqualTo(done);
                if (done) {
                    current[e] = nextProblem++ % problems.size();
                    episodeStep[e] = 0;
                    next = initialState(problems.get(current[e]));
                }
                states[e] = next;
            }
        for (int e = 0; e < envCount; e++) {
            assertThat(batch.finalObservations().get(e)).containsOnly(states[e]);
            assertIsTokenized(tok, batch.bootstrapPrompts()[e], expectedPrompt(agents, 0, states[e], new String[n]));
        }
        return batch;
    }

    /**
     * The Evaluator on the problems at horizon 1, greedy: one call per agent with every episode's row, and
     * each episode's transcript is the problem, every agent's decoded generation, then the judge's line.
     */
    static EvalReport checkedEvaluation(LmEngine engine, Team team, List<RawAgent> agents, List<Problem> problems) {
        RecordingGenerator gen = new RecordingGenerator(engine, new ArrayList<>());
        EvalReport report = new Evaluator(new TeamPolicy(team, gen, TeamPolicy.roleAdapters(team), new SamplingParams(MAX_NEW_TOKENS, 0, 0, 1)),
                GRADER).run(problems, new EvaluatorOptions(problems.size(), 1, 5, 1, 32), null);
        int n = agents.size(), episodes = problems.size();
        assertThat(gen.calls()).hasSize(n);
        assertThat(report.n()).isEqualTo(episodes);
        assertThat(report.roles()).containsExactlyElementsOf(team.roles());
        Tokenizer tok = engine.tokenizer();
        long tokens = 0;
        for (int e = 0; e < episodes; e++) {
            EpisodeRecord r = report.records().get(e);
            String state = initialState(problems.get(e));
            StringBuilder transcript = new StringBuilder(state);
            String[] actions = new String[n];
            int graded = 0, right = 0;
            for (int i = 0; i < n; i++) {
                RecordingGenerator.Call call = gen.calls().get(i);
                assertThat(call.adapters()).hasSize(episodes).containsOnly(agents.get(i).role());
                assertIsTokenized(tok, call.prompts().get(e), expectedPrompt(agents, i, state, actions));
                Generation g = call.generations().get(e);
                actions[i] = tok.decode(g.endedWithEos() ? Arrays.copyOf(g.tokens(), g.tokens().length - 1) : g.tokens());
                transcript.append(agents.get(i).role()).append(": ").append(actions[i]).append('\n');
                tokens += g.tokens().length;
                if (agents.get(i).withAnswer()) {
                    graded++;
                    if (GRADER.correct(actions[i], problems.get(e).finalAnswer())) right++;
                }
            }
            assertThat(r.transcript()).isEqualTo(transcript.append(judge(right > 0)).toString());
            assertThat(r.problem()).isEqualTo(problems.get(e).problem());
            assertThat(r.gold()).isEqualTo(problems.get(e).finalAnswer());
            assertThat(r.steps()).isEqualTo(1);
            assertThat(r.score()).isEqualTo((double) right / graded);
        }
        assertThat(report.tokens()).isEqualTo(tokens);
        for (double wf : report.wellFormed()) assertThat(wf).isBetween(0.0, 1.0);
        return report;
    }
}
