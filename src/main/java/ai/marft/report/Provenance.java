package ai.marft.report;

import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The provenance section of a run report, from run_info.json: the command (when recorded), seed,
 * versions, model (with its config.json's shape when the path is readable from here), the team's
 * profiles (read from profile_path when readable), and every config value.
 */
final class Provenance {
    private Provenance() {}

    static void append(StringBuilder b, JsonNode info, Path runDir) {
        JsonNode cfg = info.path("config");
        b.append("<section id=\"provenance\"><h2>Provenance</h2>\n<table class=\"kv\">");
        row(b, "command", info.hasNonNull("command") ? info.get("command").asText() : "(not recorded in run_info.json)");
        row(b, "seed", info.path("seed").asText(cfg.path("seed").asText("")));
        if (info.path("resumed_at_iteration").asLong(0) > 0) row(b, "resumed at iteration", info.get("resumed_at_iteration").asText());
        info.path("versions").properties().forEach(e -> row(b, e.getKey() + " version", e.getValue().asText()));
        row(b, "model", cfg.path("model_name_or_path").asText("") + modelShape(cfg.path("model_name_or_path").asText("")));
        row(b, "run folder", runDir.toString());
        b.append("</table>\n");
        profiles(b, cfg.path("profile_path").asText(""));
        b.append("<h3>Config</h3><table class=\"kv config\">");
        cfg.properties().forEach(e -> row(b, e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        b.append("</table></section>\n");
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append("<tr><th>").append(Html.esc(k)).append("</th><td>").append(Html.esc(v)).append("</td></tr>");
    }

    /** " (architecture, layers × hidden, vocab)" from the model folder's config.json, or "" where unreadable. */
    private static String modelShape(String path) {
        Path cfg = Path.of(path.isEmpty() ? "." : path).resolve("config.json");
        if (path.isEmpty() || !Files.isRegularFile(cfg)) return "";
        try {
            JsonNode m = Json.MAPPER.readTree(cfg.toFile());
            return " (" + m.path("architectures").path(0).asText(m.path("model_type").asText("?")) + ", " + m.path("num_hidden_layers").asText("?")
                    + " layers × " + m.path("hidden_size").asText("?") + " hidden, vocabulary " + m.path("vocab_size").asText("?") + ")";
        } catch (IOException e) {
            return " (config.json unreadable)";
        }
    }

    private static void profiles(StringBuilder b, String path) {
        b.append("<h3>Team profiles</h3>");
        Path f = Path.of(path.isEmpty() ? "." : path);
        JsonNode roles = null;
        if (!path.isEmpty() && Files.isRegularFile(f)) {
            try {
                roles = Json.MAPPER.readTree(f.toFile());
            } catch (IOException e) {
                roles = null;
            }
        }
        if (roles == null || !roles.isArray()) {
            b.append("<p>").append(Html.esc(path.isEmpty() ? "no profile_path in the config" : path + " (not readable from here)")).append("</p>\n");
            return;
        }
        b.append("<p><code>").append(Html.esc(path)).append("</code></p><table class=\"grid\"><tr><th>role</th><th>prompt</th><th>states the answer</th></tr>");
        for (JsonNode r : roles)
            b.append("<tr><td>").append(Html.esc(r.path("role").asText())).append("</td><td><pre>").append(Html.esc(r.path("prompt").asText()))
                    .append("</pre></td><td>").append(Html.esc(r.path("with_answer").asText(""))).append("</td></tr>");
        b.append("</table>\n");
    }
}
