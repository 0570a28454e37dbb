package ai.marft.serve;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.lm.Generation;
import ai.marft.lm.SamplingParams;
import ai.marft.lm.TextGenerator;
import ai.marft.lm.Tokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Rollouts on OpenAI-compatible servers (marft serve or vLLM with LoRA): each generate call is cut
 * into requests of token-id prompts that run concurrently, spread over the servers; the sampled ids
 * come back with the log-probs the server reports (the trainer re-scores them itself).
 *
 * <p>A request carries the rows of one adapter that are next to each other in the batch, at most
 * ceil(rows / servers) of them, with seed {@link RowSeeds#streamSeed}(seed, first row): on marft serve
 * (which runs a seeded request as its own batch) every row then draws exactly what the local engine's
 * {@code generate(prompts, adapters, params, seed)} draws for it. A server that is down, times out,
 * answers 5xx or lacks the adapter has the request retried on the next server; when no server is
 * left the call fails with one line, {@code no rollout server left: ...}.
 */
public final class RemoteGenerator implements TextGenerator {
    private final List<URI> servers;
    private final String baseModel;
    private final Tokenizer tokenizer;
    private final ServerClient client;
    private final Map<String, String> served = new ConcurrentHashMap<>();
    private final Set<URI> failedBefore = ConcurrentHashMap.newKeySet();

    /**
     * @param servers   base URLs, e.g. http://10.0.0.5:8000
     * @param baseModel the servers' name of the base model (rows without adapter); see {@link #baseModelOf}
     * @param tokenizer the model's tokenizer (the trainer's own)
     * @param timeout   how long one request may take before it is retried elsewhere
     */
    public RemoteGenerator(List<URI> servers, String baseModel, Tokenizer tokenizer, Duration timeout) {
        if (servers.isEmpty()) throw new InputError("rollout_servers is empty: give at least one server URL");
        this.servers = List.copyOf(servers);
        this.baseModel = baseModel;
        this.tokenizer = tokenizer;
        this.client = new ServerClient(timeout);
    }

    /** The base model's name on a server: the /v1/models entry without parent (vLLM's and ours). */
    public static String baseModelOf(URI server, Duration timeout) {
        try {
            for (JsonNode m : new ServerClient(timeout).get(server, "/v1/models").path("data"))
                if (m.path("parent").isNull() || m.path("parent").isMissingNode()) return m.path("id").asText();
        } catch (ServerClient.Unavailable e) {
            throw new InputError("rollout server " + e.getMessage());
        }
        throw new InputError("rollout server " + server + ": /v1/models lists no base model");
    }

    /** Adapter name as the caller uses it (e.g. the role) -> name loaded on the servers (e.g. planner@12); see {@link AdapterSync}. */
    public void route(Map<String, String> names) {
        served.putAll(names);
    }

    @Override
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** A run of rows [from, to) with one adapter. */
    private record Piece(int from, int to, String model) {}

    @Override
    public List<Generation> generate(List<int[]> prompts, List<String> adapters, SamplingParams params, long seed) {
        if (prompts.size() != adapters.size()) throw new IllegalArgumentException(prompts.size() + " prompts but " + adapters.size() + " adapters");
        if (prompts.isEmpty()) return List.of();
        List<Piece> pieces = cut(adapters, (prompts.size() + servers.size() - 1) / servers.size());
        Generation[] out = new Generation[prompts.size()];
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < pieces.size(); i++) {
                Piece p = pieces.get(i);
                int first = i % servers.size();
                running.add(pool.submit(() -> run(p, first, prompts, params, seed, out)));
            }
            for (Future<?> f : running) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for rollout servers", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
        return List.of(out);
    }

    private List<Piece> cut(List<String> adapters, int most) {
        List<Piece> pieces = new ArrayList<>();
        int from = 0;
        for (int b = 1; b <= adapters.size(); b++)
            if (b == adapters.size() || b - from == most || !java.util.Objects.equals(adapters.get(b), adapters.get(from))) {
                String a = adapters.get(from);
                pieces.add(new Piece(from, b, a == null ? baseModel : served.getOrDefault(a, a)));
                from = b;
            }
        return pieces;
    }

    /** Sends one piece, trying servers from {@code first} on, servers that failed earlier last. */
    private void run(Piece p, int first, List<int[]> prompts, SamplingParams params, long seed, Generation[] out) {
        ObjectNode body = body(p, prompts, params, RowSeeds.streamSeed(seed, p.from()));
        List<URI> order = new ArrayList<>(), later = new ArrayList<>();
        for (int k = 0; k < servers.size(); k++) {
            URI s = servers.get((first + k) % servers.size());
            (failedBefore.contains(s) ? later : order).add(s);
        }
        order.addAll(later);
        List<String> why = new ArrayList<>();
        for (URI s : order) {
            try {
                JsonNode answer = client.postJson(s, "/v1/completions", body);
                List<Generation> rows = parse(answer, p.to() - p.from(), s);
                for (int r = 0; r < rows.size(); r++) out[p.from() + r] = rows.get(r);
                failedBefore.remove(s);
                return;
            } catch (ServerClient.Unavailable e) {
                failedBefore.add(s);
                why.add(e.getMessage());
            }
        }
        throw new InputError("no rollout server left: " + String.join("; ", why));
    }

    private static ObjectNode body(Piece p, List<int[]> prompts, SamplingParams params, long seed) {
        ObjectNode b = Json.MAPPER.createObjectNode().put("model", p.model());
        ArrayNode ps = b.putArray("prompt");
        for (int r = p.from(); r < p.to(); r++) {
            ArrayNode ids = ps.addArray();
            for (int t : prompts.get(r)) ids.add(t);
        }
        b.put("max_tokens", params.maxNewTokens()).put("temperature", params.temperature())
                .put("top_p", params.topP()).put("top_k", params.topK() == 0 ? -1 : params.topK())
                .put("seed", seed).put("n", 1).put("logprobs", 0)
                // vLLM: sampled ids per choice (token_ids) and as "token_id:N" in logprobs
                .put("return_token_ids", true).put("return_tokens_as_token_ids", true);
        return b;
    }

    /** One generation per prompt from the choices (ordered by index); ids from token_ids, else from "token_id:N" logprob tokens. */
    private static List<Generation> parse(JsonNode answer, int rows, URI server) throws ServerClient.Unavailable {
        JsonNode choices = answer.path("choices");
        if (choices.size() != rows) throw new ServerClient.Unavailable(server + ": answered " + choices.size() + " choices for " + rows + " prompts");
        Generation[] out = new Generation[rows];
        for (JsonNode c : choices) {
            int index = c.path("index").asInt(-1);
            if (index < 0 || index >= rows || out[index] != null) throw new ServerClient.Unavailable(server + ": bad choice index " + c.path("index"));
            JsonNode lp = c.path("logprobs");
            int[] ids;
            if (c.path("token_ids").isArray()) {
                ids = new int[c.get("token_ids").size()];
                for (int k = 0; k < ids.length; k++) ids[k] = c.get("token_ids").get(k).asInt();
            } else if (lp.path("tokens").isArray()) {
                ids = new int[lp.get("tokens").size()];
                for (int k = 0; k < ids.length; k++) {
                    String t = lp.get("tokens").get(k).asText();
                    if (!t.startsWith("token_id:")) throw new ServerClient.Unavailable(server + ": no token_ids and logprob tokens are not ids (start vLLM with --return-tokens-as-token-ids)");
                    ids[k] = Integer.parseInt(t.substring("token_id:".length()));
                }
            } else throw new ServerClient.Unavailable(server + ": the answer has neither token_ids nor logprobs tokens");
            float[] logprobs = new float[ids.length];
            JsonNode tl = lp.path("token_logprobs");
            for (int k = 0; k < ids.length; k++) logprobs[k] = tl.size() == ids.length ? (float) tl.get(k).asDouble() : Float.NaN;
            out[index] = new Generation(ids, logprobs, "stop".equals(c.path("finish_reason").asText()));
        }
        return List.of(out);
    }

    /** Servers in the order they are tried first, for the record. */
    public List<URI> servers() {
        return Collections.unmodifiableList(servers);
    }
}
