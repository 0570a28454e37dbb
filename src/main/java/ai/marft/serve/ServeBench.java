package ai.marft.serve;

import ai.marft.Json;
import ai.marft.lm.LmEngine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code marft bench serve}: generated tokens/s of an in-process {@code marft serve} when 1, 4 and 16
 * clients send completion requests back to back over HTTP (unseeded, so concurrent rows share
 * batches), as medians over runs, and each figure's ratio to one client's, all measured in one run
 * (runs interleaved over the client counts).
 */
public final class ServeBench {
    private final int runs, maxTokens, maxBatch;
    private final double seconds;
    private final int[] clients;
    private final boolean seeded;

    /** @param seeded also measure requests that carry a seed (each its own batch unless the engine seeds rows apart) */
    public ServeBench(int runs, double seconds, int maxTokens, int maxBatch, boolean seeded, int... clients) {
        this.seeded = seeded;
        this.runs = runs;
        this.seconds = seconds;
        this.maxTokens = maxTokens;
        this.maxBatch = maxBatch;
        this.clients = clients.clone();
    }

    private static void progress(String s) {
        System.err.println("marft bench serve: " + s);
    }

    /** Serves {@code modelDir} on a free local port and measures every client count; the JSON report. */
    public ObjectNode run(Path modelDir) throws Exception {
        ObjectNode out = Json.MAPPER.createObjectNode().put("model", modelDir.toString()).put("runs", runs)
                .put("seconds_per_run", seconds).put("max_tokens", maxTokens).put("max_batch", maxBatch);
        try (LmEngine engine = LmEngine.load(modelDir);
             OpenAiServer server = OpenAiServer.start(engine, modelDir, new OpenAiServer.Options("127.0.0.1", 0, maxBatch, 5_000, "bench"), Map.of(), null)) {
            measure(server, 1, Math.min(seconds, 2), false); // warm-up: JIT, native library, allocator
            // runs go round the client counts, so that the machine's load drifts over every count alike
            int kinds = seeded ? 2 : 1, n = clients.length * kinds;
            double[][] tps = new double[n][runs];
            long[] batches = new long[n], decoded = new long[n];
            for (int r = 0; r < runs; r++)
                for (int i = 0; i < n; i++) {
                    long b0 = server.scheduler().batches(), d0 = server.scheduler().rowsDecoded();
                    tps[i][r] = measure(server, clients[i % clients.length], seconds, i >= clients.length);
                    batches[i] += server.scheduler().batches() - b0;
                    decoded[i] += server.scheduler().rowsDecoded() - d0;
                }
            ArrayNode rows = out.putArray("clients");
            double base = median(tps[0]);
            for (int i = 0; i < n; i++) {
                int c = clients[i % clients.length];
                boolean withSeed = i >= clients.length;
                double median = median(tps[i]), rowsPerBatch = (double) decoded[i] / Math.max(1, batches[i]);
                rows.addObject().put("clients", c).put("seeded", withSeed).put("tokens_per_s", round(median))
                        .put("ratio_to_" + clients[0] + "_client", round(median / base))
                        .put("mean_rows_per_batch", round(rowsPerBatch)).putPOJO("runs_tokens_per_s", Arrays.stream(tps[i]).map(ServeBench::round).toArray());
                progress(String.format("%d clients%s: %.0f tokens/s (median of %d), %.2fx %d unseeded client(s), %.1f rows per batch",
                        c, withSeed ? ", seeded" : "", median, runs, median / base, clients[0], rowsPerBatch));
            }
        }
        return out;
    }

    /** c clients send requests back to back for {@code secs}; generated tokens per second of wall time. */
    private double measure(OpenAiServer server, int c, double secs, boolean withSeed) throws Exception {
        URI uri = server.uri();
        AtomicLong tokens = new AtomicLong();
        long t0 = System.nanoTime(), end = t0 + (long) (secs * 1e9);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int k = 0; k < c; k++) {
                int client = k;
                running.add(pool.submit(() -> {
                    ServerClient http = new ServerClient(Duration.ofMinutes(5));
                    for (int i = 0; System.nanoTime() < end; i++) {
                        // an arithmetic problem in the embedded model's format, a different one per request
                        String prompt = "<|im_start|>problem: " + (2 + (client + i) % 7) + " * " + (3 + i % 5) + " + " + (1 + client % 9) + "<|im_end|>\n<|im_start|>solver: ";
                        ObjectNode body = Json.MAPPER.createObjectNode().put("model", "bench").put("prompt", prompt)
                                .put("max_tokens", maxTokens).put("temperature", 1.0);
                        if (withSeed) body.put("seed", 1000L * client + i);
                        JsonNode a = http.postJson(uri, "/v1/completions", body);
                        tokens.addAndGet(a.path("usage").path("completion_tokens").asLong());
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) f.get();
        }
        return tokens.get() / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double round(double x) {
        return Math.round(x * 100) / 100.0;
    }
}
