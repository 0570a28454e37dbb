package ai.marft.serve;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.lm.Generation;
import ai.marft.lm.LmEngine;
import ai.marft.lm.ModelConfig;
import ai.marft.lm.Tokenizer;
import ai.marft.mas.AgentGenerators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The bodies of /v1/completions and /v1/chat/completions: reads the request, decodes its rows
 * (prompts × n, prompt-major) through the scheduler, or runs the team, and writes OpenAI's response
 * with vLLM's extra fields ({@code token_ids}, {@code prompt_token_ids}, {@code stop_reason}).
 */
final class Completions {
    private final LmEngine engine;
    private final BatchScheduler scheduler;
    private final Optional<ChatTemplate> chat;
    private final TeamModel team;
    private final AgentGenerators teamGenerators;
    private final Function<String, String> models;

    /**
     * @param teamGenerators each agent's generator (its base's scheduler), with {@code team}
     * @param models         a request's model name -> its adapter (null: the base), or a 404 {@link ApiError}
     */
    Completions(LmEngine engine, BatchScheduler scheduler, Optional<ChatTemplate> chat, TeamModel team, AgentGenerators teamGenerators,
                Function<String, String> models) {
        this.engine = engine;
        this.scheduler = scheduler;
        this.chat = chat;
        this.team = team;
        this.teamGenerators = teamGenerators;
        this.models = models;
    }

    ObjectNode completions(Fields f) {
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
        String adapter = models.apply(model);
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

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
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

    ObjectNode chatCompletions(Fields f) {
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
        String adapter = models.apply(model);
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
            out.add(new HashMap<>(Map.of("role", role.asText(), "content", text)));
        }
        return out;
    }

    // ---- team

    private ObjectNode teamResponse(String object, String model, List<String> questions, Sampling s, boolean chatShape) {
        List<TeamModel.Answer> answers = team.answer(teamGenerators, questions, s);
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
            for (var turn : a.acted()) completion += turn.actionTokens().length;
        }
        int prompt = 0;
        for (TeamModel.Answer a : answers) for (var turn : a.acted()) prompt += turn.promptTokens().length;
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
