package ai.marft.serve;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.lm.Generation;
import ai.marft.lm.LmEngine;
import ai.marft.lm.LoraAdapter;
import ai.marft.lm.SamplingParams;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RemoteGenerator and AdapterSync against two {@code marft serve} child processes: the tokens equal
 * the local engine's for the same rows, adapters and seed; a server paused past the timeout or
 * killed mid-call has its requests retried on the other; with none left the call fails in one line.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteRolloutTest {
    @TempDir
    static Path dir;
    static LmEngine local;
    static ServeProcess first, second;
    static final SamplingParams SAMPLING = new SamplingParams(40, 1.0, 0, 1.0);

    @BeforeAll
    static void start() throws Exception {
        Path model = ServeFixtures.model(dir.resolve("model"), 31, false);
        local = LmEngine.load(model);
        LoraAdapter a = ServeFixtures.adapter(local, "a", 41, dir.resolve("a"));
        local.adapters().remove(a.name());
        local.adapters().load("a", dir.resolve("a")); // exactly the weights the servers read
        String[] args = {"--model", model.toString(), "--adapter", "a=" + dir.resolve("a"), "--served-model-name", "tiny", "--batch-wait-ms", "2"};
        first = new ServeProcess(dir.resolve("first.log"), args);
        second = new ServeProcess(dir.resolve("second.log"), args);
        first.awaitReady();
        second.awaitReady();
    }

    @AfterAll
    static void stop() {
        if (first != null) first.close();
        if (second != null) second.close();
        if (local != null) local.close();
    }

    /** n prompts of a few byte tokens, adapters alternating a / base so that every row is its own request. */
    static List<int[]> prompts(int n) {
        List<int[]> p = new ArrayList<>();
        for (int i = 0; i < n; i++) p.add(new int[]{97 + i % 26, 98 + i % 20, 60 + i});
        return p;
    }

    static List<String> alternating(int n) {
        List<String> a = new ArrayList<>();
        for (int i = 0; i < n; i++) a.add(i % 2 == 0 ? "a" : null);
        return a;
    }

    static void assertSameTokens(List<Generation> remote, List<Generation> expected) {
        assertThat(remote).hasSize(expected.size());
        for (int r = 0; r < expected.size(); r++) {
            assertThat(remote.get(r).tokens()).as("row %d", r).isEqualTo(expected.get(r).tokens());
            assertThat(remote.get(r).endedWithEos()).as("row %d", r).isEqualTo(expected.get(r).endedWithEos());
        }
    }

    @Test
    @Order(1)
    void withOneServerAndASeedItSamplesWhatTheLocalEngineSamples() {
        List<int[]> p = prompts(6);
        List<String> adapters = java.util.Arrays.asList("a", "a", null, "a", null, null); // runs of 2, 1, 1, 2 rows
        RemoteGenerator remote = new RemoteGenerator(List.of(first.uri()), "tiny", local.tokenizer(), Duration.ofSeconds(60));
        List<Generation> got = remote.generate(p, adapters, SAMPLING, 4242);
        List<Generation> expected = local.generate(p, adapters, SAMPLING, 4242);
        assertSameTokens(got, expected);
        for (int r = 0; r < p.size(); r++)
            for (int k = 0; k < expected.get(r).logprobs().length; k++)
                assertThat(got.get(r).logprobs()[k]).as("row %d token %d", r, k).isCloseTo(expected.get(r).logprobs()[k], org.assertj.core.api.Assertions.within(1e-4f));
    }

    static List<String> servedModels(URI server) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            JsonNode j = Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(server.resolve("/v1/models")).build(), HttpResponse.BodyHandlers.ofString()).body());
            List<String> ids = new ArrayList<>();
            j.get("data").forEach(m -> ids.add(m.get("id").asText()));
            return ids;
        }
    }

    @Test
    @Order(2)
    void adapterSyncPublishesEachVersionToEveryServer() throws Exception {
        Path sync = dir.resolve("sync");
        AdapterSync adapterSync = new AdapterSync(sync, List.of(first.uri(), second.uri()), "tiny", Duration.ofSeconds(60));
        RemoteGenerator remote = new RemoteGenerator(List.of(first.uri(), second.uri()), "tiny", local.tokenizer(), Duration.ofSeconds(60));
        LoraAdapter planner = ServeFixtures.adapter(local, "planner", 51, null);
        List<int[]> p = prompts(4);
        List<String> rows = List.of("planner", "planner", "planner", "planner");
        for (long version = 1; version <= 2; version++) {
            if (version == 2) ServeFixtures.randomizeB(planner, 61); // the policy update
            var names = adapterSync.publish(local.adapters(), List.of("planner"), version);
            assertThat(names).containsEntry("planner", "planner@" + version);
            for (URI s : List.of(first.uri(), second.uri()))
                assertThat(servedModels(s)).contains("planner@" + version).doesNotContain("planner@" + (version - 1));
            try (Stream<Path> files = Files.list(sync)) {
                assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("planner@" + version);
            }
            remote.route(names);
            assertSameTokens(remote.generate(p, rows, SAMPLING, 7 + version), local.generate(p, rows, SAMPLING, 7 + version));
        }
        // a new trainer process (resumed from an older checkpoint) publishes version 1 again over the servers' version 2
        AdapterSync resumed = new AdapterSync(sync, List.of(first.uri(), second.uri()), "tiny", Duration.ofSeconds(60));
        for (long version : new long[]{1, 1}) { // twice: the same version again reloads it
            remote.route(resumed.publish(local.adapters(), List.of("planner"), version));
            for (URI s : List.of(first.uri(), second.uri()))
                assertThat(servedModels(s).stream().filter(m -> m.startsWith("planner@")).toList()).containsExactly("planner@1");
            try (Stream<Path> files = Files.list(sync)) {
                assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("planner@1");
            }
            assertSameTokens(remote.generate(p, rows, SAMPLING, 3), local.generate(p, rows, SAMPLING, 3));
        }
    }

    @Test
    @Order(3)
    void aServerPausedPastTheTimeoutHasItsRequestsRetriedOnTheOther() throws Exception {
        RemoteGenerator remote = new RemoteGenerator(List.of(first.uri(), second.uri()), "tiny", local.tokenizer(), Duration.ofSeconds(3));
        List<int[]> p = prompts(4);
        second.signal("STOP");
        try {
            long t0 = System.nanoTime();
            List<Generation> got = remote.generate(p, alternating(4), SAMPLING, 99);
            assertThat((System.nanoTime() - t0) / 1e9).as("waited for the timeout").isGreaterThanOrEqualTo(3.0);
            assertSameTokens(got, local.generate(p, alternating(4), SAMPLING, 99));
        } finally {
            second.signal("CONT");
        }
    }

    @Test
    @Order(4)
    void aServerKilledMidCallHasItsRequestsRetriedAndWithNoneLeftTheCallFailsInOneLine() throws Exception {
        RemoteGenerator remote = new RemoteGenerator(List.of(first.uri(), second.uri()), "tiny", local.tokenizer(), Duration.ofSeconds(60));
        List<int[]> p = prompts(16);
        List<String> adapters = alternating(16);
        SamplingParams longer = new SamplingParams(64, 1.0, 0, 1.0);
        // the second server is stopped (SIGSTOP) before the call, so its share is certainly in flight when it is
        // killed (a running server may answer its rows within the 400 ms: batched rows decode fast)
        second.signal("STOP");
        CompletableFuture<List<Generation>> call = CompletableFuture.supplyAsync(() -> remote.generate(p, adapters, longer, 2024));
        Thread.sleep(400);
        assertThat(call).as("still waiting for the stopped server when it dies").isNotDone();
        second.process.destroyForcibly().waitFor();
        List<Generation> got = call.join();
        assertSameTokens(got, local.generate(p, adapters, longer, 2024));

        first.process.destroyForcibly().waitFor();
        assertThatThrownBy(() -> remote.generate(p.subList(0, 2), adapters.subList(0, 2), SAMPLING, 1))
                .isInstanceOf(InputError.class).hasMessageStartingWith("no rollout server left: ")
                .hasMessageContaining(first.uri().toString()).hasMessageContaining(second.uri().toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
