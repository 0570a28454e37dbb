package ai.marft.serve;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.lm.Generation;
import ai.marft.lm.LmEngine;
import ai.marft.lm.ModelConfig;
import ai.marft.lm.Tokenizer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;

/**
 * {@code marft serve}: the OpenAI HTTP API as vLLM's server implements it, over one engine.
 * Endpoints: GET /health, GET /v1/models, POST /v1/completions, POST /v1/chat/completions,
 * POST /v1/load_lora_adapter, POST /v1/unload_lora_adapter. Decoding goes through one
 * {@link BatchScheduler}, so concurrent requests share generate calls. Built on the JDK's
 * com.sun.net.httpserver (why: docs/serving.md): each request on a virtual thread.
 */
public final class OpenAiServer implements AutoCloseable {
    /**
     * @param waitMicros how long a batch waits for more requests after its first
     * @param name       the base model's served name
     */
    public record Options(String host, int port, int maxBatch, long waitMicros, String name) {}

    private final LmEngine engine;
    private final Path modelDir;
    private final Options options;
    private final BatchScheduler scheduler;
    private final Optional<ChatTemplate> chat;
    private final TeamModel team;
    private final Map<String, String> adapters = new ConcurrentSkipListMap<>(); // served name -> folder
    private final long created = System.currentTimeMillis() / 1000;
    private final HttpServer http;

