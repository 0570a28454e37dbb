package ai.marft.mas;

import ai.marft.InputError;
import ai.marft.Json;
import ai.marft.TextFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
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
    static final String MODEL = "model", ROUTER = "router", DEFAULT_ROUTE = "default_route";
    private static final Set<String> KNOWN = Set.of(ROLE, PROMPT, WITH_ANSWER, DEPENDS_ON, MODEL, ROUTER, DEFAULT_ROUTE);

    private Profiles() {}

    /** Loads a profiles file into a team (agents in acting order, with their dependency graph). */
    public static Team load(Path file) {
        return parse(file.toString(), readTree(file), file.toAbsolutePath().getParent());
    }

    /**
     * As {@link #load}, with every agent's {@code model} key left out (each agent on the run's model):
     * for uses that need no model, such as pretraining a router model whose folder the profiles name.
     */
    public static Team loadWithoutModels(Path file) {
        JsonNode root = readTree(file);
        if (root != null && root.isArray()) for (JsonNode agent : root) if (agent instanceof ObjectNode o) o.remove(MODEL);
        return parse(file.toString(), root, file.toAbsolutePath().getParent());
    }

    private static JsonNode readTree(Path file) {
        try {
            return Json.MAPPER.readTree(TextFiles.readUtf8(file, "profiles"));
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new InputError("profiles " + file + ": not valid JSON (" + e.getOriginalMessage().lines().findFirst().orElse("") + at + ")");
        }
    }

    /** Builds a team from an already parsed JSON array; {@code source} names it in error messages; models resolve from the working folder. */
    public static Team parse(String source, JsonNode root) {
        return parse(source, root, Path.of("").toAbsolutePath());
    }

    /** As {@link #parse(String, JsonNode)}, with relative {@code model} folders resolved against {@code modelsFrom}. */
    public static Team parse(String source, JsonNode root, Path modelsFrom) {
        if (root == null || !root.isArray()) throw new InputError("profiles " + source + ": expected a JSON array of agent objects");
        if (root.isEmpty()) throw new InputError("profiles " + source + ": the array is empty, a team needs at least one agent");
        List<Profile> profiles = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) profiles.add(parseAgent(source, i, root.get(i), modelsFrom));
        Team team = Team.of(source, profiles);
        Routes.check(source, profiles, team);
        return team;
    }

    /** The team's profiles as a JSON array in file format (acting order), unknown keys included. */
    public static ArrayNode toJson(Team team) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        team.agents().forEach(p -> a.add(p.toJson()));
        return a;
    }

    private static Profile parseAgent(String source, int index, JsonNode o, Path modelsFrom) {
        String where = "profiles " + source + ": agent " + index;
        if (!o.isObject()) throw new InputError(where + ": expected a JSON object, got " + o.getNodeType().name().toLowerCase());
        String role = text(o, ROLE, where);
        if (role.isBlank() || role.equals(".") || role.equals("..") || role.matches(".*[/\\\\\\x00-\\x1f].*"))
            throw new InputError(where + ": field 'role' must be a non-blank name usable as a folder name, got \"" + role + "\"");
        String prompt = text(o, PROMPT, where);
        JsonNode wa = o.get(WITH_ANSWER);
        if (wa == null || !wa.isBoolean()) throw new InputError(where + ": field 'with_answer' must be true or false");
        List<String> dependsOn = roleList(o, DEPENDS_ON, where);
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        o.properties().forEach(e -> { if (!KNOWN.contains(e.getKey())) extra.put(e.getKey(), e.getValue()); });
        String model = o.has(MODEL) ? modelDir(o, where, modelsFrom) : null;
        JsonNode r = o.get(ROUTER);
        if (r != null && !r.isBoolean()) throw new InputError(where + ": field 'router' must be true or false");
        boolean router = r != null && r.asBoolean();
        List<String> route = roleList(o, DEFAULT_ROUTE, where);
        if (router && route == null) throw new InputError(where + ": field 'default_route' is required on a router (the route of a malformed routing action)");
        if (!router && route != null) throw new InputError(where + ": field 'default_route' is only allowed on a profile with \"router\": true");
        return new Profile(role, prompt, wa.asBoolean(), dependsOn, extra, model, router, route);
    }

    /** The agent's model folder, absolute; it must hold a config.json. */
    private static String modelDir(JsonNode o, String where, Path modelsFrom) {
        String written = text(o, MODEL, where);
        Path dir;
        try {
            dir = modelsFrom.resolve(written).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new InputError(where + ": field 'model': \"" + written + "\" is not a path");
        }
        if (!Files.isRegularFile(dir.resolve("config.json")))
            throw new InputError(where + ": field 'model': no model folder at " + dir + " (a folder with config.json, relative paths are from the profiles file's folder)");
        return dir.toString();
    }

    /** A list of role names, or null when the field is absent. */
    private static List<String> roleList(JsonNode o, String field, String where) {
        JsonNode d = o.get(field);
        if (d == null || d.isNull()) return null;
        if (!d.isArray()) throw new InputError(where + ": field '" + field + "' must be a list of role names");
        List<String> out = new ArrayList<>();
        for (JsonNode r : d) {
            if (!r.isTextual()) throw new InputError(where + ": field '" + field + "' must be a list of role names, found " + r);
            out.add(r.asText());
        }
        return out;
    }

    private static String text(JsonNode o, String field, String where) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) throw new InputError(where + ": field '" + field + "' must be a string" + (v == null ? " (missing)" : ""));
        return v.asText();
    }
}
