package ai.marft.serve;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.lm.LmEngine;
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
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;

/**
 * {@code marft serve}: the OpenAI HTTP API as vLLM's server implements it, over one engine.
 * Endpoints: GET /health, GET /v1/models, POST /v1/completions, POST /v1/chat/completions,
 * POST /v1/load_lora_adapter, POST /v1/unload_lora_adapter. Decoding goes through one
 * {@link BatchScheduler}, so concurrent requests share generate calls (a team's agents on other
 * bases: one engine and scheduler per base, {@link TeamBases}). Built on the JDK's
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
    private final TeamModel team;
    private final TeamBases teamBases; // the team's other bases; null without a team
    private final Completions completions;
    private final Map<String, String> adapters = new ConcurrentSkipListMap<>(); // served name -> folder
    private final long created = System.currentTimeMillis() / 1000;
    private final HttpServer http;

    private OpenAiServer(LmEngine engine, Path modelDir, Options options, TeamModel team, TeamBases teamBases) {
        this.engine = engine;
        this.modelDir = modelDir;
        this.options = options;
        this.team = team;
        this.teamBases = teamBases;
        this.scheduler = new BatchScheduler(engine, options.maxBatch(), options.waitMicros());
        this.completions = new Completions(engine, scheduler, ChatTemplate.load(modelDir), team,
                teamBases == null ? null : teamBases.generators(scheduler), this::adapterOf);
        try {
            this.http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 256);
        } catch (IOException e) {
            scheduler.close();
            throw new InputError("cannot listen on " + options.host() + ":" + options.port() + " (" + e.getMessage() + ")");
        }
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/", this::route);
    }

    /**
     * Loads the adapters (and the team's, when given: agents on {@code modelDir} into {@code engine},
     * every other base of the team once with its agents' adapters, {@link TeamBases}) and starts listening.
     *
     * @param adapters served name -> PEFT folder
     */
    public static OpenAiServer start(LmEngine engine, Path modelDir, Options options, Map<String, Path> adapters, TeamModel team) {
        if (!engine.adapters().names().isEmpty()) throw new IllegalStateException("the engine already has adapters " + engine.adapters().names());
        TeamBases bases = team == null ? null : TeamBases.load(team, modelDir, engine, options.maxBatch(), options.waitMicros());
        OpenAiServer s;
        try {
            s = new OpenAiServer(engine, modelDir, options, team, bases);
        } catch (RuntimeException e) {
            if (bases != null) bases.close();
            throw e;
        }
        try {
            for (var e : adapters.entrySet()) s.load(e.getKey(), e.getValue().toString());
            if (team != null) for (int i = 0; i < team.team().size(); i++) {
                if (!bases.onServedBase(i)) continue; // loaded on its own base, not served as a model of this one
                String name = TeamModel.adapterName(team.team().agent(i).role());
                Path dir = team.checkpoint().adapter(team.team().agent(i).role());
                s.scheduler.call(() -> engine.adapters().load(name, dir));
                s.adapters.put(name, dir.toString());
            }
        } catch (RuntimeException e) {
            s.close();
            throw e instanceof ApiError a ? new InputError("--adapter: " + a.getMessage()) : e;
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
        if (teamBases != null) teamBases.close();
    }

    private void route(HttpExchange ex) {
        try (ex) {
            String path = ex.getRequestURI().getPath(), method = ex.getRequestMethod();
            try {
                switch (path) {
                    case "/health" -> { expect(method, "GET"); send(ex, 200, "text/plain", ""); }
                    case "/v1/models" -> { expect(method, "GET"); sendJson(ex, 200, models()); }
                    case "/v1/completions" -> { expect(method, "POST"); sendJson(ex, 200, completions.completions(new Fields(body(ex)))); }
                    case "/v1/chat/completions" -> { expect(method, "POST"); sendJson(ex, 200, completions.chatCompletions(new Fields(body(ex)))); }
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
        if (name.isBlank() || name.equals(options.name()) || name.equals(TeamModel.NAME) || team != null && name.startsWith(TeamModel.NAME + "/"))
            throw ApiError.badRequest("lora_name", "'" + name + "' cannot name an adapter (blank, the base model, the team or its agents)");
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

}