    private OpenAiServer(LmEngine engine, Path modelDir, Options options, TeamModel team) throws IOException {
        this.engine = engine;
        this.modelDir = modelDir;
        this.options = options;
        this.team = team;
        this.chat = ChatTemplate.load(modelDir);
        this.scheduler = new BatchScheduler(engine, options.maxBatch(), options.waitMicros());
        this.http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 256);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/", this::route);
    }

    /**
     * Loads the adapters (and the team's, when given) and starts listening.
     *
     * @param adapters served name -> PEFT folder
     */
    public static OpenAiServer start(LmEngine engine, Path modelDir, Options options, Map<String, Path> adapters, TeamModel team) throws IOException {
        if (!engine.adapters().names().isEmpty()) throw new IllegalStateException("the engine already has adapters " + engine.adapters().names());
        OpenAiServer s = new OpenAiServer(engine, modelDir, options, team);
        try {
            for (var e : adapters.entrySet()) s.load(e.getKey(), e.getValue().toString());
            if (team != null) for (var e : team.adapterDirs().entrySet()) {
                Path dir = e.getValue();
                s.scheduler.call(() -> engine.adapters().load(e.getKey(), dir));
                s.adapters.put(e.getKey(), dir.toString());
            }
        } catch (RuntimeException e) {
            s.scheduler.close();
            throw e instanceof ApiError a ? new InputError("adapter: " + a.getMessage()) : e;
        }
        s.http.start();
        return s;
    }

    /** Where it listens, e.g. http://127.0.0.1:8000 (the bound port when 0 was asked). */
    public URI uri() {
        return URI.create("http://" + options.host() + ":" + http.getAddress().getPort());
    }

    public String baseName() {
        return options.name();
    }

    public BatchScheduler scheduler() {
        return scheduler;
    }

    @Override
    public void close() {
        http.stop(0);
        scheduler.close();
    }

    private void route(HttpExchange ex) {
        try (ex) {
            String path = ex.getRequestURI().getPath(), method = ex.getRequestMethod();
            try {
                switch (path) {
                    case "/health" -> { expect(method, "GET"); send(ex, 200, "text/plain", ""); }
                    case "/v1/models" -> { expect(method, "GET"); sendJson(ex, 200, models()); }
                    case "/v1/completions" -> { expect(method, "POST"); sendJson(ex, 200, completions(new Fields(body(ex)))); }
                    case "/v1/chat/completions" -> { expect(method, "POST"); sendJson(ex, 200, chatCompletions(new Fields(body(ex)))); }
                    case "/v1/load_lora_adapter" -> {
                        expect(method, "POST");
                        Fields f = new Fields(body(ex));
                        String name = f.string("lora_name");
                        load(name, f.string("lora_path"));
                        send(ex, 200, "text/plain", "Success: LoRA adapter '" + name + "' added successfully.");
                    }
                    case "/v1/unload_lora_adapter" -> {
                        expect(method, "POST");
                        String name = new Fields(body(ex)).string("lora_name");
                        unload(name);
                        send(ex, 200, "text/plain", "Success: LoRA adapter '" + name + "' removed successfully.");
                    }
                    default -> throw new ApiError(404, "NotFoundError", null, "no endpoint " + method + " " + path);
                }
            } catch (ApiError e) {
                sendJson(ex, e.status(), e.body());
            } catch (InputError e) {
                sendJson(ex, 400, ApiError.badRequest(null, e.getMessage()).body());
            } catch (RuntimeException e) {
                System.err.println("marft serve: " + method + " " + path + " failed: " + e);
                e.printStackTrace();
                sendJson(ex, 500, new ApiError(500, "InternalServerError", null, e.toString()).body());
            }
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    private static void expect(String method, String wanted) {
        if (!method.equals(wanted)) throw new ApiError(405, "invalid_request_error", null, "use " + wanted + " here, not " + method);
    }

    private static JsonNode body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            return Json.MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest(null, "the request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        send(ex, status, "application/json", Json.MAPPER.writeValueAsString(body));
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    // ---- adapters

    private void load(String name, String path) {
        if (name.isBlank() || name.equals(options.name()) || name.equals(TeamModel.NAME))
            throw ApiError.badRequest("lora_name", "'" + name + "' cannot name an adapter (blank, the base model or the team)");
        if (adapters.containsKey(name)) throw ApiError.badRequest("lora_name", "The lora adapter '" + name + "' has already been loaded.");
        Path dir = Path.of(path);
        if (!Files.isDirectory(dir)) throw new ApiError(404, "NotFoundError", "lora_path", "no adapter folder " + path + " on the server");
        scheduler.call(() -> engine.adapters().load(name, dir));
        adapters.put(name, path);
    }

    private void unload(String name) {
        if (name.startsWith(TeamModel.NAME + "/")) throw ApiError.badRequest("lora_name", "'" + name + "' belongs to the served team");
        if (!adapters.containsKey(name)) throw new ApiError(404, "NotFoundError", "lora_name", "The lora adapter '" + name + "' cannot be found.");
        adapters.remove(name);
        scheduler.call(() -> {
            engine.adapters().remove(name);
            return null;
        });
    }

    // ---- models

    private ObjectNode models() {
        ObjectNode root = Json.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        model(data, options.name(), modelDir.toString(), null);
        adapters.forEach((name, path) -> model(data, name, path, options.name()));
        if (team != null) model(data, TeamModel.NAME, team.checkpoint().dir().toString(), options.name());
        return root;
    }

    private void model(ArrayNode data, String id, String root, String parent) {
        ObjectNode m = data.addObject().put("id", id).put("object", "model").put("created", created).put("owned_by", "marft").put("root", root);
        if (parent == null) m.putNull("parent");
        else m.put("parent", parent);
        m.put("max_model_len", engine.model().config().maxPositions());
    }

    /** The adapter a request's model names: null for the base; a 404 for unknown names. */
    private String adapterOf(String model) {
        if (model.equals(options.name()) || model.equals(modelDir.toString())) return null;
        if (adapters.containsKey(model)) return model;
        throw ApiError.noSuchModel(model);
    }

    // ---- completions

    private ObjectNode completions(Fields f) {
        String model = f.string("model");
        List<int[]> prompts = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        readPrompts(f.raw("prompt"), prompts, texts);
        Long logprobs = f.integer("logprobs");
        if (logprobs != null && logprobs != 0)
            throw ApiError.badRequest("logprobs", "logprobs must be 0 or absent: marft serve reports the sampled token's log-prob only, not top alternatives");
        if (model.equals(TeamModel.NAME) && team != null) {
            if (texts.size() != prompts.size()) throw ApiError.badRequest("prompt", "the team model takes questions as text, not token ids");
            Sampling s = Sampling.read(f, 0, new Sampling(team.checkpoint().params(), 1, null, List.of()));
            return teamResponse("text_completion", model, texts, s, false);
        }
        String adapter = adapterOf(model);
        Sampling s = Sampling.read(f, 16, null);
        List<Finished> rows = decode(prompts, adapter, s);
        ObjectNode out = envelope("cmpl-", "text_completion", model);
        ArrayNode choices = out.putArray("choices");
        Tokenizer tok = tokenizerOrNull();
        for (int i = 0; i < rows.size(); i++) {
            Finished r = rows.get(i);
            ObjectNode c = choices.addObject().put("index", i).put("text", r.text());
            if (logprobs == null) c.putNull("logprobs");
            else c.set("logprobs", r.completionLogprobs(tok));
            c.put("finish_reason", r.finishReason());
            c.put("stop_reason", r.stopReason());
            c.set("token_ids", r.tokenIds());
            c.set("prompt_token_ids", ids(prompts.get(i / s.n())));
        }
        usage(out, prompts, rows);
        return out;
    }

    /** OpenAI's prompt: text, a list of texts, a list of token ids, or a list of such lists. */
    private void readPrompts(JsonNode p, List<int[]> prompts, List<String> texts) {
        if (p == null) throw ApiError.badRequest("prompt", "'prompt' is required");
        if (p.isTextual()) addText(p.asText(), prompts, texts);
        else if (p.isArray() && !p.isEmpty() && p.get(0).isIntegralNumber()) prompts.add(tokenIds(p));
        else if (p.isArray() && !p.isEmpty()) for (JsonNode e : p) {
            if (e.isTextual()) addText(e.asText(), prompts, texts);
            else if (e.isArray()) prompts.add(tokenIds(e));
            else throw ApiError.badRequest("prompt", "each prompt must be a string or a list of token ids, found " + e);
        }
        else throw ApiError.badRequest("prompt", "'prompt' must be a string, a list of token ids, or a non-empty list of either");
    }

    private void addText(String text, List<int[]> prompts, List<String> texts) {
        texts.add(text);
        prompts.add(engine.tokenizer().encode(text));
    }

    private int[] tokenIds(JsonNode a) {
        int vocab = engine.model().config().vocabSize();
        int[] ids = new int[a.size()];
        for (int k = 0; k < ids.length; k++) {
            JsonNode v = a.get(k);
            if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() >= vocab)
                throw ApiError.badRequest("prompt", "token " + v + " at position " + k + " is not an id of the vocabulary [0, " + vocab + ")");
            ids[k] = v.asInt();
        }
        return ids;
    }

    /** Every prompt n times (prompt-major, as OpenAI numbers choices), decoded through the scheduler. */
    private List<Finished> decode(List<int[]> prompts, String adapter, Sampling s) {
        ModelConfig c = engine.model().config();
        List<int[]> rows = new ArrayList<>();
        for (int[] p : prompts) {
            if (p.length == 0) throw ApiError.badRequest("prompt", "a prompt is empty");
            if (p.length + s.params().maxNewTokens() > c.maxPositions())
                throw ApiError.badRequest("max_tokens", "This model's maximum context length is " + c.maxPositions() + " tokens. However, you requested "
                        + (p.length + s.params().maxNewTokens()) + " tokens (" + p.length + " in the prompt, " + s.params().maxNewTokens() + " for the completion).");
            for (int k = 0; k < s.n(); k++) rows.add(p);
        }
        if (!s.stop().isEmpty() && tokenizerOrNull() == null) throw ApiError.badRequest("stop", "stop strings need the model's tokenizer.json");
        List<Generation> gens = await(scheduler.submit(rows, Collections.nCopies(rows.size(), adapter), s.params(), s.seed()));
        Tokenizer tok = tokenizerOrNull();
        return gens.stream().map(g -> Finished.of(g, tok, s.stop())).toList();
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    private Tokenizer tokenizerOrNull() {
        try {
            return engine.tokenizer();
        } catch (InputError e) {
            return null;
        }
    }

    // ---- chat

    private ObjectNode chatCompletions(Fields f) {
        String model = f.string("model");
        List<Map<String, Object>> messages = messages(f.raw("messages"));
        boolean logprobs = f.flag("logprobs");
        if (f.integer("top_logprobs", 0, 0, 0) != 0) throw ApiError.badRequest("top_logprobs", "top_logprobs must be 0: only the sampled token's log-prob is reported");
        if (model.equals(TeamModel.NAME) && team != null) {
            String question = null;
            for (Map<String, Object> m : messages) if ("user".equals(m.get("role"))) question = (String) m.get("content");
            if (question == null) throw ApiError.badRequest("messages", "the team model answers the last user message, and there is none");
            Sampling s = Sampling.read(f, 0, new Sampling(team.checkpoint().params(), 1, null, List.of()));
            return teamResponse("chat.completion", model, List.of(question), s, true);
        }
        String adapter = adapterOf(model);
        ChatTemplate template = chat.orElseThrow(() -> ApiError.badRequest("messages",
                "chat needs a chat template, and this model's tokenizer_config.json has no chat_template; use /v1/completions with a prompt"));
        int[] prompt = engine.tokenizer().encode(template.render(messages));
        Sampling s = Sampling.read(f, Math.max(1, c().maxPositions() - prompt.length), null);
        List<Finished> rows = decode(List.of(prompt), adapter, s);
        ObjectNode out = envelope("chatcmpl-", "chat.completion", model);
        ArrayNode choices = out.putArray("choices");
        for (int i = 0; i < rows.size(); i++) {
            Finished r = rows.get(i);
            ObjectNode c = choices.addObject().put("index", i);
            c.putObject("message").put("role", "assistant").put("content", r.text()).putNull("refusal");
            if (logprobs) c.set("logprobs", r.chatLogprobs());
            else c.putNull("logprobs");
            c.put("finish_reason", r.finishReason()).put("stop_reason", r.stopReason());
            c.set("token_ids", r.tokenIds());
        }
        out.set("prompt_token_ids", ids(prompt));
        usage(out, List.of(prompt), rows);
        return out;
    }

    private ModelConfig c() {
        return engine.model().config();
    }

    /** OpenAI messages as the template sees them: role and content (text parts joined). */
    private static List<Map<String, Object>> messages(JsonNode a) {
        if (a == null || !a.isArray() || a.isEmpty()) throw ApiError.badRequest("messages", "'messages' must be a non-empty list of {role, content}");
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode m : a) {
            JsonNode role = m.get("role"), content = m.get("content");
            if (role == null || !role.isTextual()) throw ApiError.badRequest("messages", "each message needs a string 'role', found " + m);
            String text;
            if (content == null || content.isNull()) text = "";
            else if (content.isTextual()) text = content.asText();
            else if (content.isArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : content) {
                    if (!"text".equals(part.path("type").asText())) throw ApiError.badRequest("messages", "only text content parts are offered, found " + part);
                    sb.append(part.path("text").asText());
                }
                text = sb.toString();
            } else throw ApiError.badRequest("messages", "message content must be a string or a list of text parts, found " + content);
            out.add(new java.util.HashMap<>(Map.of("role", role.asText(), "content", text)));
        }
        return out;
    }

    // ---- team

    private ObjectNode teamResponse(String object, String model, List<String> questions, Sampling s, boolean chatShape) {
        List<TeamModel.Answer> answers = team.answer(scheduler, questions, s);
        ObjectNode out = envelope(chatShape ? "chatcmpl-" : "cmpl-", object, model);
        ArrayNode choices = out.putArray("choices");
        int completion = 0;
        for (int i = 0; i < answers.size(); i++) {
            TeamModel.Answer a = answers.get(i);
            String finish = a.last().endedWithEos() ? "stop" : "length";
            ObjectNode c = choices.addObject().put("index", i);
            if (chatShape) c.putObject("message").put("role", "assistant").put("content", a.last().actionText()).putNull("refusal");
            else c.put("text", a.last().actionText());
            c.putNull("logprobs").put("finish_reason", finish);
            ArrayNode tokens = c.putArray("token_ids");
            for (int t : a.last().actionTokens()) tokens.add(t);
            c.set("marft_transcript", a.transcript());
            for (var turn : a.turns()) completion += turn.actionTokens().length;
        }
        int prompt = 0;
        for (TeamModel.Answer a : answers) for (var turn : a.turns()) prompt += turn.promptTokens().length;
        out.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
        return out;
    }

    // ---- shared pieces

    private ObjectNode envelope(String idPrefix, String object, String model) {
        return Json.MAPPER.createObjectNode().put("id", idPrefix + UUID.randomUUID().toString().replace("-", ""))
                .put("object", object).put("created", System.currentTimeMillis() / 1000).put("model", model);
    }

    private static void usage(ObjectNode out, List<int[]> prompts, List<Finished> rows) {
        int p = prompts.stream().mapToInt(a -> a.length).sum(), c = rows.stream().mapToInt(r -> r.tokens().length).sum();
        out.putObject("usage").put("prompt_tokens", p).put("completion_tokens", c).put("total_tokens", p + c);
    }

    private static ArrayNode ids(int[] a) {
        ArrayNode n = Json.MAPPER.createArrayNode();
        for (int t : a) n.add(t);
        return n;
    }
}
