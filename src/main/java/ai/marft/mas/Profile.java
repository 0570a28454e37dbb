package ai.marft.mas;

import ai.marft.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One agent of a team, as written in a MARFT profiles file (MARFT.md §2).
 *
 * @param role       the agent's name: its turn label in prompts and the name of its adapter
 * @param prompt     the system prompt, prepended to every observation
 * @param withAnswer whether the environment grades this agent's output
 * @param dependsOn  roles whose turn of the same step this agent sees (Flex-MG D(i, j)); null means
 *                   the reference chain: every agent earlier in the file
 * @param extra      keys this project does not interpret (e.g. the reference's {@code device}),
 *                   kept in file order so a profile can be written back unchanged
 * @param model      the agent's own base model folder (Flex-MG heterogeneous agents), resolved against
 *                   the profiles file's folder when {@link Profiles#load} read it; null: the run's
 *                   {@code model_name_or_path}
 * @param router     whether this agent routes the step (its action names who acts next: docs/flexmg.md)
 * @param defaultRoute the route taken when the router's action does not parse (router only, else empty)
 */
public record Profile(String role, String prompt, boolean withAnswer, List<String> dependsOn, Map<String, JsonNode> extra,
                      String model, boolean router, List<String> defaultRoute) {
    public Profile {
        dependsOn = dependsOn == null ? null : List.copyOf(dependsOn);
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        defaultRoute = defaultRoute == null ? List.of() : List.copyOf(defaultRoute);
    }

    /** A profile on the run's base model, not a router. */
    public Profile(String role, String prompt, boolean withAnswer, List<String> dependsOn, Map<String, JsonNode> extra) {
        this(role, prompt, withAnswer, dependsOn, extra, null, false, List.of());
    }

    /** A profile with no dependency list (the chain) and no extra keys. */
    public Profile(String role, String prompt, boolean withAnswer) {
        this(role, prompt, withAnswer, null, Map.of());
    }

    /** The profile as a JSON object in the file format: known keys first, then the kept unknown ones. */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put(Profiles.ROLE, role).put(Profiles.PROMPT, prompt).put(Profiles.WITH_ANSWER, withAnswer);
        if (dependsOn != null) dependsOn.forEach(o.putArray(Profiles.DEPENDS_ON)::add);
        if (model != null) o.put(Profiles.MODEL, model);
        if (router) {
            o.put(Profiles.ROUTER, true);
            defaultRoute.forEach(o.putArray(Profiles.DEFAULT_ROUTE)::add);
        }
        extra.forEach(o::set);
        return o;
    }
}
