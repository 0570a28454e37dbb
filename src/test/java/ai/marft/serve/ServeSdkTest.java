package ai.marft.serve;

import ai.marft.Json;
import ai.marft.lm.Generation;
import ai.marft.lm.LmEngine;
import ai.marft.lm.SamplingParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Drives an in-process {@code marft serve} with the official OpenAI Java SDK and checks its answers
 * against a second engine over the same files, called directly.
 */
class ServeSdkTest {
    @TempDir
    static Path dir;
    static LmEngine served, local, plainEngine;
    static OpenAiServer server, plain;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        Path model = ServeFixtures.model(dir.resolve("model"), 11, true);
        local = LmEngine.load(model);
        ServeFixtures.adapter(local, "math", 21, dir.resolve("math"));
        served = LmEngine.load(model);
        server = OpenAiServer.start(served, model, new OpenAiServer.Options("127.0.0.1", 0, 16, 20_000, "tiny"),
                Map.of("math", dir.resolve("math")), null);
        client = OpenAIOkHttpClient.builder().baseUrl(server.uri() + "/v1").apiKey("unused").maxRetries(0).build();
        Path noTemplate = ServeFixtures.model(dir.resolve("plain"), 12, false);
        plainEngine = LmEngine.load(noTemplate);
        plain = OpenAiServer.start(plainEngine, noTemplate, new OpenAiServer.Options("127.0.0.1", 0, 4, 0, "plain"), Map.of(), null);
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
        plain.close();
        served.close();
        plainEngine.close();
        local.close();
    }

    private static long[] tokenIds(Map<String, JsonValue> extra) {
        return extra.get("token_ids").convert(long[].class);
    }

    private static long[] longs(int[] a) {
        return Arrays.stream(a).asLongStream().toArray();
    }

    @Test
    void listsTheBaseAndTheAdapters() {
        List<Model> models = client.models().list().data();
        assertThat(models).extracting(Model::id).containsExactly("tiny", "math");
    }

    @Test
    void aSeededCompletionWithAnAdapterDrawsWhatTheLocalEngineDraws() {
        String text = "<|im_start|>problem: 2+3<|im_end|>\n";
        int[] ids = local.tokenizer().encode(text);
        SamplingParams sp = new SamplingParams(12, 0.8, 20, 0.9);
        Completion c = client.completions().create(CompletionCreateParams.builder().model("math").prompt(text)
                .maxTokens(12).temperature(0.8).topP(0.9).seed(1234L).logprobs(0L).n(3L)
                .putAdditionalBodyProperty("top_k", JsonValue.from(20)).build());
        List<Generation> expected = local.generate(List.of(ids, ids, ids), Collections.nCopies(3, "math"), sp, 1234);
        assertThat(c.choices()).hasSize(3);
        boolean rowsDiffer = false;
        for (CompletionChoice choice : c.choices()) {
            Generation g = expected.get((int) choice.index());
            assertThat(tokenIds(choice._additionalProperties())).as("choice %d", choice.index()).isEqualTo(longs(g.tokens()));
            CompletionChoice.Logprobs lp = choice.logprobs().orElseThrow();
            assertThat(lp.tokens().orElseThrow()).isEqualTo(Arrays.stream(g.tokens()).mapToObj(t -> "token_id:" + t).toList());
            List<Double> lps = lp.tokenLogprobs().orElseThrow();
            for (int k = 0; k < lps.size(); k++) assertThat(lps.get(k)).isCloseTo(g.logprobs()[k], within(1e-6));
            int textLen = g.endedWithEos() ? g.tokens().length - 1 : g.tokens().length;
            assertThat(choice.text()).isEqualTo(local.tokenizer().decode(Arrays.copyOf(g.tokens(), textLen)));
            assertThat(choice.finishReason().asString()).isEqualTo(g.endedWithEos() ? "stop" : "length");
            rowsDiffer |= !Arrays.equals(g.tokens(), expected.getFirst().tokens());
        }
        assertThat(rowsDiffer).as("the n samples are not copies of one another").isTrue();
    }

    @Test
    void tokenIdPromptsOnTheBaseModelMatchTheLocalEngine() {
        int[] a = {104, 101, 108}, b = {50, 43, 51, 61};
        Completion c = client.completions().create(CompletionCreateParams.builder().model("tiny")
                .promptOfArrayOfTokenArrays(List.of(Arrays.stream(a).boxed().map(Integer::longValue).toList(), Arrays.stream(b).boxed().map(Integer::longValue).toList()))
                .maxTokens(9).temperature(1.0).seed(-5L).n(2L).build());
        List<Generation> expected = local.generate(List.of(a, a, b, b), Arrays.asList(null, null, null, null), new SamplingParams(9, 1.0, 0, 1.0), -5);
        assertThat(c.choices()).hasSize(4);
        for (CompletionChoice choice : c.choices())
            assertThat(tokenIds(choice._additionalProperties())).isEqualTo(longs(expected.get((int) choice.index()).tokens()));
    }

    @Test
    void chatRendersTheModelsTemplateAndMatchesTheLocalEngine() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("math")
                .addSystemMessage("Be brief.").addUserMessage("hi").maxCompletionTokens(10).temperature(0.7).seed(77L).build());
        // the ChatML prompt, written out by hand
        int[] prompt = local.tokenizer().encode("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
        Generation g = local.generate(List.of(prompt), List.of("math"), new SamplingParams(10, 0.7, 0, 1.0), 77).getFirst();
        assertThat(tokenIds(c.choices().getFirst()._additionalProperties())).isEqualTo(longs(g.tokens()));
        int textLen = g.endedWithEos() ? g.tokens().length - 1 : g.tokens().length;
        assertThat(c.choices().getFirst().message().content()).contains(local.tokenizer().decode(Arrays.copyOf(g.tokens(), textLen)));
    }

    @Test
    void chatWithoutATemplateIsAClear400() {
        OpenAIClient other = OpenAIOkHttpClient.builder().baseUrl(plain.uri() + "/v1").apiKey("unused").maxRetries(0).build();
        try {
            assertThatThrownBy(() -> other.chat().completions().create(ChatCompletionCreateParams.builder().model("plain").addUserMessage("hi").build()))
                    .isInstanceOf(BadRequestException.class).hasMessageContaining("chat needs a chat template");
        } finally {
            other.close();
        }
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    private static void assertError(HttpResponse<String> r, int status, String param, String messagePart) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = Json.MAPPER.readTree(r.body()).get("error");
        assertThat(e.get("message").asText()).contains(messagePart);
        assertThat(e.get("type").isTextual()).isTrue();
        assertThat(e.get("code").asInt()).isEqualTo(status);
        if (param == null) assertThat(e.get("param").isNull()).isTrue();
        else assertThat(e.get("param").asText()).isEqualTo(param);
    }

    @Test
    void badRequestsGetOpenAiErrorsAndTheServerKeepsServing() throws Exception {
        assertError(post("/v1/completions", "{not json"), 400, null, "not valid JSON");
        assertError(post("/v1/completions", "{\"model\":\"nope\",\"prompt\":\"x\"}"), 404, "model", "`nope` does not exist");
        assertError(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"x\",\"temperature\":-1}"), 400, "temperature", "'temperature' must be in");
        assertError(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":[1,2,9999]}"), 400, "prompt", "token 9999 at position 2");
        assertError(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"x\",\"logprobs\":5}"), 400, "logprobs", "sampled token's log-prob only");
        assertError(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"x\",\"max_tokens\":100000}"), 400, "max_tokens", "maximum context length is 512");
        assertError(post("/v1/completions", "{\"model\":\"tiny\"}"), 400, "prompt", "'prompt' is required");
        assertError(post("/v1/nothing", "{}"), 404, null, "no endpoint");
        HttpResponse<String> ok = post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"ab\",\"max_tokens\":3,\"stop\":[\"\"]}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(ok.body()).at("/choices/0/token_ids").size()).isBetween(1, 3);
    }

    @Test
    void adaptersLoadAndUnloadAtRuntime() throws Exception {
        String load = "{\"lora_name\":\"math2\",\"lora_path\":\"" + dir.resolve("math") + "\"}";
        assertThat(post("/v1/load_lora_adapter", load).statusCode()).isEqualTo(200);
        try {
            servesItThenUnloadsIt(load);
        } finally {
            post("/v1/unload_lora_adapter", "{\"lora_name\":\"math2\"}"); // leave the server as the other tests expect it
        }
        assertThat(client.models().list().data()).extracting(Model::id).doesNotContain("math2");
        assertError(post("/v1/completions", "{\"model\":\"math2\",\"prompt\":\"x\"}"), 404, "model", "`math2` does not exist");
        assertError(post("/v1/unload_lora_adapter", "{\"lora_name\":\"math2\"}"), 404, "lora_name", "cannot be found");
    }

    private void servesItThenUnloadsIt(String load) throws Exception {
        assertError(post("/v1/load_lora_adapter", load), 400, "lora_name", "already been loaded");
        assertThat(client.models().list().data()).extracting(Model::id).contains("math2");
        int[] p = {65, 66, 67};
        Completion c = client.completions().create(CompletionCreateParams.builder().model("math2")
                .promptOfArrayOfTokens(List.of(65L, 66L, 67L)).maxTokens(6).seed(3L).build());
        assertThat(tokenIds(c.choices().getFirst()._additionalProperties()))
                .isEqualTo(longs(local.generate(List.of(p), List.of("math"), new SamplingParams(6, 1.0, 0, 1.0), 3).getFirst().tokens()));
        HttpResponse<String> unload = post("/v1/unload_lora_adapter", "{\"lora_name\":\"math2\"}");
        assertThat(unload.statusCode()).isEqualTo(200);
        assertThat(unload.body()).contains("removed successfully");
    }

    @Test
    void requestsArrivingTogetherAreDecodedTogether() {
        long before = server.scheduler().batches();
        List<CompletableFuture<Completion>> running = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String model = i % 2 == 0 ? "tiny" : "math"; // rows with different adapters share a batch
            running.add(client.async().completions().create(CompletionCreateParams.builder().model(model)
                    .prompt("q" + i).maxTokens(4 + i).temperature(0.9).build()));
        }
        for (CompletableFuture<Completion> f : running) assertThat(f.join().choices()).hasSize(1);
        long batches = server.scheduler().batches() - before;
        assertThat(batches).as("8 concurrent requests, 20 ms gathering window").isLessThan(8);
    }
}
