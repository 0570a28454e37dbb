package ai.marft.mas;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.TextFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads MARFT profiles files (MARFT.md §2): a JSON array with one object per agent. The reference
 * files load unchanged; unknown keys are kept in {@link Profile#extra()}; anything malformed is an
 * {@link InputError} naming the file, the agent index and the field.
 */
public final class Profiles {
    static final String ROLE = "role", PROMPT = "prompt", WITH_ANSWER = "with_answer", DEPENDS_ON = "depends_on";
    private static final Set<String> KNOWN = Set.of(ROLE, PROMPT, WITH_ANSWER, DEPENDS_ON);

    private Profiles() {}

    /** Loads a profiles file into a team (agents in acting order, with their dependency graph). */
    public static Team load(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(TextFiles.readUtf8(file, "profiles"));
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new InputError("profiles " + file + ": not valid JSON (" + e.getOriginalMessage().lines().findFirst().orElse("") + at + ")");
        }
        return parse(file.toString(), root);
    }

    /** Builds a team from an already parsed JSON array; {@code source} names it in error messages. */
    public static Team parse(String source, JsonNode root) {
        if (root == null || !root.isArray()) throw new InputError("profiles " + source + ": expected a JSON array of agent objects");
        if (root.isEmpty()) throw new InputError("profiles " + source + ": the array is empty, a team needs at least one agent");
        List<Profile> profiles = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) profiles.add(parseAgent(source, i, root.get(i)));
        return Team.of(source, profiles);
    }

    /** The team's profiles as a JSON array in file format (acting order), unknown keys included. */
    public static ArrayNode toJson(Team team) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        team.agents().forEach(p -> a.add(p.toJson()));
        return a;
    }

    private static Profile parseAgent(String source, int index, JsonNode o) {
        String where = "profiles " + source + ": agent " + index;
        if (!o.isObject()) throw new InputError(where + ": expected a JSON object, got " + o.getNodeType().name().toLowerCase());
        String role = text(o, ROLE, where);
        if (role.isBlank() || role.equals(".") || role.equals("..") || role.matches(".*[/\\\\\\x00-\\x1f].*"))
            throw new InputError(where + ": field 'role' must be a non-blank name usable as a folder name, got \"" + role + "\"");
        String prompt = text(o, PROMPT, where);
        JsonNode wa = o.get(WITH_ANSWER);
        if (wa == null || !wa.isBoolean()) throw new InputError(where + ": field 'with_answer' must be true or false");
        List<String> dependsOn = null;
        JsonNode d = o.get(DEPENDS_ON);
        if (d != null && !d.isNull()) {
            if (!d.isArray()) throw new InputError(where + ": field 'depends_on' must be a list of role names");
            dependsOn = new ArrayList<>();
            for (JsonNode r : d) {
                if (!r.isTextual()) throw new InputError(where + ": field 'depends_on' must be a list of role names, found " + r);
                dependsOn.add(r.asText());
            }
        }
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        o.properties().forEach(e -> { if (!KNOWN.contains(e.getKey())) extra.put(e.getKey(), e.getValue()); });
        return new Profile(role, prompt, wa.asBoolean(), dependsOn, extra);
    }

    private static String text(JsonNode o, String field, String where) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) throw new InputError(where + ": field '" + field + "' must be a string" + (v == null ? " (missing)" : ""));
        return v.asText();
    }
}
