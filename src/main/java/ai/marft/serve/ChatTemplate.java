package ai.marft.serve;

import ai.marft.InputError;
import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chat template of a model's tokenizer_config.json ({@code chat_template}, a Jinja template as
 * Hugging Face's apply_chat_template renders it: trim_blocks and lstrip_blocks on, variables
 * {@code messages}, {@code add_generation_prompt}, {@code bos_token}, {@code eos_token}, function
 * {@code raise_exception}). Rendered with HubSpot's Jinjava, the maintained Java Jinja engine. It
 * renders ChatML-style templates but not every Python-flavoured one (Qwen3's uses {@code [::-1]} and
 * {@code str.startswith}, which Jinjava 2.8 lacks); such a template is a 400 that says so.
 */
public final class ChatTemplate {
    private final String template;
    private final String bos, eos;
    private final Jinjava jinja;

    private ChatTemplate(String template, String bos, String eos) {
        this.template = template;
        this.bos = bos;
        this.eos = eos;
        this.jinja = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true).build());
        jinja.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception", ChatTemplate.class, "raiseException", String.class));
    }

    /** The template of {@code modelDir}'s tokenizer_config.json, empty when it has none. */
    public static Optional<ChatTemplate> load(Path modelDir) {
        Path f = modelDir.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(f)) return Optional.empty();
        JsonNode cfg;
        try {
            cfg = Json.MAPPER.readTree(f.toFile());
        } catch (IOException e) {
            throw new InputError(f + ": cannot read (" + e.getMessage() + ")");
        }
        JsonNode t = cfg.get("chat_template");
        if (t != null && t.isArray()) // a list of named templates: take "default"
            for (JsonNode named : t) if ("default".equals(named.path("name").asText())) t = named.get("template");
        if (t == null || !t.isTextual()) return Optional.empty();
        return Optional.of(new ChatTemplate(t.asText(), special(cfg.get("bos_token")), special(cfg.get("eos_token"))));
    }

    private static String special(JsonNode n) {
        if (n == null || n.isNull()) return "";
        return n.isTextual() ? n.asText() : n.path("content").asText("");
    }

    /** The prompt text for {@code messages} (each with role and content), ending with the assistant's opener. */
    public String render(List<Map<String, Object>> messages) {
        Map<String, Object> vars = new HashMap<>();
        vars.put("messages", messages);
        vars.put("add_generation_prompt", true);
        vars.put("bos_token", bos);
        vars.put("eos_token", eos);
        RenderResult r;
        try {
            r = jinja.renderForResult(template, vars);
        } catch (RuntimeException e) {
            throw ApiError.badRequest("messages", "the model's chat template failed: " + e.getMessage());
        }
        for (TemplateError e : r.getErrors()) {
            if (e.getSeverity() != TemplateError.ErrorType.FATAL) continue;
            for (Throwable c = e.getException(); c != null; c = c.getCause()) if (c instanceof ApiError a) throw a; // raise_exception
            throw ApiError.badRequest("messages", "chat needs a chat template that Jinjava can render, and this model's fails at line "
                    + e.getLineno() + " (" + e.getMessage() + "); render the prompt yourself and use /v1/completions");
        }
        return r.getOutput();
    }

    /** The templates' {@code raise_exception(message)}. */
    public static String raiseException(String message) {
        throw ApiError.badRequest("messages", "the chat template refused the messages: " + message);
    }
}
