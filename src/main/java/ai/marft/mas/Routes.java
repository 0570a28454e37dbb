package ai.marft.mas;

import ai.marft.InputError;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The router's grammar and the checks on a declared route (docs/flexmg.md). A router's action routes
 * the step when its text is, after trimming, {@code call: ROLE[, ROLE]...}: the roles that act next,
 * in acting order, each known, none twice, never the router itself, each depending on the router
 * (so that it acts after the route is known), and no role listed before one it depends on. Anything else is malformed, and the router's {@code default_route} is taken instead.
 */
public final class Routes {
    private static final Pattern CALL = Pattern.compile("\\s*call\\s*:\\s*(.+?)\\s*", Pattern.DOTALL);

    private Routes() {}

    /** The route an action names, or empty when it is malformed for {@code team}'s router. */
    public static Optional<List<String>> parse(String action, Team team, int router) {
        Matcher m = CALL.matcher(action);
        if (!m.matches()) return Optional.empty();
        List<String> route = new ArrayList<>();
        for (String part : m.group(1).split(",", -1)) route.add(part.strip());
        return problem(route, team, router) == null ? Optional.of(List.copyOf(route)) : Optional.empty();
    }

    /**
     * Why {@code route} cannot be taken after agent {@code router} (acting order), or null when it can:
     * unknown or blank role, a repeat, the router itself or an agent it depends on (a cycle), or a role
     * listed before one of its dependencies (a cycle in the realised order).
     */
    static String problem(List<String> route, Team team, int router) {
        if (route.isEmpty()) return "the route is empty";
        List<String> roles = team.roles();
        for (int k = 0; k < route.size(); k++) {
            String name = route.get(k);
            int i = roles.indexOf(name);
            if (i < 0) return "unknown role \"" + name + "\"";
            if (route.subList(0, k).contains(name)) return "\"" + name + "\" is listed twice";
            if (i == router) return "the route would form a cycle: " + name + " -> " + name;
            if (reaches(team.graph(), router, i)) return "the route would form a cycle: " + name + " -> " + roles.get(router) + " -> " + name;
            if (!reaches(team.graph(), i, router))
                return "\"" + name + "\" does not depend on the router, so it acts before the route is known (add the router to its depends_on)";
            for (int later = k + 1; later < route.size(); later++) {
                int j = roles.indexOf(route.get(later));
                if (j >= 0 && reaches(team.graph(), i, j))
                    return "the route would form a cycle: " + name + " depends on " + route.get(later) + ", which the route puts after it";
            }
            if (k > 0 && roles.indexOf(route.get(k - 1)) > i)
                return "\"" + name + "\" is listed after \"" + route.get(k - 1) + "\", which acts later: list the roles in acting order ("
                        + String.join(", ", roles) + ")";
        }
        return null;
    }

    /** Checks a parsed team's routers: one at most, its default route valid. Errors name file, agent (file index) and field. */
    static void check(String source, List<Profile> fileOrder, Team team) {
        int routers = 0;
        for (int f = 0; f < fileOrder.size(); f++) {
            Profile p = fileOrder.get(f);
            if (!p.router()) continue;
            if (++routers > 1) throw new InputError("profiles " + source + ": agent " + f + ": field 'router': a team has at most one router");
            String why = problem(p.defaultRoute(), team, team.roles().indexOf(p.role()));
            if (why != null) throw new InputError("profiles " + source + ": agent " + f + ": field 'default_route': " + why);
        }
    }

    /** Whether agent i depends on agent j, directly or through others. */
    private static boolean reaches(DependencyGraph g, int i, int j) {
        for (int d : g.dependencies(i)) if (d == j || reaches(g, d, j)) return true;
        return false;
    }
}
